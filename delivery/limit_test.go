package delivery_test

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

// checkOnce checks that each of a webhook's n deliveries succeeded with
// one try, recorded once, and reached the receiver once.
func checkOnce(t *testing.T, f *fixture, rc *receiver, w *hookhub.Webhook, n int) {
	t.Helper()
	ds := f.waitDeliveries(t, w.ID, n, hookhub.DeliverySucceeded)
	for _, d := range ds {
		if d.Attempts != 1 {
			t.Errorf("delivery %d: %d attempts, want 1 (a released claim is not a try)", d.ID, d.Attempts)
		}
		if as := f.attempts(t, d.ID); len(as) != 1 {
			t.Errorf("delivery %d: %d attempts recorded, want 1", d.ID, len(as))
		}
	}
	byID := rc.byMessage()
	if len(byID) != n {
		t.Errorf("receiver saw %d messages, want %d", len(byID), n)
	}
	for id, reqs := range byID {
		if len(reqs) != 1 {
			t.Errorf("message %s received %d times", id, len(reqs))
		}
	}
}

// TestMaxInFlight checks the per-webhook concurrency limit at the receiver.
func TestMaxInFlight(t *testing.T) {
	t.Parallel()
	f := setup(t)
	var cur, peak atomic.Int64
	rc := newReceiver(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		n := cur.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(5 * time.Millisecond) // give the engine a chance to overlap requests
		cur.Add(-1)
		w.Write([]byte("ok"))
	})
	w := f.webhook(t, rc.URL, func(w *hookhub.Webhook) { w.MaxInFlight = 2 })
	f.publish(t, time.Now(), 20)
	cfg := f.engineConfig(t)
	cfg.Workers = 16
	start(t, cfg)
	checkOnce(t, f, rc, w, 20)
	if p := peak.Load(); p > 2 {
		t.Errorf("receiver saw %d requests at once, want at most 2", p)
	}
	if f.store.outcomes(hookhub.OutcomeReleased) == 0 {
		t.Error("no claim was released although 20 were due and only 2 may be in flight")
	}
}

// TestRateLimit checks that a rate-limited webhook gets everything once;
// the deliveries over the limit are released and come back, without
// counting tries. It does not time the requests.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	f := setup(t)
	rc := newReceiver(t, nil)
	w := f.webhook(t, rc.URL, func(w *hookhub.Webhook) { w.RateLimitPerS = 20 })
	f.publish(t, time.Now(), 30)
	start(t, f.engineConfig(t))
	checkOnce(t, f, rc, w, 30)
	if f.store.outcomes(hookhub.OutcomeReleased) == 0 {
		t.Error("no claim was released although 30 were due at 20 per second")
	}
}

// waitClaimed waits until a delivery has been tried or given back, and
// returns it.
func waitClaimed(t *testing.T, f *fixture, webhookID int64, i int, now time.Time) *hookhub.Delivery {
	t.Helper()
	var d *hookhub.Delivery
	waitFor(t, "the delivery to be sent or released", func() bool {
		ds := f.deliveries(t, webhookID)
		if len(ds) <= i {
			return false
		}
		d = ds[i]
		return d.State == hookhub.DeliverySucceeded || d.State == hookhub.DeliveryPending && d.RunAt.After(now)
	}, func() string { return describeDeliveries([]*hookhub.Delivery{d}) })
	return d
}

// TestRateLimitBucket checks the token bucket with a frozen clock, so that
// no time passes unless the test says so.
func TestRateLimitBucket(t *testing.T) {
	t.Parallel()

	t.Run("below one per second the first request goes at once", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		rc := newReceiver(t, nil)
		w := f.webhook(t, rc.URL, func(w *hookhub.Webhook) { w.RateLimitPerS = 0.5 })
		clk := frozenClock()
		f.publish(t, clk.Now(), 1)
		cfg := f.engineConfig(t)
		cfg.Now = clk.Now
		start(t, cfg)
		if d := waitClaimed(t, f, w.ID, 0, clk.Now()); d.State != hookhub.DeliverySucceeded {
			t.Errorf("first request to an idle webhook limited to 0.5/s was held back until %s", d.RunAt)
		}
	})

	t.Run("sending one at a time does not refill the bucket", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		rc := newReceiver(t, nil)
		w := f.webhook(t, rc.URL, func(w *hookhub.Webhook) { w.RateLimitPerS = 2 })
		clk := frozenClock()
		cfg := f.engineConfig(t)
		cfg.Now = clk.Now
		eng := start(t, cfg)
		// A burst of 2 is allowed; with no time passing, the third waits.
		for i := range 3 {
			f.publish(t, clk.Now(), 1)
			eng.Wake()
			d := waitClaimed(t, f, w.ID, i, clk.Now())
			if sent := d.State == hookhub.DeliverySucceeded; sent != (i < 2) {
				t.Fatalf("request %d at a frozen time with 2/s: sent %v, want %v", i+1, sent, i < 2)
			}
		}
		clk.Add(time.Second)
		eng.Wake()
		checkOnce(t, f, rc, w, 3)
	})
}
