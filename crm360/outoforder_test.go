package crm360_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestShopifyOutOfOrder: Shopify does not deliver webhooks in order
// (https://shopify.dev/docs/apps/build/webhooks, "About webhooks"), and
// every order payload carries updated_at
// (https://shopify.dev/docs/api/admin-rest/latest/resources/webhook). A
// late "paid" (an older updated_at) after a refund does not turn the order
// back to paid, and raises no event.
func TestShopifyOutOfOrder(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	body := testdata(t, "shopify_order.json")
	at := func(financial, updated string) string {
		b := strings.Replace(body, `"financial_status": "paid"`, `"financial_status": "`+financial+`"`, 1)
		return strings.Replace(b, `"created_at": "2026-03-14T09:30:00-04:00",`, `"created_at": "2026-03-14T09:30:00-04:00", "updated_at": "`+updated+`",`, 1)
	}
	e.accept(t, call{platform: "Shopify", entity: "Order", action: "Insert", body: at("pending", "2026-03-14T09:30:00-04:00")})
	e.accept(t, call{platform: "Shopify", entity: "Order", action: "Update", body: at("refunded", "2026-03-14T11:00:00-04:00")})
	e.accept(t, call{platform: "Shopify", entity: "Order", action: "Update", body: at("paid", "2026-03-14T10:00:00-04:00")})
	c := e.contact(t, "john@example.com")
	var os []orderJSON
	e.list(t, fmt.Sprintf("/v1/orders?contact_id=%d", c.ID), &os)
	if len(os) != 1 || os[0].Type != "refund" {
		t.Fatalf("orders after a late paid = %+v, want the refund kept", os)
	}
	// A newer report is applied; its event comes after the one of the
	// refund, with no event for the late one between them.
	e.accept(t, call{platform: "Shopify", entity: "Order", action: "Update", body: at("voided", "2026-03-14T12:00:00-04:00")})
	e.list(t, fmt.Sprintf("/v1/orders?contact_id=%d", c.ID), &os)
	if os[0].Type != "void" {
		t.Errorf("order after a newer report = %+v, want void", os[0])
	}
	e.rcv.WaitN(t, 4) // contact.created, order.created, and the two changes
	if changes := len(e.rcv.All("order.changed")); changes != 2 {
		t.Errorf("%d order.changed events, want 2 (the refund and the void; none for the late paid)", changes)
	}
}

// TestShopifyCustomerOutOfOrder: customers/update payloads carry
// updated_at too (https://shopify.dev/docs/api/admin-rest/latest/resources/customer,
// webhook topics at https://shopify.dev/docs/api/webhooks/latest), and
// arrive in any order. A late rename does not undo a newer one; an
// order whose embedded customer is older than the customer hookhub holds
// leaves the contact as it is, and its own changes still apply.
func TestShopifyCustomerOutOfOrder(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	body := testdata(t, "shopify_customer.json")
	at := func(first, updated string) string {
		b := strings.Replace(body, `"first_name": "Bob",`, `"first_name": "`+first+`",`, 1)
		return strings.Replace(b, `"updated_at": "2026-03-14T10:12:31-04:00",`, `"updated_at": "`+updated+`",`, 1)
	}
	e.accept(t, call{platform: "Shopify", entity: "Customer", action: "Insert", body: at("Bob", "2026-03-14T10:12:31-04:00")})
	e.accept(t, call{platform: "Shopify", entity: "Customer", action: "Update", body: at("Robert", "2026-03-14T12:00:00-04:00")})
	e.accept(t, call{platform: "Shopify", entity: "Customer", action: "Update", body: at("Bobby", "2026-03-14T11:00:00-04:00")})
	if c := e.contact(t, "bob.norman@example.com"); c.FirstName != "Robert" {
		t.Errorf("first name after a late update = %q, want Robert", c.FirstName)
	}
	// An order of that customer, its customer as of 11:30: the order is
	// saved, the contact is not renamed.
	order := strings.Replace(testdata(t, "shopify_order.json"), `"customer": {"id": 115310627314723954, "email": "john@example.com", "created_at": null, "updated_at": null, "first_name": "John",`,
		`"customer": {"id": 706405506930370084, "email": "bob.norman@example.com", "created_at": null, "updated_at": "2026-03-14T11:30:00-04:00", "first_name": "Old",`, 1)
	e.accept(t, call{platform: "Shopify", entity: "Order", action: "Insert", body: order})
	c := e.contact(t, "bob.norman@example.com")
	if c.FirstName != "Robert" {
		t.Errorf("first name after an order with an older customer = %q, want Robert", c.FirstName)
	}
	var os []orderJSON
	if e.list(t, fmt.Sprintf("/v1/orders?contact_id=%d", c.ID), &os); len(os) != 1 {
		t.Errorf("orders of the contact = %+v, want the order saved", os)
	}
	// A newer update applies.
	e.accept(t, call{platform: "Shopify", entity: "Customer", action: "Update", body: at("Rob", "2026-03-14T13:00:00-04:00")})
	if c := e.contact(t, "bob.norman@example.com"); c.FirstName != "Rob" {
		t.Errorf("first name after a newer update = %q, want Rob", c.FirstName)
	}
	// contact.created, contact.changed (Robert), order.created,
	// contact.changed (Rob): none for the late reports.
	e.rcv.WaitN(t, 4)
	if n := e.rcv.Count("contact.changed"); n != 2 {
		t.Errorf("%d contact.changed events, want 2", n)
	}
}

// TestShopifyProductOutOfOrder: products/update payloads carry updated_at
// (https://shopify.dev/docs/api/admin-rest/latest/resources/product); a
// late one does not bring an old title back.
func TestShopifyProductOutOfOrder(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	body := testdata(t, "shopify_product.json")
	at := func(title, updated string) string {
		b := strings.Replace(body, `"updated_at": "2026-03-14T10:12:31-04:00",`, `"updated_at": "`+updated+`",`, 1)
		return strings.Replace(b, `"title": "Example T-Shirt",`, `"title": "`+title+`",`, 1)
	}
	if !strings.Contains(body, `"title": "Example T-Shirt",`) {
		t.Fatal("testdata/shopify_product.json has another title: update the test")
	}
	e.accept(t, call{platform: "Shopify", entity: "Product", action: "Insert", body: at("Board", "2026-03-14T10:12:31-04:00")})
	e.accept(t, call{platform: "Shopify", entity: "Product", action: "Update", body: at("Board 2026", "2026-03-14T12:00:00-04:00")})
	e.accept(t, call{platform: "Shopify", entity: "Product", action: "Update", body: at("Board 2025", "2026-03-14T11:00:00-04:00")})
	var ps []productJSON
	e.list(t, "/v1/products?external_id=788032119674292922", &ps)
	if len(ps) != 1 || ps[0].Title != "Board 2026" {
		t.Errorf("products after a late update = %+v, want the title Board 2026", ps)
	}
}
