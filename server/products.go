package server

import (
	"github.com/danielgtaylor/huma/v2"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
	"github.com/hookhub/hookhub/crm360"
	"github.com/hookhub/hookhub/delivery"
	"github.com/hookhub/hookhub/inbound"
	"github.com/hookhub/hookhub/salesiq"
	"github.com/hookhub/hookhub/service"
	"github.com/hookhub/hookhub/superoffice"
	"github.com/hookhub/hookhub/svix"
	"github.com/hookhub/hookhub/thiio"
	"github.com/hookhub/hookhub/tilby"
)

// product is one product hookhub speaks: what it adds to the vocabulary,
// and what each part of hookhub runs for it. Each adapter exports its parts
// as values; this table is the one place that puts them together.
type product struct {
	hookhub.Product                     // event types, scope aliases, integration kinds
	format          string              // the format of its webhooks ("" for none)
	formatter       delivery.Formatter  // what the engine posts for them
	rules           service.FormatRules // what every save of them must respect
	inbound         []inbound.Kind      // the kinds served at /in/
	openapi         func(*huma.OpenAPI) // adds its API's paths to the OpenAPI document
}

// products are the products this hookhub serves, in the order their event
// types join the catalogue (a type named twice keeps its first
// description). CRM360's QueueProcess is mounted in routes.
var products = []product{
	{Product: crm.Records},
	{Product: salesiq.Product, format: salesiq.Format, formatter: &salesiq.Formatter{}, rules: salesiq.Rules{}, openapi: salesiq.OpenAPI},
	{Product: superoffice.Product, format: superoffice.Format, formatter: &superoffice.Formatter{}, rules: superoffice.Rules{}, openapi: superoffice.OpenAPI},
	{Product: tilby.Product, format: tilby.Format, formatter: tilby.Formatter{}, rules: tilby.Rules{}, openapi: tilby.OpenAPI},
	{Product: svix.Product, format: svix.Format, formatter: &svix.Formatter{}, rules: svix.Rules{}},
	{Product: thiio.Product, inbound: []inbound.Kind{thiio.Kind{}}},
	{Product: crm360.Product, openapi: crm360.OpenAPI},
}

// Catalog is the vocabulary of every product served. Tests that build a
// service of their own take it (or the products they ask for), so that
// they meet the catalogue the server has.
func Catalog() *hookhub.Catalog {
	ps := make([]hookhub.Product, len(products))
	for i, p := range products {
		ps[i] = p.Product
	}
	return hookhub.NewCatalog(ps...)
}

// Formats are the products' wire formats, by format name: what the engine
// posts for their webhooks.
func Formats() map[string]delivery.Formatter {
	out := map[string]delivery.Formatter{}
	for _, p := range products {
		if p.formatter != nil {
			out[p.format] = p.formatter
		}
	}
	return out
}

// Rules are the products' rules for their webhooks, by format name, which
// the service applies on every save.
func Rules() map[string]service.FormatRules {
	out := map[string]service.FormatRules{}
	for _, p := range products {
		if p.rules != nil {
			out[p.format] = p.rules
		}
	}
	return out
}

// InboundKinds are the integration kinds whose requests the door at /in/
// reads.
func InboundKinds() []inbound.Kind {
	var out []inbound.Kind
	for _, p := range products {
		out = append(out, p.inbound...)
	}
	return out
}
