package api

import (
	"context"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
	"github.com/hookhub/hookhub/crm360"
)

// crm360Routes are the routes that set up CRM360's QueueProcess: the name
// a tenant answers to, how each source authenticates, and the status of
// the messages it queued.
func (h *handlers) crm360Routes(api huma.API) {
	route(api, h, h.op("GET /v1/crm360/account", "get-crm360-account", "Get the CustomerName and DatabaseAlias the tenant answers to", 200), h.getCRM360Account)
	route(api, h, h.op("PUT /v1/crm360/account", "put-crm360-account", "Set the CustomerName and DatabaseAlias the tenant answers to", 200), h.putCRM360Account)
	route(api, h, h.op("GET /v1/crm360/sources/{id}", "get-crm360-source", "Get a CRM360 source: its SourceId, authentication and URL", 200), h.getCRM360Source)
	route(api, h, h.op("PUT /v1/crm360/sources/{id}/auth", "put-crm360-source-auth", "Set how a CRM360 source's callers authenticate", 200), h.putCRM360SourceAuth)
	route(api, h, h.op("GET /v1/inbound-messages/{id}", "get-inbound-message", "Get a received message and its processing status", 200), h.getInboundMessage)
}

type crm360AccountJSON struct {
	CustomerName  string    `json:"customer_name" maxLength:"255" doc:"CRM360's CustomerName, matched in any case."`
	DatabaseAlias string    `json:"database_alias" maxLength:"255" doc:"CRM360's DatabaseAlias, matched in any case."`
	UpdatedAt     time.Time `json:"updated_at,omitempty" readOnly:"true"`
}

func toCRM360Account(a *crm.CRM360Account) *struct{ Body crm360AccountJSON } {
	return &struct{ Body crm360AccountJSON }{Body: crm360AccountJSON{CustomerName: a.CustomerName, DatabaseAlias: a.DatabaseAlias, UpdatedAt: a.UpdatedAt}}
}

func (h *handlers) getCRM360Account(ctx context.Context, _ *struct{}) (*struct{ Body crm360AccountJSON }, error) {
	a, err := h.svc.CRM360Account(ctx, actor(ctx))
	if err != nil {
		return nil, err
	}
	return toCRM360Account(a), nil
}

func (h *handlers) putCRM360Account(ctx context.Context, in *struct{ Body crm360AccountJSON }) (*struct{ Body crm360AccountJSON }, error) {
	a, err := h.svc.SetCRM360Account(ctx, actor(ctx), in.Body.CustomerName, in.Body.DatabaseAlias)
	if err != nil {
		return nil, err
	}
	return toCRM360Account(a), nil
}

type crm360SourceJSON struct {
	SourceID  int64  `json:"source_id" doc:"The SourceId callers put in the URL: the integration's id."`
	Platform  string `json:"platform" doc:"The ExternalPlatform it takes (shopify, zendesk…)."`
	Name      string `json:"name"`
	Active    bool   `json:"active"`
	Auth      string `json:"auth" enum:"token,shopify_hmac,zendesk_signature"`
	HasSecret bool   `json:"has_secret" doc:"Whether a signing secret is set; it is never shown."`
	URL       string `json:"url" doc:"The QueueProcess URL with this source's parameters; add ExternalEntity, ExternalAction and the others."`
}

type crm360SourceAuthJSON struct {
	Auth   string `json:"auth" enum:"token,shopify_hmac,zendesk_signature" doc:"token: Authorization: Bearer with a token that has inbound.send; shopify_hmac: X-Shopify-Hmac-Sha256; zendesk_signature: X-Zendesk-Webhook-Signature."`
	Secret string `json:"secret,omitempty" maxLength:"1024" doc:"The platform's signing secret, for the signatures; encrypted at rest and never shown again."`
}

// toCRM360Source shows a source with the URL its platform posts to: the
// QueueProcess path (package crm360's Path) with the parameters that name
// the source.
func (h *handlers) toCRM360Source(ctx context.Context, in *hookhub.Integration, src *crm.CRM360Source) *struct{ Body crm360SourceJSON } {
	platform, _ := crm.CRM360Platform(in.Kind)
	a, err := h.svc.CRM360Account(ctx, actor(ctx))
	if err != nil {
		a = nil // no name yet: the URL lacks CustomerName and DatabaseAlias
	}
	return &struct{ Body crm360SourceJSON }{Body: crm360SourceJSON{
		SourceID: in.ID, Platform: platform, Name: in.Name, Active: in.Active, Auth: string(src.Auth), HasSecret: src.Secret != "",
		URL: crm360.SourceURL(h.svc.BaseURL(), in, a),
	}}
}

func (h *handlers) getCRM360Source(ctx context.Context, in *IDParam) (*struct{ Body crm360SourceJSON }, error) {
	it, src, err := h.svc.CRM360Source(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return h.toCRM360Source(ctx, it, src), nil
}

func (h *handlers) putCRM360SourceAuth(ctx context.Context, in *struct {
	IDParam
	Body crm360SourceAuthJSON
}) (*struct{ Body crm360SourceJSON }, error) {
	it, src, err := h.svc.SetCRM360SourceAuth(ctx, actor(ctx), in.ID, crm.SourceAuth(in.Body.Auth), in.Body.Secret)
	if err != nil {
		return nil, err
	}
	return h.toCRM360Source(ctx, it, src), nil
}

func (h *handlers) getInboundMessage(ctx context.Context, in *IDParam) (*struct{ Body inboundRequestJSON }, error) {
	m, err := h.svc.GetInboundMessage(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &struct{ Body inboundRequestJSON }{Body: toInboundRequest(m)}, nil
}
