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
