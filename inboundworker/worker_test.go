package inboundworker_test

import (
	"context"
	"crypto/rand"
	"errors"
	"maps"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/inboundworker"
	"github.com/hookhub/hookhub/sqlite"
)

// processFunc is a Processor made of a function: the worker's contract is
// about what a processor answers, which these tests choose.
type processFunc func(ctx context.Context, m *hookhub.InboundMessage) error

func (f processFunc) Process(ctx context.Context, m *hookhub.InboundMessage) error { return f(ctx, m) }

// fixture is a store with a tenant, an integration, a clock and a worker
// whose processor the test sets.
type fixture struct {
	store  *sqlite.DB
	in     *hookhub.Integration
	now    time.Time
	worker *inboundworker.Worker
	mu     sync.Mutex
	fn     processFunc
	counts map[string]int // "kind outcome" → how many Count heard
}

func setup(t *testing.T) *fixture {
	t.Helper()
	key := make([]byte, 32)
	rand.Read(key)
	db, err := sqlite.Open(t.Context(), sqlite.Config{Path: filepath.Join(t.TempDir(), "hookhub.db"), Key: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{store: db, now: time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC), counts: map[string]int{}}
	ten := &hookhub.Tenant{ID: hookhub.NewID("ten"), Name: "acme", CreatedAt: f.now}
	if err := db.CreateTenant(t.Context(), ten); err != nil {
		t.Fatal(err)
	}
	f.in = &hookhub.Integration{TenantID: ten.ID, Kind: "crm360-shopify", Name: "shop", Active: true, Token: hookhub.NewIntegrationToken(), CreatedAt: f.now, UpdatedAt: f.now}
	if err := db.CreateIntegration(t.Context(), f.in); err != nil {
		t.Fatal(err)
	}
	proc := processFunc(func(ctx context.Context, m *hookhub.InboundMessage) error {
		f.mu.Lock()
		fn := f.fn
		f.mu.Unlock()
		return fn(ctx, m)
	})
	f.worker = inboundworker.New(inboundworker.Config{
		Store: db, Processors: map[string]inboundworker.Processor{"crm360-shopify": proc},
		Now: func() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }, Lease: time.Minute, RetryScale: 1,
		Retry: hookhub.RetryPolicy{Schedule: []time.Duration{0, 10 * time.Second, time.Minute}},
		Count: func(kind, outcome string) { f.mu.Lock(); f.counts[kind+" "+outcome]++; f.mu.Unlock() },
	})
	return f
}

// counted checks what Count heard.
func (f *fixture) counted(t *testing.T, want map[string]int) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if !maps.Equal(f.counts, want) {
		t.Errorf("counted %v, want %v", f.counts, want)
	}
}

func (f *fixture) set(fn processFunc) {
	f.mu.Lock()
	f.fn = fn
	f.mu.Unlock()
}

func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

// queue stores a queued message of kind due after delay.
func (f *fixture) queue(t *testing.T, kind string, delay time.Duration) *hookhub.InboundMessage {
	t.Helper()
	m := &hookhub.InboundMessage{TenantID: f.in.TenantID, IntegrationID: f.in.ID, Kind: kind, Method: "POST", ReceivedAt: f.now,
		Status: hookhub.InboundQueued, RunAt: f.now.Add(delay), Answer: 200}
	if err := f.store.QueueInboundMessage(t.Context(), m, nil); err != nil {
		t.Fatal(err)
	}
	return m
}

