package storetest

import (
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

// testGauges: the figures /metrics reads count the whole store's queues,
// every tenant's, and the oldest due delivery is the one that waits
// longest.
func testGauges(t *testing.T, s Store) {
	gr, ok := s.(hookhub.GaugeReader)
	if !ok {
		t.Fatalf("%T does not read gauges (hookhub.GaugeReader)", s)
	}
	gauges := func(at time.Time) hookhub.Gauges {
		t.Helper()
		g, err := gr.Gauges(t.Context(), at)
		if err != nil {
			t.Fatalf("Gauges: %v", err)
		}
		return g
	}
	if g := gauges(now); len(g.Deliveries) != 0 || !g.OldestDue.IsZero() || len(g.Webhooks) != 0 {
		t.Fatalf("empty store: %+v", g)
	}
	a, b := setup(t, s), setup(t, s)
	newWebhook(t, s, b.tenant.ID, func(w *hookhub.Webhook) { w.State = hookhub.StateStopped })
	publish(t, s, now, a.tenant.ID, "contact.created")
	publish(t, s, now.Add(time.Minute), b.tenant.ID, "contact.created") // held for the stopped one
	publish(t, s, now.Add(time.Hour), b.tenant.ID, "contact.created")   // not due at now+1m
	claim(t, s, now.Add(time.Minute), 1)                                // the oldest, now in flight

	g := gauges(now.Add(time.Minute))
	if got, want := g.Deliveries, map[string]int64{"pending": 2, "in_flight": 1, "held": 2}; !mapsEqual(got, want) {
		t.Errorf("deliveries = %v, want %v", got, want)
	}
	if !sameTime(g.OldestDue, now.Add(time.Minute)) {
		t.Errorf("oldest due = %v, want %v (the in-flight one is not waiting)", g.OldestDue, now.Add(time.Minute))
	}
	if got, want := g.Webhooks, map[string]int64{"active": 2, "stopped": 1}; !mapsEqual(got, want) {
		t.Errorf("webhooks = %v, want %v", got, want)
	}
	enqueue(t, s, a.tenant.ID, a.webhook.ID, "one", now)
	if got := gauges(now).Mail["queued"]; got != 1 {
		t.Errorf("queued mail = %d, want 1", got)
	}
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
