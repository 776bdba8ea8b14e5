package api

import (
	"context"
	"encoding/json"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/hookhub/hookhub/crm"
)

// crmRoutes are the routes that read the CRM records besides contacts and
// orders (records.go): products, tickets, activities and messages, whose
// JSON is their events' data.
func (h *handlers) crmRoutes(api huma.API) {
	route(api, h, h.op("GET /v1/products", "list-products", "List products", 200), h.listProducts)
	route(api, h, h.op("GET /v1/products/{id}", "get-product", "Get a product", 200), h.getProduct)
	route(api, h, h.op("GET /v1/tickets", "list-tickets", "List help-desk tickets", 200), h.listTickets)
	route(api, h, h.op("GET /v1/tickets/{id}", "get-ticket", "Get a ticket", 200), h.getTicket)
	route(api, h, h.op("GET /v1/activities", "list-activities", "List contacts' activities", 200), h.listActivities)
	route(api, h, h.op("GET /v1/messages", "list-messages", "List SMS, e-mails and wallet updates (the outbox: status queued)", 200), h.listMessages)
	route(api, h, h.op("GET /v1/messages/{id}", "get-message", "Get a message and its events", 200), h.getMessage)
}

// rawJSON is JSON passed through as it was stored.
type rawJSON json.RawMessage

func (r rawJSON) MarshalJSON() ([]byte, error) {
	if len(r) == 0 {
		return []byte("null"), nil
	}
	return r, nil
}

// Schema says what MarshalJSON writes: any JSON value. It has no type, not
// a nullable one: null is already a JSON value, and huma would write the
// type ["", "null"], which OpenAPI refuses.
func (rawJSON) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Description: "Any JSON value, as its source sent it; null for none."}
}

type variantJSON struct {
	ExternalID string  `json:"external_id"`
	Title      string  `json:"title"`
	SKU        string  `json:"sku"`
	Price      decimal `json:"price"`
}

type productJSON struct {
	ID            int64         `json:"id"`
	IntegrationID int64         `json:"integration_id"`
	ExternalID    string        `json:"external_id" doc:"The shop's product id."`
	Title         string        `json:"title"`
	Vendor        string        `json:"vendor"`
	Type          string        `json:"product_type"`
	Handle        string        `json:"handle"`
	Status        string        `json:"status"`
	Tags          []string      `json:"tags"`
	Variants      []variantJSON `json:"variants"`
	ZoneID        int64         `json:"zone_id"`
	BrandID       int64         `json:"brand_id"`
	CreatedAt     time.Time     `json:"created_at"`
	UpdatedAt     time.Time     `json:"updated_at"`
}