func (f *fixture) get(t *testing.T, id int64) *hookhub.InboundMessage {
	t.Helper()
	m, err := f.store.GetInboundMessage(t.Context(), f.in.TenantID, id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// done marks a message done as a processor does, in its own write.
func (f *fixture) done(ctx context.Context, m *hookhub.InboundMessage) error {
	return f.store.FinishInboundMessage(ctx, m.TenantID, m.ID, hookhub.InboundOutcome{Status: hookhub.InboundDone, Try: m.Attempts}, m.UpdatedAt)
}

// TestInvisible leaves a message alone until its time, then processes it.
func TestInvisible(t *testing.T) {
	t.Parallel()
	f := setup(t)
	var calls atomic.Int32
	f.set(func(ctx context.Context, m *hookhub.InboundMessage) error { calls.Add(1); return f.done(ctx, m) })
	m := f.queue(t, "crm360-shopify", time.Hour)
	if n := f.worker.RunOnce(t.Context()); n != 0 || calls.Load() != 0 {
		t.Fatalf("before its time: claimed %d, processed %d; want none", n, calls.Load())
	}
	f.advance(time.Hour)
	if n := f.worker.RunOnce(t.Context()); n != 1 || calls.Load() != 1 || f.get(t, m.ID).Status != hookhub.InboundDone {
		t.Fatalf("at its time: claimed %d, processed %d, status %s; want it done", n, calls.Load(), f.get(t, m.ID).Status)
	}
	f.counted(t, map[string]int{"crm360-shopify done": 1})
}

// TestRetry tries a message again after a transient failure, on the
// schedule, scaled, and fails it after the last try with the reason.
func TestRetry(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.set(func(ctx context.Context, m *hookhub.InboundMessage) error { return errors.New("database away") })
	m := f.queue(t, "crm360-shopify", 0)
	f.worker.RunOnce(t.Context())
	got := f.get(t, m.ID)
	if got.Status != hookhub.InboundQueued || got.Attempts != 1 || !got.RunAt.Equal(f.now.Add(10*time.Second)) || !strings.Contains(got.Reason, "try 1 failed") {
		t.Fatalf("after a transient failure: %+v; want queued again in 10 s", got)
	}
	f.advance(9 * time.Second)
	if n := f.worker.RunOnce(t.Context()); n != 0 {
		t.Errorf("claimed %d before the retry", n)
	}
	f.advance(time.Second)
	f.worker.RunOnce(t.Context())
	if got = f.get(t, m.ID); got.Attempts != 2 || !got.RunAt.Equal(f.now.Add(time.Minute)) {
		t.Errorf("after the second failure: %+v; want the next try in a minute", got)
	}
	f.advance(time.Minute)
	f.worker.RunOnce(t.Context())
	if got = f.get(t, m.ID); got.Status != hookhub.InboundFailed || got.Attempts != 3 || got.Reason != "gave up after 3 tries: internal error" {
		t.Errorf("after the last try: %+v; want failed, giving up", got)
	}
	f.counted(t, map[string]int{"crm360-shopify retry": 2, "crm360-shopify gave_up": 1})
}

// TestRetryScale shortens the schedule by the scale.
func TestRetryScale(t *testing.T) {
	t.Parallel()
	f := setup(t)
	w := inboundworker.New(inboundworker.Config{
		Store: f.store, Now: func() time.Time { return f.now }, RetryScale: 0.001,
		Processors: map[string]inboundworker.Processor{"crm360-shopify": processFunc(func(context.Context, *hookhub.InboundMessage) error {
			return hookhub.Errorf(hookhub.EUNAVAILABLE, "the database is away")
		})},
	})
	m := f.queue(t, "crm360-shopify", 0)
	w.RunOnce(t.Context())
	got := f.get(t, m.ID)
	// DefaultRetry's second try is 10 s on, with 10 % jitter, scaled to 10 ms.
	if d := got.RunAt.Sub(f.now); got.Status != hookhub.InboundQueued || d < 9*time.Millisecond || d > 11*time.Millisecond ||
		!strings.Contains(got.Reason, "the database is away") {
		t.Errorf("scaled retry: %+v (in %s); want queued again in about 10 ms", got, d)
	}
}

// TestPermanent fails a message at once for its own fault, with the
// processor's message as reason, and a message of a kind nobody processes.
func TestPermanent(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.set(func(ctx context.Context, m *hookhub.InboundMessage) error {
		return hookhub.Errorf(hookhub.ENOTFOUND, "contact 12 not found")
	})
	m := f.queue(t, "crm360-shopify", 0)
	other := f.queue(t, "crm360-nobody", 0)
	f.worker.RunOnce(t.Context())
	if got := f.get(t, m.ID); got.Status != hookhub.InboundFailed || got.Attempts != 1 || got.Reason != "contact 12 not found" {
		t.Errorf("own fault: %+v", got)
	}
	if got := f.get(t, other.ID); got.Status != hookhub.InboundFailed || !strings.Contains(got.Reason, "crm360-nobody") {
		t.Errorf("unknown kind: %+v", got)
	}
	f.counted(t, map[string]int{"crm360-shopify failed": 1, "crm360-nobody failed": 1})
}

// TestPanic fails a message whose processing panics for good, at once,
// and the worker goes on: a message that crashes its worker would crash
// every node that claims it, again and again.
func TestPanic(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.set(func(ctx context.Context, m *hookhub.InboundMessage) error {
		var ops []string
		_ = ops[len(m.Body)] // a bug a message's data reaches: out of range
		return nil
	})
	m := f.queue(t, "crm360-shopify", 0)
	f.worker.RunOnce(t.Context())
	if got := f.get(t, m.ID); got.Status != hookhub.InboundFailed || got.Attempts != 1 ||
		got.Reason != "hookhub could not process this message (an internal error, logged); it is not tried again" {
		t.Errorf("after a panic: %+v; want failed at once", got)
	}
	f.set(func(ctx context.Context, m *hookhub.InboundMessage) error { return f.done(ctx, m) })
	next := f.queue(t, "crm360-shopify", 0)
	f.worker.RunOnce(t.Context())
	if got := f.get(t, next.ID); got.Status != hookhub.InboundDone {
		t.Errorf("the next message: %+v; want done", got)
	}
	f.counted(t, map[string]int{"crm360-shopify failed": 1, "crm360-shopify done": 1})
}

// TestStaleWorker keeps a newer claim's outcome when a worker whose lease
// ran out fails late.
func TestStaleWorker(t *testing.T) {
	t.Parallel()
	f := setup(t)
	m := f.queue(t, "crm360-shopify", 0)
	release := make(chan struct{})
	started := make(chan struct{})
	f.set(func(ctx context.Context, msg *hookhub.InboundMessage) error {
		close(started)
		<-release
		return errors.New("too slow")
	})
	done := make(chan struct{})
	go func() { defer close(done); f.worker.RunOnce(context.Background()) }()
	<-started
	// The lease runs out; another worker claims the message and finishes it.
	f.advance(2 * time.Minute)
	claimed, err := f.store.ClaimInboundMessages(t.Context(), f.now, 10, time.Minute)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("second claim = %v, %v", claimed, err)
	}
	if err := f.done(t.Context(), claimed[0]); err != nil {
		t.Fatal(err)
	}
	close(release)
	<-done
	if got := f.get(t, m.ID); got.Status != hookhub.InboundDone || got.Attempts != 2 {
		t.Errorf("after the stale worker's failure: %+v; want the second claim's done kept", got)
	}
}

// TestRunWakes processes a message as soon as Wake says it is due. The
// poll interval is an hour: after the first message, only the wake-up can
// make the sleeping worker look again.
func TestRunWakes(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.now = time.Now()
	processed := make(chan int64, 2)
	w := inboundworker.New(inboundworker.Config{
		Store: f.store, Now: time.Now, PollInterval: time.Hour,
		Processors: map[string]inboundworker.Processor{"crm360-shopify": processFunc(func(ctx context.Context, m *hookhub.InboundMessage) error {
			processed <- m.ID
			return f.done(ctx, m)
		})},
	})
	first := f.queue(t, "crm360-shopify", 0)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); w.Run(ctx) }()
	defer func() { cancel(); <-stopped }()
	wait := func(want int64) {
		t.Helper()
		select {
		case id := <-processed:
			if id != want {
				t.Fatalf("processed %d, want %d", id, want)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("message %d was not processed", want)
		}
	}
	wait(first.ID) // the first look; the worker then sleeps for an hour
	second := f.queue(t, "crm360-shopify", 0)
	w.Wake()
	wait(second.ID)
}
