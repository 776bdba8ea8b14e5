package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

// historyLoader is the SQL store's PreloadHistory, which benchmarks use to
// give a database months of history.
type historyLoader interface {
	PreloadHistory(ctx context.Context, tenantID string, webhookID int64, n int, at time.Time, step time.Duration, data []byte, progress func(done int)) error
}

// PreloadHistory writes finished deliveries, their events and attempts,
// that read back through the lists like any others, and that leave the
// queue empty; a step of 0 makes them all at one time, as a purge
// benchmark needs them (all older than the retention at one moment).
func testPreloadHistory(t *testing.T, s Store) {
	l, ok := s.(historyLoader)
	if !ok {
		t.Skip("this store cannot preload history")
	}
	ctx := context.Background()
	ten := newTenant(t, s)
	w := newWebhook(t, s, ten.ID, nil)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var reported []int
	if err := l.PreloadHistory(ctx, ten.ID, w.ID, 150, at, time.Millisecond, []byte(`{"id":1}`), func(n int) { reported = append(reported, n) }); err != nil {
		t.Fatal(err)
	}
	if len(reported) == 0 || reported[len(reported)-1] != 150 {
		t.Errorf("progress = %v, want it to end at 150", reported)
	}
	ds, err := s.ListDeliveries(ctx, ten.ID, hookhub.DeliveryFilter{WebhookID: w.ID, State: hookhub.DeliverySucceeded, Page: hookhub.Page{Limit: 200}})
	if err != nil || len(ds) != 150 {
		t.Fatalf("%d succeeded deliveries (%v), want 150", len(ds), err)
	}
	as, err := s.ListAttempts(ctx, ten.ID, hookhub.AttemptFilter{WebhookID: w.ID, Page: hookhub.Page{Limit: 200}})
	if err != nil || len(as) != 150 || !as[0].Success || as[0].Status != 200 {
		t.Fatalf("%d attempts (%v), want 150 successful ones", len(as), err)
	}
	ev, err := s.GetEvent(ctx, ten.ID, ds[0].EventID)
	if err != nil || string(ev.Data) != `{"id":1}` || !ev.CreatedAt.After(at) {
		t.Fatalf("event of the newest delivery: %+v, %v", ev, err)
	}
	st, err := s.Stats(ctx, ten.ID, at)
	if err != nil || st.QueueDepth != 0 || st.Succeeded != 150 {
		t.Errorf("stats = %+v (%v), want 150 succeeded and an empty queue", st, err)
	}

	// All at once: every event, delivery and attempt at the same time.
	w2 := newWebhook(t, s, ten.ID, nil)
	if err := l.PreloadHistory(ctx, ten.ID, w2.ID, 120, at, 0, []byte(`{"id":2}`), nil); err != nil {
		t.Fatal(err)
	}
	ds, err = s.ListDeliveries(ctx, ten.ID, hookhub.DeliveryFilter{WebhookID: w2.ID, Page: hookhub.Page{Limit: 200}})
	if err != nil || len(ds) != 120 {
		t.Fatalf("%d deliveries made at once (%v), want 120", len(ds), err)
	}
	for _, d := range ds {
		if !d.CreatedAt.Equal(ds[0].CreatedAt) || d.CreatedAt.Before(at) || d.CreatedAt.After(at.Add(time.Millisecond)) {
			t.Fatalf("delivery %d made at %s, want every one at %s (to the millisecond)", d.ID, d.CreatedAt, at)
		}
	}
	as, err = s.ListAttempts(ctx, ten.ID, hookhub.AttemptFilter{WebhookID: w2.ID, Page: hookhub.Page{Limit: 200}})
	if err != nil || len(as) != 120 || !as[0].StartedAt.Equal(ds[0].CreatedAt) || !as[119].StartedAt.Equal(ds[0].CreatedAt) {
		t.Fatalf("%d attempts made at once (%v), want 120 started when their deliveries were made", len(as), err)
	}
}
