package service_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

func TestPublish(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, b := setup(t, options{})
	createWebhook(t, svc, b.a, &hookhub.Webhook{Events: []string{"contact.*"}})
	createWebhook(t, svc, b.a, &hookhub.Webhook{Events: []string{"sale.created"}})
	createWebhook(t, svc, b.b, &hookhub.Webhook{Events: []string{"*"}}) // another tenant's: never delivered to

	for _, tt := range []struct {
		name       string
		events     []*hookhub.Event
		code       hookhub.Code
		field      string
		deliveries []int
	}{
		{"fan out", []*hookhub.Event{event("contact.created")}, "", "", []int{1}},
		{"no subscriber", []*hookhub.Event{event("operator.created")}, "", "", []int{0}},
		{"several", []*hookhub.Event{event("contact.changed"), event("sale.created")}, "", "", []int{1, 1}},
		{"unknown type", []*hookhub.Event{event("order.shipped")}, hookhub.EINVALID, "type", nil},
		{"bad type", []*hookhub.Event{event("Order Shipped")}, hookhub.EINVALID, "type", nil},
		{"no data", []*hookhub.Event{{Type: "contact.created"}}, hookhub.EINVALID, "data", nil},
		{"bad data", []*hookhub.Event{{Type: "contact.created", Data: []byte(`{"a":`)}}, hookhub.EINVALID, "data", nil},
		{"problem in a batch", []*hookhub.Event{event("contact.created"), event("nope.nope")}, hookhub.EINVALID, "events[1].type", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := svc.Publish(ctx, b.a, tt.events...)
			if tt.code != "" {
				wantCode(t, err, tt.code, tt.field)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range res {
				if r.Event.ID == 0 || r.Event.TenantID != b.a.TenantID || !r.Event.CreatedAt.Equal(b.clock.Now()) || r.Duplicate {
					t.Errorf("result %d = %+v", i, r)
				}
				if got, want := r.Deliveries, tt.deliveries[i]; got != want {
					t.Errorf("result %d: deliveries = %d, want %d", i, got, want)
				}
				got, err := svc.GetEvent(ctx, b.a, r.Event.ID)
				if err != nil || got.Type != tt.events[i].Type {
					t.Errorf("GetEvent = %+v, %v", got, err)
				}
				if _, err := svc.GetEvent(ctx, b.b, r.Event.ID); hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
					t.Errorf("tenant B reads tenant A's event: %v", err)
				}
			}
		})
	}
}

func TestPublishIdempotency(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, b := setup(t, options{})
	createWebhook(t, svc, b.a, &hookhub.Webhook{Events: []string{"*"}})
	e := event("contact.created")
	e.IdempotencyKey = "k1"
	first, err := svc.Publish(ctx, b.a, e)
	if err != nil {
		t.Fatal(err)
	}
	again, err := svc.Publish(ctx, b.a, e)
	if err != nil {
		t.Fatal(err)
	}
	if !again[0].Duplicate || again[0].Event.ID != first[0].Event.ID || again[0].Deliveries != 0 {
		t.Errorf("second publish = %+v, first %+v", again[0], first[0])
	}
	other, err := svc.Publish(ctx, b.b, e) // keys are per tenant
	if err != nil {
		t.Fatal(err)
	}
	if other[0].Duplicate {
		t.Error("tenant B's event is a duplicate of tenant A's")
	}
	if e.ID != 0 || e.TenantID != "" {
		t.Errorf("Publish changed the caller's event: %+v", e)
	}
}

