package crm360_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hookhub/hookhub/webhooktest"
)

// contactJSON is a contact as the API shows it.
type contactJSON struct {
	ID              int64
	FirstName       string `json:"first_name"`
	LastName        string `json:"last_name"`
	Email           string
	Phone           struct{ Country, Number string }
	BillingAddress  *addressJSON `json:"billing_address"`
	ShippingAddress *addressJSON `json:"shipping_address"`
	Source          string
	IntegrationID   int64  `json:"integration_id"`
	ZoneID          int64  `json:"zone_id"`
	BrandID         int64  `json:"brand_id"`
	AddressTypeID   int64  `json:"contact_address_type_id"`
	EmailConsent    string `json:"email_consent"`
	SMSConsent      string `json:"sms_consent"`
}

type addressJSON struct {
	Line1   string `json:"line1"`
	Line2   string `json:"line2"`
	City    string `json:"city"`
	State   string `json:"state"`
	ZipCode string `json:"zip_code"`
	Country string `json:"country"`
}

// contact is the one contact of acme with the address.
func (e *env) contact(t *testing.T, email string) contactJSON {
	t.Helper()
	var cs []contactJSON
	e.list(t, "/v1/contacts?email="+email, &cs)
	if len(cs) != 1 {
		t.Fatalf("contacts with %s = %+v, want one", email, cs)
	}
	return cs[0]
}

// sameAsAPI checks that an event's data is what the API shows of its
// record.
func (e *env) sameAsAPI(t *testing.T, ev webhooktest.Event, path string) {
	t.Helper()
	var rec json.RawMessage
	e.must(t, e.token, "GET", path, nil, 200, &rec)
	if !sameJSON(ev.Data, rec) {
		t.Errorf("%s event data =\n%s\nwant what GET %s shows:\n%s", ev.Type, ev.Data, path, rec)
	}
}

func TestShopifyCustomer(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	body := testdata(t, "shopify_customer.json")

	// Insert, attached to a zone, a brand and an address type.
	e.accept(t, call{platform: "Shopify", entity: "Customer", action: "Insert", body: body,
		params: map[string]string{"ZoneId": "3", "BrandId": "4", "ContactAddressTypeId": "5"}})
	c := e.contact(t, "bob.norman@example.com")
	if c.FirstName != "Bob" || c.LastName != "Norman" || c.Phone.Number != "+33 6 12 34 56 78" || c.Phone.Country != "FR" ||
		c.Source != "Shopify" || c.IntegrationID != e.sources["Shopify"] || c.EmailConsent != "granted" || c.SMSConsent != "" ||
		c.ZoneID != 3 || c.BrandID != 4 || c.AddressTypeID != 5 {
		t.Errorf("contact = %+v", c)
	}
	if a := c.BillingAddress; a == nil || a.Line1 != "12, rue de l'Église" || a.City != "Saint-Étienne" || a.ZipCode != "42000" || a.Country != "FR" {
		t.Errorf("billing address = %+v, want the default address as Shopify wrote it", a)
	}
	got := e.rcv.Wait(t, "contact.created")
	e.sameAsAPI(t, got["contact.created"], fmt.Sprintf("/v1/contacts/%d", c.ID))

	// Update: the same Shopify id with a new address and a withdrawn consent.
	upd := strings.Replace(body, "bob.norman@example.com", "robert.norman@example.com", 1)
	upd = strings.Replace(upd, `"first_name": "Bob"`, `"first_name": "Robert"`, 1)
	upd = strings.Replace(upd, `"email_marketing_consent": {"state": "subscribed"`, `"email_marketing_consent": {"state": "unsubscribed"`, 1)
	e.accept(t, call{platform: "Shopify", entity: "Customer", action: "Update", body: upd})
	c2 := e.contact(t, "robert.norman@example.com")
	if c2.ID != c.ID || c2.FirstName != "Robert" || c2.EmailConsent != "withdrawn" || c2.ZoneID != 3 {
		t.Errorf("updated contact = %+v, want contact %d renamed, e-mail consent withdrawn, zone kept", c2, c.ID)
	}
	got = e.rcv.Wait(t, "contact.created", "contact.changed")
	e.sameAsAPI(t, got["contact.changed"], fmt.Sprintf("/v1/contacts/%d", c.ID))

	// Delete: Shopify sends the id only.
	e.accept(t, call{platform: "Shopify", entity: "Customer", action: "Delete", body: `{"id":706405506930370084,"phone":null,"addresses":[],"tax_exemptions":[],"email_marketing_consent":null,"sms_marketing_consent":null,"admin_graphql_api_id":"gid://shopify/Customer/706405506930370084"}`})
	e.must(t, e.token, "GET", fmt.Sprintf("/v1/contacts/%d", c.ID), nil, 404, nil)
	got = e.rcv.Wait(t, "contact.created", "contact.changed", "contact.deleted")
	var deleted contactJSON
	mustDecode(t, got["contact.deleted"].Data, &deleted)
	if deleted.ID != c.ID || deleted.Email != "robert.norman@example.com" {
		t.Errorf("contact.deleted data = %s, want contact %d as it was", got["contact.deleted"].Data, c.ID)
	}
}

