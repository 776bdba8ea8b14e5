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
	PreloadHistory(ctx context.Context, tenantID string, webhookID int64, n int, at time.Time, data []byte, progress func(done int)) error
}

// PreloadHistory writes finished deliveries, their events and attempts,
// that read back through the lists like any others, and that leave the
// queue empty.
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
	if err := l.PreloadHistory(ctx, ten.ID, w.ID, 150, at, []byte(`{"id":1}`), func(n int) { reported = append(reported, n) }); err != nil {
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
}