// TestGroupCommit publishes from many goroutines at once: every caller gets
// its own results, all distinct, and everything is stored, in batches no
// larger than MaxBatch.
func TestGroupCommit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const maxBatch = 16
	svc, b := setup(t, options{maxBatch: maxBatch})
	createWebhook(t, svc, b.a, &hookhub.Webhook{Events: []string{"*"}})
	createWebhook(t, svc, b.b, &hookhub.Webhook{Events: []string{"*"}})

	const callers = 200
	var wg sync.WaitGroup
	results := make([][]hookhub.PublishResult, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Go(func() {
			actor := b.a
			if i%2 == 1 {
				actor = b.b
			}
			events := []*hookhub.Event{event("contact.created")}
			events[0].EntityID = fmt.Sprint(i)
			if i%10 == 0 { // some callers publish two events; some share a key
				events = append(events, event("sale.created"))
			}
			if i%50 == 0 {
				events[0].IdempotencyKey = "shared"
			}
			results[i], errs[i] = svc.Publish(ctx, actor, events...)
		})
	}
	wg.Wait()

	ids := map[int64]bool{}
	stored, shared := 0, map[string]int64{}
	for i := range callers {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		want := 1
		if i%10 == 0 {
			want = 2
		}
		if len(results[i]) != want {
			t.Fatalf("caller %d got %d results, want %d", i, len(results[i]), want)
		}
		if got := results[i][0].Event.EntityID; i%50 != 0 && got != fmt.Sprint(i) {
			t.Errorf("caller %d got the result of entity %s", i, got)
		}
		for _, r := range results[i] {
			if r.Duplicate {
				if first, ok := shared[r.Event.TenantID]; ok && first != r.Event.ID {
					t.Errorf("duplicate names event %d, first was %d", r.Event.ID, first)
				}
				shared[r.Event.TenantID] = r.Event.ID
				continue
			}
			if ids[r.Event.ID] {
				t.Errorf("event id %d given twice", r.Event.ID)
			}
			ids[r.Event.ID] = true
			stored++
			if r.Deliveries != 1 {
				t.Errorf("event %d: %d deliveries, want 1", r.Event.ID, r.Deliveries)
			}
		}
	}
	var listed int
	for _, actor := range []*hookhub.Token{b.a, b.b} {
		es, err := svc.ListEvents(ctx, actor, hookhub.EventFilter{Page: hookhub.Page{Limit: 500}})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			if e.TenantID != actor.TenantID || !ids[e.ID] {
				t.Errorf("stored event %+v was not returned to its publisher", e)
			}
		}
		listed += len(es)
	}
	if listed != stored {
		t.Errorf("stored %d events, callers were told of %d", listed, stored)
	}
	b.store.mu.Lock()
	defer b.store.mu.Unlock()
	for _, n := range b.store.sizes {
		if n > maxBatch {
			t.Errorf("a batch of %d events, MaxBatch is %d", n, maxBatch)
		}
	}
	t.Logf("%d callers committed in %d batches", callers, len(b.store.sizes))
}

