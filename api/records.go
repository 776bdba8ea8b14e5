package api

import (
	"context"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/hookhub/hookhub/crm"
)

// recordRoutes are the routes that read the CRM records inbound messages
// make. The records' JSON is the same as their events' data.
func (h *handlers) recordRoutes(api huma.API) {
	route(api, h, h.op("GET /v1/contacts", "list-contacts", "List contacts (leads)", 200), h.listContacts)
	route(api, h, h.op("GET /v1/contacts/{id}", "get-contact", "Get a contact", 200), h.getContact)
	route(api, h, h.op("GET /v1/orders", "list-orders", "List orders", 200), h.listOrders)
	route(api, h, h.op("GET /v1/orders/{id}", "get-order", "Get an order", 200), h.getOrder)
}

// decimal is an exact amount, written as a JSON number, or null when
// there is none.
type decimal crm.Decimal

func (d decimal) MarshalJSON() ([]byte, error) { return crm.Decimal(d).MarshalJSON() }

// Schema says what MarshalJSON writes.
func (decimal) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeNumber, Nullable: true, Description: "An exact decimal amount; null when there is none."}
}

type phoneJSON struct {
	Country string `json:"country" doc:"ISO 3166 alpha-2 (US) or a calling code (+1); US when the source gave none."`
	Number  string `json:"number" doc:"As the source gave it."`
}

type addressJSON struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Line1     string `json:"line1"`
	Line2     string `json:"line2"`
	City      string `json:"city"`
	State     string `json:"state"`
	ZipCode   string `json:"zip_code"`
	Country   string `json:"country"`
}

type contactJSON struct {
	ID              int64        `json:"id"`
	FirstName       string       `json:"first_name"`
	LastName        string       `json:"last_name"`
	Email           string       `json:"email" doc:"A tenant has one contact per address, in any case. Empty for a contact a source knows only by its id or phone (a Shopify phone-only customer)."`
	Phone           phoneJSON    `json:"phone"`
	BillingAddress  *addressJSON `json:"billing_address"`
	ShippingAddress *addressJSON `json:"shipping_address"`
	Source          string       `json:"source" doc:"Where the contact first came from (a Thiio payload's source)."`
	IntegrationID   int64        `json:"integration_id" doc:"The integration it first came through; 0 for none."`
	ZoneID          int64        `json:"zone_id" doc:"The CRM zone it is attached to (CRM360's ZoneId); 0 for none."`
	BrandID         int64        `json:"brand_id" doc:"The brand it is attached to (CRM360's BrandId); 0 for none."`
	AddressTypeID   int64        `json:"contact_address_type_id" doc:"The kind of its address (CRM360's ContactAddressTypeId); 0 for none."`
	EmailConsent    string       `json:"email_consent" enum:"granted,withdrawn,bounced," doc:"Whether it may be sent marketing e-mail; empty when not known."`
	SMSConsent      string       `json:"sms_consent" enum:"granted,withdrawn," doc:"Whether it may be sent marketing SMS; empty when not known."`
	CreatedAt       time.Time    `json:"created_at"`
	UpdatedAt       time.Time    `json:"updated_at"`
}

func toAddress(a *crm.Address) *addressJSON {
	if a == nil {
		return nil
	}
	out := addressJSON(*a)
	return &out
}

func toContact(c *crm.Contact) contactJSON {
	return contactJSON{
		ID: c.ID, FirstName: c.FirstName, LastName: c.LastName, Email: c.Email, Phone: phoneJSON(c.Phone),
		BillingAddress: toAddress(c.BillingAddress), ShippingAddress: toAddress(c.ShippingAddress),
		Source: c.Source, IntegrationID: c.IntegrationID, ZoneID: c.ZoneID, BrandID: c.BrandID, AddressTypeID: c.AddressTypeID,
		EmailConsent: string(c.EmailConsent), SMSConsent: string(c.SMSConsent), CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
	}
}

func contactID(c *crm.Contact) int64 { return c.ID }

type orderItemJSON struct {
	Name     string  `json:"name"`
	Title    string  `json:"title"`
	Quantity decimal `json:"quantity"`
	Price    decimal `json:"price"`
}

