package delivery_test

import (
	"context"
	"crypto/rand"
	mrand "math/rand/v2"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/postgres"
	"github.com/hookhub/hookhub/postgres/pgtest"
	"github.com/hookhub/hookhub/sqlite"
)

// The chaos runs of issue 15: a real flaky receiver, a real engine, a
// 500-event burst, on both databases. Schedules and timeouts are shrunk
// (a 300 ms timeout stands for 5 s) so that a run takes seconds; nothing
// asserts on time. Each reports the receiver's requests and the messages
// it got more than once (at-least-once delivery: a late answer is a failed
// try, tried again).

// chaosStores opens a fresh store of each kind with a tenant in it.
func chaosStores(t *testing.T) map[string]func(t *testing.T) *fixture {
	key := make([]byte, 32)
	rand.Read(key)
	withTenant := func(t *testing.T, s hookhub.Store) *fixture {
		ten := &hookhub.Tenant{ID: hookhub.NewID("ten"), Name: "Acme", CreatedAt: time.Now()}
		if err := s.CreateTenant(context.Background(), ten); err != nil {
			t.Fatalf("create tenant: %v", err)
		}
		return &fixture{store: &spyStore{Store: s}, tenant: ten.ID}
	}
	return map[string]func(t *testing.T) *fixture{
		"sqlite": func(t *testing.T) *fixture {
			db, err := sqlite.Open(context.Background(), sqlite.Config{Path: filepath.Join(t.TempDir(), "hookhub.db"), Key: key})
			if err != nil {
				t.Fatalf("open sqlite: %v", err)
			}
			t.Cleanup(func() { db.Close() })
			return withTenant(t, db)
		},
		"postgres": func(t *testing.T) *fixture {
			db, err := postgres.Open(context.Background(), postgres.Config{URL: pgtest.NewDatabase(t), Key: key, MaxConns: 10})
			if err != nil {
				t.Fatalf("open postgres: %v", err)
			}
			t.Cleanup(func() { db.Close() })
			return withTenant(t, db)
		},
	}
}

// burst publishes 500 events to a chaos webhook posting to rc, runs an
// engine with 32 workers until all are delivered, and reports.
func burst(t *testing.T, f *fixture, rc *receiver) *hookhub.Webhook {
	w := chaosWebhook(t, f, rc.URL)
	const n = 500
	f.publish(t, time.Now(), n)
	cfg := f.engineConfig(t)
	cfg.Workers = 32
	start(t, cfg)
	waitAllSucceeded(t, f, w, n)
	report(t, rc, n)
	return w
}

// chaosWebhook is a webhook with SuperOffice's threshold of 9, a 300 ms
// timeout and a long, short-spaced schedule, so that every message gets
// through a receiver that fails a fifth of the time.
func chaosWebhook(t *testing.T, f *fixture, url string) *hookhub.Webhook {
	return f.webhook(t, url, func(w *hookhub.Webhook) {
		w.FailureThreshold = 9
		w.Timeout = 300 * time.Millisecond
		w.Retry.Schedule = []time.Duration{0}
		for range 11 {
			w.Retry.Schedule = append(w.Retry.Schedule, 20*time.Millisecond)
		}
	})
}

// waitAllSucceeded waits (up to two minutes: the machine is shared) until
// n deliveries of w succeeded, failing at once if w leaves active.
func waitAllSucceeded(t *testing.T, f *fixture, w *hookhub.Webhook, n int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if got := f.getWebhook(t, w.ID); got.State != hookhub.StateActive {
			t.Fatalf("webhook went %s with %d failures in a row (last error %q)", got.State, got.ConsecutiveFailures, got.LastError)
		}
		ds := f.deliveries(t, w.ID)
		ok := 0
		for _, d := range ds {
			switch d.State {
			case hookhub.DeliverySucceeded:
				ok++
			case hookhub.DeliveryFailed:
				t.Fatalf("delivery %d failed for good: %s", d.ID, d.LastError)
			}
		}
		if ok == n && len(ds) == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d deliveries succeeded", ok, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func report(t *testing.T, rc *receiver, n int) {
	dup := 0
	for _, rs := range rc.byMessage() {
		if len(rs) > 1 {
			dup++
		}
	}
	t.Logf("%d messages: %d requests, %d messages tried more than once (after a failure or a late answer), none lost", n, rc.count(), dup)
	if got := len(rc.byMessage()); got != n {
		t.Errorf("receiver saw %d distinct messages, want %d", got, n)
	}
}

// TestChaosFlakyReceiver: 20 % of tries fail, 5 % answer after the
// timeout; through a 500-event burst the webhook stays active and every
// message gets through.
func TestChaosFlakyReceiver(t *testing.T) {
	// Not parallel with the package's other tests: its bursts would
	// starve their waits on a shared machine.
	for name, open := range chaosStores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := open(t)
			var mu sync.Mutex
			rnd := mrand.New(mrand.NewPCG(15, 1))
			rc := newReceiver(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				mu.Lock()
				p := rnd.Float64()
				mu.Unlock()
				switch {
				case p < 0.05:
					time.Sleep(400 * time.Millisecond) // after the 300 ms timeout
				case p < 0.25:
					w.WriteHeader(http.StatusInternalServerError)
					return
				}
				w.Write([]byte("ok"))
			})
			burst(t, f, rc)
		})
	}
}

// TestChaosOneStall: the receiver stalls once, longer than the timeout,
// while 32 tries are in flight; the webhook stays active.
func TestChaosOneStall(t *testing.T) {
	// Not parallel with the package's other tests: its bursts would
	// starve their waits on a shared machine.
	for name, open := range chaosStores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := open(t)
			var stallOnce sync.Once
			var stallUntil atomic.Int64 // Unix ns
			rc := newReceiver(t, func(w http.ResponseWriter, _ *http.Request, n int) {
				if n == 100 {
					// 360 ms stands for 6 s against a 300 ms timeout.
					stallOnce.Do(func() { stallUntil.Store(time.Now().Add(360 * time.Millisecond).UnixNano()) })
				}
				if d := time.Until(time.Unix(0, stallUntil.Load())); d > 0 {
					time.Sleep(d)
				}
				time.Sleep(5 * time.Millisecond) // so that 32 tries are in flight
				w.Write([]byte("ok"))
			})
			w := burst(t, f, rc)
			if stallUntil.Load() == 0 {
				t.Fatal("the receiver never stalled")
			}
			t.Logf("total errors %d", f.getWebhook(t, w.ID).TotalErrors)
		})
	}
}