// TestGroupCommitOneCore: on one processor too, callers that publish at
// the same time share commits. The committer, handed a call, ran before
// the other callers already runnable could hand over theirs, so each commit
// held one event: a third of the deliveries a second of two processors,
// on one (README, Speed).
func TestGroupCommitOneCore(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	ctx := context.Background()
	svc, b := setup(t, options{})
	createWebhook(t, svc, b.a, &hookhub.Webhook{Events: []string{"*"}})
	const callers, each = 16, 20
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for range callers {
		wg.Go(func() {
			for range each {
				if _, err := svc.Publish(ctx, b.a, event("contact.created")); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	b.store.mu.Lock()
	defer b.store.mu.Unlock()
	commits := len(b.store.sizes)
	t.Logf("%d events from %d callers at once: %d commits", callers*each, callers, commits)
	// The first calls of each caller come one at a time; after that, a
	// commit takes every caller that is waiting, up to all of them.
	if perCommit := float64(callers*each) / float64(commits); perCommit < 4 {
		t.Errorf("%d events from %d callers at once took %d commits, %.1f each; want 4 or more each", callers*each, callers, commits, perCommit)
	}
}

func TestPublishAfterClose(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, b := setup(t, options{})
	svc.Close()
	svc.Close() // idempotent
	_, err := svc.Publish(ctx, b.a, event("contact.created"))
	wantCode(t, err, hookhub.EUNAVAILABLE, "")
}

func TestPublishCanceled(t *testing.T) {
	t.Parallel()
	svc, b := setup(t, options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := svc.Publish(ctx, b.a, event("contact.created")); err == nil {
		t.Error("publish with a canceled context succeeded")
	}
}

func TestSendTest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, b := setup(t, options{})
	target := createWebhook(t, svc, b.a, &hookhub.Webhook{Events: []string{"contact.created"}})
	createWebhook(t, svc, b.a, &hookhub.Webhook{Events: []string{"*"}}) // subscribed to everything, yet not sent to
	res, err := svc.SendTest(ctx, b.a, target.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Event.Type != hookhub.TestEventType || res.Deliveries != 1 {
		t.Errorf("result = %+v", res)
	}
	ds, err := svc.ListDeliveries(ctx, b.a, hookhub.DeliveryFilter{EventID: res.Event.ID})
	if err != nil || len(ds) != 1 || ds[0].WebhookID != target.ID {
		t.Errorf("deliveries = %+v, %v", ds, err)
	}
	_, err = svc.SendTest(ctx, b.a, 999)
	wantCode(t, err, hookhub.ENOTFOUND, "")
}

// failAll claims every due delivery and fails it for good, as a worker
// with no tries left would.
func failAll(t *testing.T, b *bundle) []*hookhub.Claim {
	t.Helper()
	ctx := context.Background()
	now := b.clock.Now()
	claims, err := b.store.Claim(ctx, now, 100, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var outs []hookhub.Outcome
	for _, c := range claims {
		outs = append(outs, hookhub.Outcome{
			DeliveryID: c.ID, TenantID: c.TenantID, WebhookID: c.WebhookID, Kind: hookhub.OutcomeFailed,
			Attempt: &hookhub.Attempt{
				DeliveryID: c.ID, TenantID: c.TenantID, WebhookID: c.WebhookID, EventID: c.EventID, Number: c.Attempts,
				URL: "https://receiver.example.com/hook", StartedAt: now, Duration: time.Millisecond,
				RequestBody: []byte(`{}`), Status: 500, ResponseBody: []byte("boom"), Error: "status 500",
			},
		})
	}
	if err := b.store.Complete(ctx, now, outs); err != nil {
		t.Fatal(err)
	}
	return claims
}

func TestRetryAndRecover(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, b := setup(t, options{})
	w := createWebhook(t, svc, b.a, &hookhub.Webhook{Events: []string{"*"}})
	if _, err := svc.Publish(ctx, b.a, event("contact.created"), event("contact.changed")); err != nil {
		t.Fatal(err)
	}
	claims := failAll(t, b)
	if len(claims) != 2 {
		t.Fatalf("claimed %d deliveries, want 2", len(claims))
	}
	as, err := svc.ListAttempts(ctx, b.a, hookhub.AttemptFilter{WebhookID: w.ID, FailedOnly: true})
	if err != nil || len(as) != 2 {
		t.Fatalf("attempts = %d, %v", len(as), err)
	}

	wakes := b.wakes.Load()
	d, err := svc.RetryDelivery(ctx, b.a, claims[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != hookhub.DeliveryPending || b.wakes.Load() == wakes {
		t.Errorf("retried delivery = %+v, wakes %d → %d", d, wakes, b.wakes.Load())
	}
	_, err = svc.RetryDelivery(ctx, b.b, claims[1].ID)
	wantCode(t, err, hookhub.ENOTFOUND, "")
	_, err = svc.GetDelivery(ctx, b.b, claims[1].ID)
	wantCode(t, err, hookhub.ENOTFOUND, "")

	_, err = svc.RecoverDeliveries(ctx, b.a, w.ID, time.Time{})
	wantCode(t, err, hookhub.EINVALID, "since")
	n, err := svc.RecoverDeliveries(ctx, b.a, w.ID, b.clock.Now().Add(-time.Hour))
	if err != nil || n != 1 {
		t.Errorf("recovered %d, %v; want 1", n, err)
	}
	st, err := svc.Stats(ctx, b.a, time.Time{})
	if err != nil || st.Pending != 2 || st.QueueDepth != 2 {
		t.Errorf("stats = %+v, %v", st, err)
	}
	if st, err := svc.Stats(ctx, b.b, time.Time{}); err != nil || st.QueueDepth != 0 {
		t.Errorf("tenant B's stats = %+v, %v", st, err)
	}
	if ms, err := svc.ListMail(ctx, b.a, hookhub.Page{}); err != nil || len(ms) != 0 {
		t.Errorf("mail = %v, %v", ms, err)
	}
}

// TestPublishChecksData: Publish refuses data that is not JSON before
// anything reaches the store, and PublishDecoded (for data a JSON decoder
// checked) makes every other check Publish makes, with the same answers.
func TestPublishChecksData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, b := setup(t, options{})
	bad := []string{`{"a":`, `{"a":}`, `[1,]`, `tru`, `nul`, `01`, `1.`, `-`, `"x`, `"\x"`, `{]`, `[}`, `{"a" 1}`, `{} {}`, "\xff", `{"a":1}x`}
	for _, data := range bad {
		_, err := svc.Publish(ctx, b.a, &hookhub.Event{Type: "contact.created", Data: []byte(data)})
		wantCode(t, err, hookhub.EINVALID, "data")
		_, err = svc.Publish(ctx, b.a, event("contact.created"), &hookhub.Event{Type: "contact.created", Data: []byte(data)})
		wantCode(t, err, hookhub.EINVALID, "events[1].data")
	}
	b.store.mu.Lock()
	commits := len(b.store.sizes)
	b.store.mu.Unlock()
	if commits != 0 {
		t.Fatalf("%d commits for events whose data is not JSON", commits)
	}
	if es, err := svc.ListEvents(ctx, b.a, hookhub.EventFilter{}); err != nil || len(es) != 0 {
		t.Fatalf("events stored: %d, %v", len(es), err)
	}

	big := append(append([]byte(`"`), bytes.Repeat([]byte("x"), hookhub.MaxEventData)...), '"')
	for _, tt := range []struct {
		name  string
		event *hookhub.Event
		field string
	}{
		{"no data", &hookhub.Event{Type: "contact.created"}, "data"},
		{"data too large", &hookhub.Event{Type: "contact.created", Data: big}, "data"},
		{"bad type", &hookhub.Event{Type: "Contact Created", Data: []byte(`1`)}, "type"},
		{"unknown type", &hookhub.Event{Type: "order.shipped", Data: []byte(`1`)}, "type"},
		{"bad app", &hookhub.Event{Type: "contact.created", AppID: "bad app id!", Data: []byte(`1`)}, "app_id"},
		{"long key", &hookhub.Event{Type: "contact.created", IdempotencyKey: strings.Repeat("k", 256), Data: []byte(`1`)}, "idempotency_key"},
	} {
		_, want := svc.Publish(ctx, b.a, tt.event)
		wantCode(t, want, hookhub.EINVALID, tt.field)
		_, got := svc.PublishDecoded(ctx, b.a, tt.event)
		if got == nil || got.Error() != want.Error() {
			t.Errorf("%s: PublishDecoded: %v, want %v", tt.name, got, want)
		}
	}
	if _, err := svc.PublishDecoded(ctx, b.b, event("contact.created")); err != nil {
		t.Fatal(err)
	}
	reader := withScopes(t, svc, b.a, hookhub.ScopeWebhooksRead)
	_, err := svc.PublishDecoded(ctx, reader, event("contact.created"))
	wantCode(t, err, hookhub.EFORBIDDEN, "")
}
