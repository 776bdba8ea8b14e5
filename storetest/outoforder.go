package storetest

import (
	"testing"
	"time"

	"github.com/hookhub/hookhub/crm"
)

// testRecordsOutOfOrder: Shopify does not deliver webhooks in order
// (https://shopify.dev/docs/apps/build/webhooks, "About webhooks"), and
// every payload carries updated_at. A report of an order older than the
// stored one, by the source's time, changes nothing; a newer one does, and
// a newer one that changes nothing still moves the source time on.
func testRecordsOutOfOrder(t *testing.T, s Store) {
	ctx := t.Context()
	b := setup(t, s)
	in := newIntegration(t, s, b.tenant.ID, "crm360", "shop")
	at := func(min int) time.Time { return time.Date(2026, 3, 1, 10, min, 0, 0, time.UTC) }
	report := func(typ crm.OrderType, min int) *crm.RecordResult {
		ch := sampleChange(b.tenant.ID, in.ID, "late@example.com", "4501")
		ch.Order.Type, ch.Order.SourceUpdatedAt = typ, at(min)
		return save(t, s, now, ch)
	}
	report(crm.OrderPending, 0)
	if res := report(crm.OrderRefund, 20); len(res.OrderChanged) != 1 || res.Order.Type != crm.OrderRefund {
		t.Fatalf("refund at 10:20 = %+v, want the type changed", res.Order)
	}
	if res := report(crm.OrderSuccess, 10); len(res.OrderChanged) != 0 || res.Order.Type != crm.OrderRefund {
		t.Errorf("a late paid (10:10) after the refund (10:20) = %+v changed %v, want the refund kept", res.Order, res.OrderChanged)
	}
	// The same refund reported at 10:30 changes no field, but moves the
	// source time on: a report of 10:25 is then stale.
	report(crm.OrderRefund, 30)
	if res := report(crm.OrderSuccess, 25); len(res.OrderChanged) != 0 {
		t.Errorf("a report of 10:25 after one of 10:30 changed %v", res.OrderChanged)
	}
	if res := report(crm.OrderSuccess, 40); res.Order.Type != crm.OrderSuccess {
		t.Errorf("a newer report (10:40) = %+v, want it applied", res.Order)
	}
	// A report without a source time is applied as before.
	ch := sampleChange(b.tenant.ID, in.ID, "late@example.com", "4501")
	ch.Order.Type = crm.OrderVoid
	if res := save(t, s, now, ch); res.Order.Type != crm.OrderVoid {
		t.Errorf("a report without updated_at = %+v, want it applied", res.Order)
	}
	os, err := s.ListOrders(ctx, b.tenant.ID, crm.OrderFilter{})
	if err != nil || len(os) != 1 || !os[0].SourceUpdatedAt.Equal(at(40)) {
		t.Errorf("stored orders %+v, %v; want one, its source time 10:40", os, err)
	}
}