type productJSON struct {
	ID         int64
	ExternalID string `json:"external_id"`
	Title      string
	Vendor     string
	Type       string `json:"product_type"`
	Status     string
	Tags       []string
	Variants   []struct {
		ExternalID string `json:"external_id"`
		SKU        string
		Price      json.Number
	}
	ZoneID int64 `json:"zone_id"`
}

func TestShopifyProduct(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	body := testdata(t, "shopify_product.json")
	e.accept(t, call{platform: "Shopify", entity: "Product", action: "Insert", body: body, params: map[string]string{"zoneid": "9"}})
	var ps []productJSON
	e.list(t, "/v1/products?external_id=788032119674292922", &ps)
	if len(ps) != 1 {
		t.Fatalf("products = %+v", ps)
	}
	p := ps[0]
	if p.Title != "Example T-Shirt" || p.Vendor != "Acme" || p.Type != "Shirts" || p.Status != "active" || p.ZoneID != 9 ||
		!slices.Equal(p.Tags, []string{"example", "mens", "t-shirt"}) || len(p.Variants) != 2 ||
		p.Variants[0].ExternalID != "642667041472713922" || p.Variants[0].SKU != "TSHIRT-S" || p.Variants[0].Price != "19.99" {
		t.Errorf("product = %+v", p)
	}
	got := e.rcv.Wait(t, "product.created")
	e.sameAsAPI(t, got["product.created"], fmt.Sprintf("/v1/products/%d", p.ID))

	e.accept(t, call{platform: "Shopify", entity: "Product", action: "Update", body: strings.Replace(body, `"title": "Example T-Shirt"`, `"title": "Example T-Shirt v2"`, 1)})
	got = e.rcv.Wait(t, "product.created", "product.changed")
	e.sameAsAPI(t, got["product.changed"], fmt.Sprintf("/v1/products/%d", p.ID))

	e.accept(t, call{platform: "Shopify", entity: "Product", action: "Delete", body: `{"id":788032119674292922}`})
	e.must(t, e.token, "GET", fmt.Sprintf("/v1/products/%d", p.ID), nil, 404, nil)
	got = e.rcv.Wait(t, "product.created", "product.changed", "product.deleted")
	if !strings.Contains(string(got["product.deleted"].Data), "Example T-Shirt v2") {
		t.Errorf("product.deleted data = %s", got["product.deleted"].Data)
	}
}

type orderJSON struct {
	ID         int64
	ContactID  int64  `json:"contact_id"`
	ExternalID string `json:"external_id"`
	Type       string
	UserID     string `json:"user_id"`
	Total      json.Number
	Taxes      json.Number
	Shipping   json.Number
	Currency   string
	Store      string
	ZoneID     int64 `json:"zone_id"`
	BrandID    int64 `json:"brand_id"`
	Items      []struct {
		Name, Title     string
		Quantity, Price json.Number
	}
}