func toProduct(p *crm.Product) productJSON {
	out := productJSON{ID: p.ID, IntegrationID: p.IntegrationID, ExternalID: p.ExternalID, Title: p.Title, Vendor: p.Vendor, Type: p.Type,
		Handle: p.Handle, Status: p.Status, Tags: p.Tags, Variants: make([]variantJSON, len(p.Variants)), ZoneID: p.ZoneID, BrandID: p.BrandID,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	for i, v := range p.Variants {
		out.Variants[i] = variantJSON{ExternalID: v.ExternalID, Title: v.Title, SKU: v.SKU, Price: decimal(v.Price)}
	}
	return out
}

type ticketJSON struct {
	ID            int64     `json:"id"`
	IntegrationID int64     `json:"integration_id"`
	ExternalID    string    `json:"external_id" doc:"The help desk's ticket id."`
	ContactID     int64     `json:"contact_id" doc:"The requester."`
	Title         string    `json:"title"`
	Status        string    `json:"status"`
	Type          string    `json:"type"`
	Via           string    `json:"via"`
	Link          string    `json:"link"`
	Comments      string    `json:"comments"`
	ZoneID        int64     `json:"zone_id"`
	BrandID       int64     `json:"brand_id"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func toTicket(t *crm.Ticket) ticketJSON {
	return ticketJSON{ID: t.ID, IntegrationID: t.IntegrationID, ExternalID: t.ExternalID, ContactID: t.ContactID, Title: t.Title,
		Status: t.Status, Type: t.Type, Via: t.Via, Link: t.Link, Comments: t.Comments, ZoneID: t.ZoneID, BrandID: t.BrandID,
		CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

type activityJSON struct {
	ID            int64     `json:"id"`
	ContactID     int64     `json:"contact_id"`
	IntegrationID int64     `json:"integration_id"`
	Type          string    `json:"type" doc:"participation, or merge (data is the merged duplicate as it was)."`
	Data          rawJSON   `json:"data"`
	OccurredAt    time.Time `json:"occurred_at"`
	ZoneID        int64     `json:"zone_id"`
	BrandID       int64     `json:"brand_id"`
	CreatedAt     time.Time `json:"created_at"`
}

func toActivity(a *crm.Activity) activityJSON {
	return activityJSON{ID: a.ID, ContactID: a.ContactID, IntegrationID: a.IntegrationID, Type: a.Type, Data: rawJSON(a.Data),
		OccurredAt: a.OccurredAt, ZoneID: a.ZoneID, BrandID: a.BrandID, CreatedAt: a.CreatedAt}
}

type messageEventJSON struct {
	Type   string    `json:"type" doc:"The provider's name for it (Mailjet's open, Smsbox's code 0)."`
	Status string    `json:"status"`
	At     time.Time `json:"at"`
	Detail string    `json:"detail,omitempty"`
	Hard   bool      `json:"hard,omitempty" doc:"A bounce that will not go away."`
}

type messageJSON struct {
	ID            int64              `json:"id"`
	IntegrationID int64              `json:"integration_id"`
	ContactID     int64              `json:"contact_id" doc:"The contact with its address; 0 for none."`
	Channel       string             `json:"channel" enum:"sms,email,wallet"`
	Provider      string             `json:"provider"`
	ProviderID    string             `json:"provider_id"`
	To            string             `json:"to"`
	From          string             `json:"from"`
	Subject       string             `json:"subject"`
	Text          string             `json:"text"`
	Data          rawJSON            `json:"data"`
	Status        string             `json:"status" enum:"queued,sent,logged,delivered,opened,clicked,failed,bounced,blocked,spam,unsubscribed"`
	Reason        string             `json:"reason" doc:"Why it failed or was blocked."`
	Events        []messageEventJSON `json:"events"`
	Attempts      int                `json:"attempts"`
	MailID        int64              `json:"mail_id" doc:"The e-mail of GET /v1/mail that sends it; 0 for none."`
	ZoneID        int64              `json:"zone_id"`
	BrandID       int64              `json:"brand_id"`
	CreatedAt     time.Time          `json:"created_at"`
	UpdatedAt     time.Time          `json:"updated_at"`
	SentAt        *time.Time         `json:"sent_at"`
}

func toMessage(m *crm.Message) messageJSON {
	out := messageJSON{ID: m.ID, IntegrationID: m.IntegrationID, ContactID: m.ContactID, Channel: string(m.Channel), Provider: m.Provider,
		ProviderID: m.ProviderID, To: m.To, From: m.From, Subject: m.Subject, Text: m.Text, Data: rawJSON(m.Data), Status: string(m.Status),
		Reason: m.Reason, Events: make([]messageEventJSON, len(m.Events)), Attempts: m.Attempts, MailID: m.MailID, ZoneID: m.ZoneID,
		BrandID: m.BrandID, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, SentAt: timeOrNil(m.SentAt)}
	for i, e := range m.Events {
		out.Events[i] = messageEventJSON{Type: e.Type, Status: string(e.Status), At: e.At, Detail: e.Detail, Hard: e.Hard}
	}
	return out
}

func productID(p *crm.Product) int64   { return p.ID }
func ticketID(t *crm.Ticket) int64     { return t.ID }
func activityID(a *crm.Activity) int64 { return a.ID }
func messageID(m *crm.Message) int64   { return m.ID }

func (h *handlers) listProducts(ctx context.Context, in *struct {
	IntegrationID int64  `query:"integration_id"`
	ExternalID    string `query:"external_id" doc:"The shop's product id."`
	PageParams
}) (*struct{ Body listJSON[productJSON] }, error) {
	f := crm.ProductFilter{IntegrationID: in.IntegrationID, ExternalID: in.ExternalID, Page: in.page()}
	ps, err := h.svc.ListProducts(ctx, actor(ctx), f)
	if err != nil {
		return nil, err
	}
	return pageOf(&in.PageParams, ps, productID, toProduct), nil
}

func (h *handlers) getProduct(ctx context.Context, in *IDParam) (*struct{ Body productJSON }, error) {
	p, err := h.svc.GetProduct(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &struct{ Body productJSON }{Body: toProduct(p)}, nil
}

func (h *handlers) listTickets(ctx context.Context, in *struct {
	ContactID     int64  `query:"contact_id"`
	IntegrationID int64  `query:"integration_id"`
	ExternalID    string `query:"external_id"`
	Status        string `query:"status"`
	PageParams
}) (*struct{ Body listJSON[ticketJSON] }, error) {
	f := crm.TicketFilter{ContactID: in.ContactID, IntegrationID: in.IntegrationID, ExternalID: in.ExternalID, Status: in.Status, Page: in.page()}
	ts, err := h.svc.ListTickets(ctx, actor(ctx), f)
	if err != nil {
		return nil, err
	}
	return pageOf(&in.PageParams, ts, ticketID, toTicket), nil
}

func (h *handlers) getTicket(ctx context.Context, in *IDParam) (*struct{ Body ticketJSON }, error) {
	t, err := h.svc.GetTicket(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &struct{ Body ticketJSON }{Body: toTicket(t)}, nil
}

func (h *handlers) listActivities(ctx context.Context, in *struct {
	ContactID int64  `query:"contact_id"`
	Type      string `query:"type"`
	PageParams
}) (*struct{ Body listJSON[activityJSON] }, error) {
	as, err := h.svc.ListActivities(ctx, actor(ctx), crm.ActivityFilter{ContactID: in.ContactID, Type: in.Type, Page: in.page()})
	if err != nil {
		return nil, err
	}
	return pageOf(&in.PageParams, as, activityID, toActivity), nil
}

func (h *handlers) listMessages(ctx context.Context, in *struct {
	Channel   string `query:"channel" enum:"sms,email,wallet"`
	Status    string `query:"status"`
	ContactID int64  `query:"contact_id"`
	PageParams
}) (*struct{ Body listJSON[messageJSON] }, error) {
	f := crm.MessageFilter{Channel: crm.Channel(in.Channel), Status: crm.MessageStatus(in.Status), ContactID: in.ContactID, Page: in.page()}
	ms, err := h.svc.ListMessages(ctx, actor(ctx), f)
	if err != nil {
		return nil, err
	}
	return pageOf(&in.PageParams, ms, messageID, toMessage), nil
}

func (h *handlers) getMessage(ctx context.Context, in *IDParam) (*struct{ Body messageJSON }, error) {
	m, err := h.svc.GetMessage(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &struct{ Body messageJSON }{Body: toMessage(m)}, nil
}
