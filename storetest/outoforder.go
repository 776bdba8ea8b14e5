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
