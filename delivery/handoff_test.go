package delivery_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

// publishLeased publishes n events as the service does with an engine:
// reserve, publish leased, hand over.
func (f *fixture) publishLeased(t testing.TB, eng interface {
	Reserve(int) hookhub.Lease
	Handoff([]*hookhub.Claim, hookhub.Lease)
}, n int) hookhub.Lease {
	t.Helper()
	reqs := make([]hookhub.PublishRequest, n)
	for i := range reqs {
		reqs[i].Event = &hookhub.Event{TenantID: f.tenant, Type: "contact.created", EntityType: "contact",
			EntityID: fmt.Sprint(i + 1), Data: fmt.Appendf(nil, `{"id":%d}`, i+1)}
	}
	lease := eng.Reserve(n)
	res, err := f.store.PublishLeased(context.Background(), time.Now(), lease, reqs...)
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	var claims []*hookhub.Claim
	for _, r := range res {
		claims = append(claims, r.Claims...)
	}
	if len(claims) != lease.Max {
		t.Fatalf("publish leased %d deliveries with a lease of %d", len(claims), lease.Max)
	}
	eng.Handoff(claims, lease)
	return lease
}

// TestHandoff: deliveries leased by a publish go out from the engine's
// workers without a claim. The engine here never polls after its first
// look at the queue and is never woken, so only the handover can send them.
func TestHandoff(t *testing.T) {
	t.Parallel()
	f := setup(t)
	rc := newReceiver(t, func(w http.ResponseWriter, r *http.Request, _ int) {})
	w := f.webhook(t, rc.URL, nil)
	cfg := f.engineConfig(t)
	cfg.PollInterval = time.Hour
	cfg.Workers = 4
	eng := start(t, cfg)
	waitFor(t, "the engine running", eng.Running, nil)

	lease := f.publishLeased(t, eng, 3)
	if lease.Max != 3 || lease.For != 2*time.Minute {
		t.Errorf("Reserve(3) with 4 idle workers = %+v, want 3 for the engine's 2-minute lease", lease)
	}
	f.waitDeliveries(t, w.ID, 3, hookhub.DeliverySucceeded)
	for _, d := range f.deliveries(t, w.ID) {
		if as := f.attempts(t, d.ID); len(as) != 1 || as[0].Number != 1 || !as[0].Success {
			t.Errorf("delivery %d: %d attempts, want one successful try number 1", d.ID, len(as))
		}
	}
	if got := rc.count(); got != 3 {
		t.Errorf("receiver got %d requests, want 3", got)
	}
}

// TestHandoffRoom: a publish reserves at most the free workers not promised
// to another publish, and nothing while the engine is not running; the
// deliveries a reservation did not cover wait in the queue as before.
func TestHandoffRoom(t *testing.T) {
	t.Parallel()
	f := setup(t)
	rc := newReceiver(t, func(w http.ResponseWriter, r *http.Request, _ int) {})
	w := f.webhook(t, rc.URL, nil)
	cfg := f.engineConfig(t)
	cfg.Workers = 2
	eng := start(t, cfg)
	waitFor(t, "the engine running", eng.Running, nil)

	first := eng.Reserve(5)
	if first.Max != 2 {
		t.Errorf("Reserve(5) with 2 idle workers = %d, want 2", first.Max)
	}
	if second := eng.Reserve(1); second.Max != 0 {
		t.Errorf("Reserve(1) with both workers promised = %d, want 0", second.Max)
	}
	eng.Handoff(nil, first) // that publish failed: the room is free again
	f.publishLeased(t, eng, 5)
	f.waitDeliveries(t, w.ID, 5, hookhub.DeliverySucceeded)

	eng.stop(t)
	if l := eng.Reserve(1); l.Max != 0 {
		t.Errorf("Reserve(1) after Run returned = %d, want 0", l.Max)
	}
}

// TestHandoffAfterStop: deliveries handed over after the engine stopped
// (the publish committed while it shut down) go back to the queue, due now
// and with no try counted, instead of waiting out their lease.
func TestHandoffAfterStop(t *testing.T) {
	t.Parallel()
	f := setup(t)
	rc := newReceiver(t, func(w http.ResponseWriter, r *http.Request, _ int) {})
	w := f.webhook(t, rc.URL, nil)
	eng := start(t, f.engineConfig(t))
	waitFor(t, "the engine running", eng.Running, nil)

	lease := eng.Reserve(2)
	res, err := f.store.PublishLeased(context.Background(), time.Now(), lease,
		hookhub.PublishRequest{Event: &hookhub.Event{TenantID: f.tenant, Type: "contact.created", EntityType: "contact", EntityID: "1", Data: []byte(`{}`)}},
		hookhub.PublishRequest{Event: &hookhub.Event{TenantID: f.tenant, Type: "contact.created", EntityType: "contact", EntityID: "2", Data: []byte(`{}`)}})
	if err != nil {
		t.Fatal(err)
	}
	eng.stop(t)
	eng.Handoff(append(res[0].Claims, res[1].Claims...), lease)
	ds := f.deliveries(t, w.ID)
	if len(ds) != 2 {
		t.Fatalf("%d deliveries, want 2", len(ds))
	}
	for _, d := range ds {
		if d.State != hookhub.DeliveryPending || d.Attempts != 0 || d.RunAt.After(time.Now()) {
			t.Errorf("delivery handed over after stop: %s, %d attempts, due %v; want pending, 0, due now", d.State, d.Attempts, d.RunAt)
		}
	}
	if got := rc.count(); got != 0 {
		t.Errorf("receiver got %d requests from a stopped engine", got)
	}
	start(t, f.engineConfig(t))
	f.waitDeliveries(t, w.ID, 2, hookhub.DeliverySucceeded)
}

// TestHandoffWebhookCopy: deliveries a publish leased name the webhook's
// version, so the engine sends them with its copy of the webhook instead of
// reading it again; a change of the webhook is a new version, and the next
// delivery goes out with the change.
func TestHandoffWebhookCopy(t *testing.T) {
	t.Parallel()
	f := setup(t)
	first := newReceiver(t, func(w http.ResponseWriter, r *http.Request, _ int) {})
	second := newReceiver(t, func(w http.ResponseWriter, r *http.Request, _ int) {})
	w := f.webhook(t, first.URL, nil)
	cfg := f.engineConfig(t)
	cfg.PollInterval = time.Hour
	eng := start(t, cfg)
	waitFor(t, "the engine running", eng.Running, nil)

	f.publishLeased(t, eng, 1)
	f.waitDeliveries(t, w.ID, 1, hookhub.DeliverySucceeded)
	f.publishLeased(t, eng, 1)
	f.waitDeliveries(t, w.ID, 2, hookhub.DeliverySucceeded)
	if got := f.store.reads.Load(); got != 1 {
		t.Errorf("the engine read the webhook %d times for two deliveries of one version, want once", got)
	}

	w, err := f.store.GetWebhook(context.Background(), f.tenant, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.URL = second.URL
	if err := f.store.UpdateWebhook(context.Background(), w, ""); err != nil {
		t.Fatal(err)
	}
	f.publishLeased(t, eng, 1)
	f.waitDeliveries(t, w.ID, 3, hookhub.DeliverySucceeded)
	if first.count() != 2 || second.count() != 1 {
		t.Errorf("receivers got %d and %d requests, want 2 and 1: the changed URL was missed", first.count(), second.count())
	}
}
