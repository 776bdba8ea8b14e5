package crm360_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
)

// edited is a testdata body with some members changed (nil removes one's
// value: JSON null).
func edited(t *testing.T, name string, set map[string]any) string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader([]byte(testdata(t, name))))
	dec.UseNumber() // Shopify's ids are above 2^53
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	for k, v := range set {
		m[k] = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestShopifyWithoutEmail: a Shopify customer may have a phone and no
// e-mail ("email" null; https://shopify.dev/docs/api/admin-rest/latest/resources/customer),
// and an order taken at a point of sale may have no customer ("customer"
// null, "source_name" "pos"; https://shopify.dev/docs/api/admin-rest/latest/resources/order).
// Both reach the CRM: the customer known by Shopify's id and its phone,
// the order without a contact. When the customer later gives an e-mail, it
// is the same contact.
func TestShopifyWithoutEmail(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	customer := edited(t, "shopify_customer.json", map[string]any{"id": 5001, "email": nil, "first_name": "Paula",
		"phone": "+33 6 55 55 55 55", "default_address": nil, "email_marketing_consent": nil})
	e.accept(t, call{platform: "Shopify", entity: "Customer", action: "Insert", body: customer})
	var cs []contactJSON
	e.list(t, "/v1/contacts?q=paula", &cs)
	if len(cs) != 1 || cs[0].Email != "" || cs[0].Phone.Number != "+33 6 55 55 55 55" || cs[0].Source != "Shopify" {
		t.Fatalf("contacts named Paula = %+v, want one without e-mail, with her phone", cs)
	}
	paula := cs[0].ID

	// Her order, her customer without e-mail: on her contact.
	order := edited(t, "shopify_order.json", map[string]any{"id": 7001, "email": "", "contact_email": nil,
		"customer": map[string]any{"id": 5001, "email": nil, "phone": "+33655555555", "first_name": "Paula"}})
	e.accept(t, call{platform: "Shopify", entity: "Order", action: "Insert", body: order})
	var os []orderJSON
	if e.list(t, "/v1/orders?external_id=7001", &os); len(os) != 1 || os[0].ContactID != paula {
		t.Errorf("Paula's order = %+v, want it on contact %d", os, paula)
	}

	// A sale at the till to nobody known.
	pos := edited(t, "shopify_order.json", map[string]any{"id": 7002, "email": "", "contact_email": nil, "customer": nil,
		"source_name": "pos", "billing_address": nil, "shipping_address": nil})
	e.accept(t, call{platform: "Shopify", entity: "Order", action: "Insert", body: pos})
	if e.list(t, "/v1/orders?external_id=7002", &os); len(os) != 1 || os[0].ContactID != 0 || os[0].Total == "" {
		t.Errorf("point-of-sale order = %+v, want it saved without a contact", os)
	}

	// Paula gives her address: the same contact, now with it.
	withEmail := edited(t, "shopify_customer.json", map[string]any{"id": 5001, "email": "paula@example.com", "first_name": "Paula",
		"phone": "+33 6 55 55 55 55", "default_address": nil})
	e.accept(t, call{platform: "Shopify", entity: "Customer", action: "Update", body: withEmail})
	if c := e.contact(t, "paula@example.com"); c.ID != paula {
		t.Errorf("Paula with an e-mail is contact %d, want %d", c.ID, paula)
	}
	// Events: contact.created; contact.changed (her order's addresses) and
	// order.created; order.created (the till's); contact.changed (the
	// address), which shows her as the API does. (Deliveries may arrive
	// in any order.)
	e.rcv.WaitN(t, 5)
	if n := e.rcv.Count("order.created"); n != 2 {
		t.Errorf("%d order.created events, want 2", n)
	}
	changes := e.rcv.All("contact.changed")
	if len(changes) != 2 {
		t.Fatalf("%d contact.changed events, want 2", len(changes))
	}
	last := changes[0]
	if !bytes.Contains(last.Data, []byte("paula@example.com")) {
		last = changes[1]
	}
	e.sameAsAPI(t, last, fmt.Sprintf("/v1/contacts/%d", paula))
}