func TestShopifyOrder(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	body := testdata(t, "shopify_order.json")
	e.accept(t, call{platform: "Shopify", entity: "Order", action: "Insert", body: body, params: map[string]string{"BrandId": "2"}})
	c := e.contact(t, "john@example.com")
	var os []orderJSON
	e.list(t, fmt.Sprintf("/v1/orders?contact_id=%d", c.ID), &os)
	if len(os) != 1 {
		t.Fatalf("orders of %d = %+v", c.ID, os)
	}
	o := os[0]
	if o.ExternalID != "820982911946154508" || o.Type != "success" || o.UserID != "115310627314723954" || o.Total != "403.00" ||
		o.Taxes != "66.33" || o.Shipping != "5.00" || o.Currency != "EUR" || o.BrandID != 2 || len(o.Items) != 2 ||
		o.Items[1].Title != "IPod Nano - 8GB - Pink" || o.Items[1].Price != "199.00" {
		t.Errorf("order = %+v", o)
	}
	if c.FirstName != "John" || c.BrandID != 2 || c.ShippingAddress == nil || c.ShippingAddress.City != "Shippington" || c.BillingAddress.Country != "US" {
		t.Errorf("the order's customer = %+v", c)
	}
	got := e.rcv.Wait(t, "contact.created", "order.created")
	e.sameAsAPI(t, got["order.created"], fmt.Sprintf("/v1/orders/%d", o.ID))

	e.accept(t, call{platform: "Shopify", entity: "Order", action: "Update", body: strings.Replace(body, `"financial_status": "paid"`, `"financial_status": "refunded"`, 1)})
	got = e.rcv.Wait(t, "contact.created", "order.created", "order.changed")
	e.sameAsAPI(t, got["order.changed"], fmt.Sprintf("/v1/orders/%d", o.ID))
	var changed orderJSON
	mustDecode(t, got["order.changed"].Data, &changed)
	if changed.Type != "refund" {
		t.Errorf("order.changed type = %s, want refund", changed.Type)
	}

	e.accept(t, call{platform: "Shopify", entity: "Order", action: "Delete", body: `{"id": 820982911946154508}`})
	e.must(t, e.token, "GET", fmt.Sprintf("/v1/orders/%d", o.ID), nil, 404, nil)
	e.rcv.Wait(t, "order.deleted")
	// The customer stays.
	e.must(t, e.token, "GET", fmt.Sprintf("/v1/contacts/%d", c.ID), nil, 200, nil)
}

// TestShopifyBatch sends Shopify's list format and a plain array with
// BatchMode: one message, every entity applied in one transaction.
func TestShopifyBatch(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	one := testdata(t, "shopify_customer.json")
	two := strings.NewReplacer("706405506930370084", "706405506930370085", "bob.norman@example.com", "alice@example.com").Replace(one)
	a := e.queue(t, call{platform: "Shopify", entity: "Customer", action: "Insert", body: `{"customers": [` + one + "," + two + `]}`,
		params: map[string]string{"BatchMode": "TRUE"}})
	if a.status != 200 || a.Items != 2 {
		t.Fatalf("batch = %d %s, want 200 with 2 items", a.status, a.raw)
	}
	if m := e.wait(t, a.MessageID); m.Status != "done" {
		t.Fatalf("batch message = %+v", m)
	}
	e.contact(t, "alice@example.com")
	e.contact(t, "bob.norman@example.com")
	e.rcv.Wait(t, "contact.created", "contact.created")

	// A plain array of deletes.
	e.accept(t, call{platform: "Shopify", entity: "Customer", action: "Delete", body: `[{"id":706405506930370084},{"id":"706405506930370085"}]`,
		params: map[string]string{"batchmode": "true"}})
	var cs []contactJSON
	if e.list(t, "/v1/contacts", &cs); len(cs) != 0 {
		t.Errorf("contacts after a batch of deletes = %+v", cs)
	}

	// A batch with one bad entity is refused whole, naming it.
	bad := e.queue(t, call{platform: "Shopify", entity: "Customer", action: "Insert", body: `[` + one + `, {"id": 1, "email": 7}]`,
		params: map[string]string{"BatchMode": "true"}})
	if bad.status != 400 || len(bad.Errors) != 1 || bad.Errors[0].Field != "[1].email" {
		t.Errorf("batch with a bad entity = %d %s, want 400 naming [1].email", bad.status, bad.raw)
	}
}