type orderJSON struct {
	ID            int64           `json:"id"`
	ContactID     int64           `json:"contact_id" doc:"Its contact; 0 for a sale to nobody known (a point-of-sale order without a customer) or when its contact was deleted."`
	IntegrationID int64           `json:"integration_id"`
	ExternalID    string          `json:"external_id" doc:"The shop's order id; the same id again from the same integration updates the order."`
	Type          string          `json:"type" enum:"success,pending,void,refund"`
	UserID        string          `json:"user_id" doc:"The shop's id of the customer."`
	Date          time.Time       `json:"date" doc:"When the shop took the order."`
	Shipping      decimal         `json:"shipping"`
	Taxes         decimal         `json:"taxes"`
	Total         decimal         `json:"total"`
	Items         []orderItemJSON `json:"items"`
	Currency      string          `json:"currency" doc:"ISO 4217; empty when the shop did not say."`
	Store         string          `json:"store" doc:"The store or till it was taken at (Tabology's store)."`
	ZoneID        int64           `json:"zone_id"`
	BrandID       int64           `json:"brand_id"`
	CreatedAt     time.Time       `json:"created_at"`
	UpdatedAt     time.Time       `json:"updated_at"`
}

func toOrder(o *crm.Order) orderJSON {
	out := orderJSON{
		ID: o.ID, ContactID: o.ContactID, IntegrationID: o.IntegrationID, ExternalID: o.ExternalID, Type: string(o.Type),
		UserID: o.UserID, Date: o.Date, Shipping: decimal(o.Shipping), Taxes: decimal(o.Taxes), Total: decimal(o.Total),
		Items: make([]orderItemJSON, len(o.Items)), Currency: o.Currency, Store: o.Store, ZoneID: o.ZoneID, BrandID: o.BrandID,
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt,
	}
	for i, it := range o.Items {
		out.Items[i] = orderItemJSON{Name: it.Name, Title: it.Title, Quantity: decimal(it.Quantity), Price: decimal(it.Price)}
	}
	return out
}

func orderID(o *crm.Order) int64 { return o.ID }

func (h *handlers) listContacts(ctx context.Context, in *struct {
	Email         string `query:"email" doc:"Only the contact with this address, in any case."`
	Q             string `query:"q" doc:"Only contacts whose name or e-mail holds this, in any case."`
	Source        string `query:"source"`
	IntegrationID int64  `query:"integration_id" doc:"Only contacts that came through this integration."`
	TimeRange
	PageParams
}) (*struct{ Body listJSON[contactJSON] }, error) {
	f := crm.ContactFilter{
		Email: in.Email, Search: in.Q, Source: in.Source, IntegrationID: in.IntegrationID,
		Since: in.Since, Until: in.Until, Page: in.page(),
	}
	cs, err := h.svc.ListContacts(ctx, actor(ctx), f)
	if err != nil {
		return nil, err
	}
	return pageOf(&in.PageParams, cs, contactID, toContact), nil
}

func (h *handlers) getContact(ctx context.Context, in *IDParam) (*struct{ Body contactJSON }, error) {
	c, err := h.svc.GetContact(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &struct{ Body contactJSON }{Body: toContact(c)}, nil
}

func (h *handlers) listOrders(ctx context.Context, in *struct {
	ContactID     int64     `query:"contact_id"`
	IntegrationID int64     `query:"integration_id"`
	ExternalID    string    `query:"external_id" doc:"The shop's order id."`
	Type          string    `query:"type" enum:"success,pending,void,refund"`
	Since         time.Time `query:"since" doc:"Only orders dated at or after this time (RFC 3339)."`
	Until         time.Time `query:"until" doc:"Only orders dated before this time (RFC 3339)."`
	PageParams
}) (*struct{ Body listJSON[orderJSON] }, error) {
	f := crm.OrderFilter{
		ContactID: in.ContactID, IntegrationID: in.IntegrationID, ExternalID: in.ExternalID, Type: crm.OrderType(in.Type),
		Since: in.Since, Until: in.Until, Page: in.page(),
	}
	orders, err := h.svc.ListOrders(ctx, actor(ctx), f)
	if err != nil {
		return nil, err
	}
	return pageOf(&in.PageParams, orders, orderID, toOrder), nil
}

func (h *handlers) getOrder(ctx context.Context, in *IDParam) (*struct{ Body orderJSON }, error) {
	o, err := h.svc.GetOrder(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &struct{ Body orderJSON }{Body: toOrder(o)}, nil
}