// testContactsOutOfOrder: the same rule for the people a source knows by
// an id. Shopify's customer payloads carry updated_at
// (https://shopify.dev/docs/api/admin-rest/latest/resources/customer) and
// are not delivered in order (https://shopify.dev/docs/apps/build/webhooks).
// The time is kept with the source's id: each source has its own clock.
func testContactsOutOfOrder(t *testing.T, s Store) {
	b := crmSetup(t, s)
	at := func(min int) time.Time { return time.Date(2026, 3, 1, 10, min, 0, 0, time.UTC) }
	report := func(first string, min int) *crm.CRMResult {
		c := customer("late.customer@example.com", first)
		if min >= 0 {
			c.SourceUpdatedAt = at(min)
		}
		return b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveContact, Ref: "207119551", Contact: c})
	}
	id := report("Bob", 0).Effects[0].ID
	wantTypes(t, "a rename at 10:20", b.eventTypes(t, s, report("Robert", 20)), crm.EventContactChanged)
	if res := report("Bobby", 10); len(res.Events) != 0 || len(res.Effects[0].Changed) != 0 {
		t.Errorf("a late report (10:10) after one of 10:20 raised %d events, changed %v", len(res.Events), res.Effects[0].Changed)
	}
	if c := getContact(t, s, b.tenant.ID, id); c.FirstName != "Robert" {
		t.Errorf("first name after a late report = %q, want Robert", c.FirstName)
	}
	// As old as the stored one: applied. The same fields at 10:30 change
	// nothing, but move the time on: 10:25 is then late.
	if res := report("Rob", 20); res.Effects[0].Changed == nil {
		t.Errorf("a report as old as the stored one changed nothing, want it applied")
	}
	report("Rob", 30)
	if res := report("Roberto", 25); len(res.Effects[0].Changed) != 0 {
		t.Errorf("a report of 10:25 after one of 10:30 changed %v", res.Effects[0].Changed)
	}
	// Without a time: applied as before, and the kept time stays.
	if res := report("Bert", -1); len(res.Effects[0].Changed) == 0 {
		t.Errorf("a report without updated_at changed nothing, want it applied")
	}
	if res := report("Roberto", 29); len(res.Effects[0].Changed) != 0 {
		t.Errorf("a report of 10:29 after one of 10:30 and one without a time changed %v", res.Effects[0].Changed)
	}
	// Another integration's clock is its own: its first report is applied.
	other := newIntegration(t, s, b.tenant.ID, "crm360-shopify", "second shop")
	ch := &crm.CRMChange{TenantID: b.tenant.ID, IntegrationID: other.ID, Ops: []crm.CRMOp{{Kind: crm.OpSaveContact, Ref: "1",
		Contact: &crm.Contact{Email: "late.customer@example.com", FirstName: "Bo", SourceUpdatedAt: at(1)}}}}
	ch.Prepare()
	if res, err := s.ApplyCRM(t.Context(), now, ch); err != nil || len(res.Effects[0].Changed) == 0 {
		t.Errorf("another shop's report at 10:01 = %+v, %v; want it applied", res, err)
	}
}

// testProductsOutOfOrder: Shopify's product payloads carry updated_at
// (https://shopify.dev/docs/api/admin-rest/latest/resources/product); a
// late one does not overwrite a newer one.
func testProductsOutOfOrder(t *testing.T, s Store) {
	b := crmSetup(t, s)
	at := func(min int) time.Time { return time.Date(2026, 3, 1, 10, min, 0, 0, time.UTC) }
	report := func(title string, min int) *crm.CRMResult {
		p := &crm.Product{ExternalID: "632910392", Title: title, Status: "active"}
		if min >= 0 {
			p.SourceUpdatedAt = at(min)
		}
		return b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveProduct, Product: p})
	}
	id := report("IPod Nano", 0).Effects[0].ID
	report("IPod Nano - 8GB", 20)
	if res := report("IPod Nano - 2GB", 10); len(res.Events) != 0 {
		t.Errorf("a late product report raised %d events", len(res.Events))
	}
	report("IPod Nano - 8GB", 30) // no field changes; the time moves on
	if res := report("IPod", 25); len(res.Events) != 0 {
		t.Errorf("a report of 10:25 after one of 10:30 raised %d events", len(res.Events))
	}
	p, err := s.GetProduct(t.Context(), b.tenant.ID, id)
	if err != nil || p.Title != "IPod Nano - 8GB" || !p.SourceUpdatedAt.Equal(at(30)) {
		t.Fatalf("product %+v, %v; want the 10:20 title and the time 10:30", p, err)
	}
	if res := report("IPod Touch", -1); len(res.Events) != 1 {
		t.Errorf("a report without updated_at raised %d events, want it applied", len(res.Events))
	}
	if res := report("IPod Classic", 40); len(res.Events) != 1 {
		t.Errorf("a newer report raised %d events, want it applied", len(res.Events))
	}
}
