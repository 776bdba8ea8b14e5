package delivery_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/delivery"
	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/secrets"
	"github.com/hookhub/hookhub/signature"
)

// topLevel decodes a JSON object's members in order, keeping duplicates,
// which decoding into a map would hide.
func topLevel(t testing.TB, body []byte) (keys []string, members map[string]json.RawMessage) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("body %s is not a JSON object (%v, %v)", body, tok, err)
	}
	members = map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("body %s: %v", body, err)
		}
		k := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("body %s: member %s: %v", body, k, err)
		}
		keys = append(keys, k)
		members[k] = v
	}
	return keys, members
}

func jsonEqual(t testing.TB, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("decode %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return reflect.DeepEqual(va, vb)
}

// TestDeliverStandard follows events from the store to a receiver that
// fails each message's first try: envelope, properties, headers,
// signatures checked by the reference library and ours, a stable
// webhook-id across tries, and what the store records.
func TestDeliverStandard(t *testing.T) {
	t.Parallel()
	f := setup(t)
	bigReply := strings.Repeat("r", hookhub.MaxResponseBody+3000)
	var mu sync.Mutex
	seen := map[string]bool{}
	rc := newReceiver(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		id := r.Header.Get("webhook-id")
		mu.Lock()
		first := !seen[id]
		seen[id] = true
		mu.Unlock()
		if first {
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte("try again"))
			return
		}
		w.Header().Set("X-Reply", "thanks")
		w.Write([]byte(bigReply))
	})
	secret := newSecret(t)
	props := `{"type":"not.this","timestamp":"never","data":"nope","account":"acme","nested":{"a":[1,2]}}`
	w := f.webhook(t, rc.URL+"/hooks?x=1", func(w *hookhub.Webhook) {
		w.Secret = secret
		w.Headers = map[string]string{"X-Custom": "yes", "authorization": "Bearer abc"}
		w.Properties = json.RawMessage(props)
		w.Retry.Schedule = []time.Duration{0, 10 * time.Millisecond, 10 * time.Millisecond}
	})
	startedAt := time.Now().Truncate(time.Millisecond)
	events := f.publish(t, time.Now(), 3)
	start(t, f.engineConfig(t))

	ds := f.waitDeliveries(t, w.ID, 3, hookhub.DeliverySucceeded)

	ref, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	key, err := signature.ParseSecret(secret)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[int64]*hookhub.Event{} // as kept: times in milliseconds
	for _, e := range events {
		se, err := f.store.GetEvent(t.Context(), f.tenant, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		stored[e.ID] = se
	}
	byID := rc.byMessage()
	if got, want := len(byID), len(events); got != want {
		t.Fatalf("receiver saw %d message ids, want %d", got, want)
	}
	for _, e := range events {
		reqs := byID[e.MessageID()]
		if got, want := len(reqs), 2; got != want {
			t.Fatalf("message %s: %d requests, want %d (one failed, one retry with the same webhook-id)", e.MessageID(), got, want)
		}
		for i, r := range reqs {
			h := r.header
			for name, want := range map[string]string{
				"Content-Type":  "application/json",
				"User-Agent":    delivery.UserAgent,
				"X-Custom":      "yes",
				"Authorization": "Bearer abc",
				"Webhook-Id":    e.MessageID(),
			} {
				if got := h.Get(name); got != want {
					t.Errorf("message %s try %d: header %s = %q, want %q", e.MessageID(), i+1, name, got, want)
				}
			}
			if err := ref.Verify(r.body, h); err != nil {
				t.Errorf("message %s try %d: reference library: %v", e.MessageID(), i+1, err)
			}
			if err := signature.Verify([]signature.VerifyKey{signature.HMACVerifyKey(key)}, h, r.body, time.Now(), 0); err != nil {
				t.Errorf("message %s try %d: signature.Verify: %v", e.MessageID(), i+1, err)
			}
			keys, m := topLevel(t, r.body)
			if want := []string{"type", "timestamp", "data", "account", "nested"}; !slices.Equal(keys, want) {
				t.Errorf("message %s: body members %q, want %q (properties merged once, reserved names kept)", e.MessageID(), keys, want)
			}
			if got, want := string(m["type"]), strconv.Quote(e.Type); got != want {
				t.Errorf("message %s: type %s, want %s", e.MessageID(), got, want)
			}
			var ts time.Time
			if err := json.Unmarshal(m["timestamp"], &ts); err != nil || !ts.Equal(stored[e.ID].CreatedAt) {
				t.Errorf("message %s: timestamp %s (%v), want the event's time %s", e.MessageID(), m["timestamp"], err, stored[e.ID].CreatedAt)
			}
			if !jsonEqual(t, m["data"], e.Data) {
				t.Errorf("message %s: data %s, want %s", e.MessageID(), m["data"], e.Data)
			}
			if got, want := string(m["account"]), `"acme"`; got != want {
				t.Errorf("message %s: account %s, want %s", e.MessageID(), got, want)
			}
			if !jsonEqual(t, m["nested"], []byte(`{"a":[1,2]}`)) {
				t.Errorf("message %s: nested %s", e.MessageID(), m["nested"])
			}
		}
		if !bytes.Equal(reqs[0].body, reqs[1].body) {
			t.Errorf("message %s: body changed between tries:\n%s\n%s", e.MessageID(), reqs[0].body, reqs[1].body)
		}
	}

	for _, d := range ds {
		if d.Attempts != 2 || d.LastStatus != 200 || d.LastError != "" {
			t.Errorf("delivery %d: attempts %d, status %d, error %q; want 2, 200, none", d.ID, d.Attempts, d.LastStatus, d.LastError)
		}
		as := f.attempts(t, d.ID)
		if len(as) != 2 {
			t.Fatalf("delivery %d: %d attempts recorded, want 2", d.ID, len(as))
		}
		sent := byID["msg_"+strconv.FormatInt(d.EventID, 10)]
		for i, a := range as {
			if a.Number != i+1 || a.URL != w.URL || a.EventID != d.EventID || a.WebhookID != w.ID {
				t.Errorf("delivery %d attempt %d: number %d url %s event %d webhook %d", d.ID, i, a.Number, a.URL, a.EventID, a.WebhookID)
			}
			if a.StartedAt.Before(startedAt) {
				t.Errorf("delivery %d attempt %d: started at %s, before the test", d.ID, i, a.StartedAt)
			}
			if !bytes.Equal(a.RequestBody, sent[i].body) {
				t.Errorf("delivery %d attempt %d: recorded body\n%s\nwant what was sent\n%s", d.ID, i, a.RequestBody, sent[i].body)
			}
			for _, name := range []string{"webhook-id", "webhook-timestamp", "webhook-signature", "X-Custom", "Content-Type"} {
				if got, want := a.RequestHeaders.Get(name), sent[i].header.Get(name); got != want || got == "" {
					t.Errorf("delivery %d attempt %d: recorded %s %q, sent %q", d.ID, i, name, got, want)
				}
			}
			// The receiver got the credential; the log keeps its scheme only.
			if got, want := a.RequestHeaders.Get("Authorization"), "Bearer "+secrets.Hidden; got != want {
				t.Errorf("delivery %d attempt %d: recorded Authorization %q, want %q", d.ID, i, got, want)
			}
		}
		if a := as[0]; a.Status != 500 || a.Success || string(a.ResponseBody) != "try again" || a.Error != "receiver answered 500" {
			t.Errorf("first attempt: status %d success %v body %q error %q", a.Status, a.Success, a.ResponseBody, a.Error)
		}
		a := as[1]
		if a.Status != 200 || !a.Success || a.Error != "" {
			t.Errorf("second attempt: status %d success %v error %q", a.Status, a.Success, a.Error)
		}
		if got, want := len(a.ResponseBody), hookhub.MaxResponseBody; got != want {
			t.Errorf("second attempt: response body of %d bytes kept, want the cap %d", got, want)
		}
		if got := a.ResponseHeaders.Get("X-Reply"); got != "thanks" {
			t.Errorf("second attempt: response header X-Reply %q", got)
		}
	}

	got := f.getWebhook(t, w.ID)
	if got.TotalCalls != 6 || got.TotalErrors != 3 || got.ConsecutiveFailures != 0 {
		t.Errorf("webhook: total calls %d, errors %d, streak %d; want 6, 3, 0", got.TotalCalls, got.TotalErrors, got.ConsecutiveFailures)
	}
	if got.LastTriggeredAt.Before(startedAt) || got.LastTriggeredAt.After(time.Now()) {
		t.Errorf("webhook: last triggered %s, want during the test (from %s)", got.LastTriggeredAt, startedAt)
	}
	if got.State != hookhub.StateActive {
		t.Errorf("webhook state %s, want active", got.State)
	}
}

func signatures(h http.Header) []string {
	return strings.Fields(h.Get("webhook-signature"))
}

// TestDeliverRotatedSecret checks that during a rotation's grace period
// requests carry a signature by each secret, so that a receiver still
// holding the old one accepts them, and that afterwards only the new one
// signs.
func TestDeliverRotatedSecret(t *testing.T) {
	t.Parallel()
	f := setup(t)
	rc := newReceiver(t, nil)
	oldSecret, newSecret := newSecret(t), newSecret(t)
	clk := &hookhubtest.Clock{} // the wall clock, until moved
	w := f.webhook(t, rc.URL, func(w *hookhub.Webhook) {
		w.Secret, w.PreviousSecret, w.PreviousUntil = newSecret, oldSecret, clk.Now().Add(2*time.Minute)
	})
	cfg := f.engineConfig(t)
	cfg.Now = clk.Now
	eng := start(t, cfg)

	verify := func(r request, secret string, now time.Time) (ref, ours error) {
		wh, err := standardwebhooks.NewWebhook(secret)
		if err != nil {
			t.Fatal(err)
		}
		key, err := signature.ParseSecret(secret)
		if err != nil {
			t.Fatal(err)
		}
		return wh.Verify(r.body, r.header),
			signature.Verify([]signature.VerifyKey{signature.HMACVerifyKey(key)}, r.header, r.body, now, 0)
	}

	f.publish(t, clk.Now(), 1)
	eng.Wake()
	waitFor(t, "the first request", func() bool { return rc.count() == 1 }, nil)
	r := rc.requests()[0]
	if got := signatures(r.header); len(got) != 2 {
		t.Fatalf("during the grace period: signatures %q, want two", got)
	}
	for _, s := range []string{oldSecret, newSecret} {
		if ref, ours := verify(r, s, clk.Now()); ref != nil || ours != nil {
			t.Errorf("during the grace period, %s alone: reference library %v, signature.Verify %v", s[:10], ref, ours)
		}
	}

	// The first outcome must be recorded before the clock moves past its
	// lease: a lease that ran out would have it claimed and sent again.
	f.waitDeliveries(t, w.ID, 1, hookhub.DeliverySucceeded)

	// Past PreviousUntil, within the receivers' 5-minute tolerance.
	clk.Add(3 * time.Minute)
	f.publish(t, clk.Now(), 1)
	eng.Wake()
	waitFor(t, "the second request", func() bool { return rc.count() == 2 }, nil)
	r = rc.requests()[1]
	if got := signatures(r.header); len(got) != 1 {
		t.Fatalf("after the grace period: signatures %q, want one", got)
	}
	if ref, ours := verify(r, newSecret, clk.Now()); ref != nil || ours != nil {
		t.Errorf("after the grace period, new secret: reference library %v, signature.Verify %v", ref, ours)
	}
	ref, ours := verify(r, oldSecret, clk.Now())
	if !errors.Is(ref, standardwebhooks.ErrNoMatchingSignature) || !errors.Is(ours, signature.ErrNoMatchingSignature) {
		t.Errorf("after the grace period, old secret: reference library %v, signature.Verify %v; want no matching signature", ref, ours)
	}
	f.waitDeliveries(t, w.ID, 2, hookhub.DeliverySucceeded)
}

// TestDeliverEd25519 checks v1a signatures with crypto/ed25519 itself and
// with signature.Verify. The reference Go library (v0.0.1) knows only v1:
// it skips v1a signatures, so it cannot check these; the test shows that a
// v1-only receiver is refused rather than fooled.
func TestDeliverEd25519(t *testing.T) {
	t.Parallel()
	f := setup(t)
	rc := newReceiver(t, nil)
	secret, public, err := signature.NewEd25519Key()
	if err != nil {
		t.Fatal(err)
	}
	w := f.webhook(t, rc.URL, func(w *hookhub.Webhook) {
		w.Secret, w.SigningScheme = secret, hookhub.SchemeEd25519
	})
	events := f.publish(t, time.Now(), 2)
	start(t, f.engineConfig(t))
	f.waitDeliveries(t, w.ID, 2, hookhub.DeliverySucceeded)

	pub, err := signature.ParsePublicKey(public)
	if err != nil {
		t.Fatal(err)
	}
	reqs := rc.byMessage()
	for _, e := range events {
		if len(reqs[e.MessageID()]) != 1 {
			t.Fatalf("message %s: %d requests, want 1", e.MessageID(), len(reqs[e.MessageID()]))
		}
		r := reqs[e.MessageID()][0]
		sigs := signatures(r.header)
		if len(sigs) != 1 || !strings.HasPrefix(sigs[0], "v1a,") {
			t.Fatalf("signatures %q, want one v1a", sigs)
		}
		raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(sigs[0], "v1a,"))
		if err != nil {
			t.Fatalf("signature is not base64: %v", err)
		}
		content := []byte(r.header.Get("webhook-id") + "." + r.header.Get("webhook-timestamp") + ".")
		content = append(content, r.body...)
		if !ed25519.Verify(pub, content, raw) {
			t.Errorf("message %s: v1a signature does not verify with crypto/ed25519", e.MessageID())
		}
		if err := signature.Verify([]signature.VerifyKey{signature.Ed25519VerifyKey(pub)}, r.header, r.body, time.Now(), 0); err != nil {
			t.Errorf("message %s: signature.Verify: %v", e.MessageID(), err)
		}
		wh, err := standardwebhooks.NewWebhookRaw(pub)
		if err != nil {
			t.Fatal(err)
		}
		if err := wh.Verify(r.body, r.header); !errors.Is(err, standardwebhooks.ErrNoMatchingSignature) {
			t.Errorf("reference library (v1 only) with the public key: %v, want no matching signature", err)
		}
	}
}

// TestDefaultClientRefusesLoopback checks that an engine configured
// without a client still applies the egress policy: a loopback target is
// refused, and the refusal is the attempt's error.
func TestDefaultClientRefusesLoopback(t *testing.T) {
	t.Parallel()
	f := setup(t)
	rc := newReceiver(t, nil)
	w := f.webhook(t, rc.URL, nil)
	f.publish(t, time.Now(), 1)
	cfg := f.engineConfig(t)
	cfg.Client = nil
	start(t, cfg)
	ds := f.waitDeliveries(t, w.ID, 1, hookhub.DeliveryFailed)
	as := f.attempts(t, ds[0].ID)
	if len(as) != 1 || !strings.Contains(as[0].Error, "private targets are not allowed") {
		t.Errorf("attempts %+v, want one refused by the egress policy", as)
	}
	if rc.count() != 0 {
		t.Errorf("receiver on loopback got %d requests, want none", rc.count())
	}
}

// TestGracefulShutdown cancels Run while requests are in flight: Run waits
// for them, records their outcomes and leaves nothing in flight; a second
// engine sends what was left.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	f := setup(t)
	release := make(chan struct{})
	var mu sync.Mutex
	finished := 0
	rc := newReceiver(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		<-release
		mu.Lock()
		finished++
		mu.Unlock()
		w.Write([]byte("done"))
	})
	w := f.webhook(t, rc.URL, func(w *hookhub.Webhook) { w.Timeout = 30 * time.Second })
	f.publish(t, time.Now(), 3)
	eng := start(t, f.engineConfig(t))
	waitFor(t, "three requests in flight", func() bool { return rc.count() == 3 }, nil)

	eng.cancel()
	f.publish(t, time.Now(), 2) // published during shutdown: sent now or later, not lost
	// Give a Run that wrongly returns at once the time to do so. Nothing
	// here is timed: a correct Run passes however long this takes.
	time.Sleep(50 * time.Millisecond)
	select {
	case <-eng.done:
		t.Fatal("Run returned with requests in flight")
	default:
	}
	close(release)
	eng.stop(t)

	ds := f.deliveries(t, w.ID)
	succeeded := 0
	for _, d := range ds {
		switch d.State {
		case hookhub.DeliverySucceeded:
			succeeded++
		case hookhub.DeliveryPending:
		default:
			t.Errorf("after Run returned: delivery %d is %s, want succeeded or pending%s", d.ID, d.State, describeDeliveries(ds))
		}
	}
	mu.Lock()
	if succeeded != finished || succeeded < 3 {
		t.Errorf("after Run returned: %d deliveries recorded as succeeded, receiver finished %d, want the same and at least 3", succeeded, finished)
	}
	mu.Unlock()

	start(t, f.engineConfig(t))
	f.waitDeliveries(t, w.ID, 5, hookhub.DeliverySucceeded)
	for id, reqs := range rc.byMessage() {
		if len(reqs) != 1 {
			t.Errorf("message %s sent %d times, want once", id, len(reqs))
		}
	}
}

// TestShutdownDrainTimeout cuts requests short when they outlast the
// drain timeout: they are released unsent, not counted as tries, and go
// out later.
func TestShutdownDrainTimeout(t *testing.T) {
	t.Parallel()
	f := setup(t)
	var hang sync.WaitGroup
	hang.Add(1)
	rc := newReceiver(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			hang.Done()
			<-r.Context().Done() // never answers; the engine gives up
			return
		}
		w.Write([]byte("ok"))
	})
	w := f.webhook(t, rc.URL, func(w *hookhub.Webhook) { w.Timeout = 30 * time.Second })
	f.publish(t, time.Now(), 1)
	cfg := f.engineConfig(t)
	cfg.DrainTimeout = 50 * time.Millisecond
	eng := start(t, cfg)
	hang.Wait()
	eng.stop(t)

	d := f.deliveries(t, w.ID)[0]
	if d.State != hookhub.DeliveryPending || d.Attempts != 0 {
		t.Errorf("after a cut-short request: delivery %s with %d attempts, want pending with 0", d.State, d.Attempts)
	}
	if as := f.attempts(t, d.ID); len(as) != 0 {
		t.Errorf("after a cut-short request: %d attempts recorded, want none", len(as))
	}

	start(t, f.engineConfig(t))
	ds := f.waitDeliveries(t, w.ID, 1, hookhub.DeliverySucceeded)
	if ds[0].Attempts != 1 {
		t.Errorf("delivered with %d attempts counted, want 1", ds[0].Attempts)
	}
}

// TestCrashRecovery claims deliveries as a worker that then dies: they stay
// leased until the lease runs out, and are then delivered by another
// engine. The others are delivered exactly once.
func TestCrashRecovery(t *testing.T) {
	t.Parallel()
	f := setup(t)
	rc := newReceiver(t, nil)
	w := f.webhook(t, rc.URL, nil)
	clk := &hookhubtest.Clock{} // the wall clock, until moved
	f.publish(t, clk.Now(), 10)
	const lease = time.Minute
	dead, err := f.db.Claim(context.Background(), clk.Now(), 4, lease)
	if err != nil || len(dead) != 4 {
		t.Fatalf("claim as the dying worker: %d claims, %v", len(dead), err)
	}
	crashed := map[int64]bool{}
	for _, c := range dead {
		crashed[c.ID] = true
	}

	cfg := f.engineConfig(t)
	cfg.Now = clk.Now
	eng := start(t, cfg)
	waitFor(t, "the 6 unclaimed deliveries to succeed", func() bool {
		n := 0
		for _, d := range f.deliveries(t, w.ID) {
			if d.State == hookhub.DeliverySucceeded {
				n++
			}
		}
		return n == 6
	}, nil)
	for _, d := range f.deliveries(t, w.ID) {
		if crashed[d.ID] && d.State != hookhub.DeliveryInFlight {
			t.Errorf("delivery %d leased to the dead worker is %s before its lease ran out, want in_flight", d.ID, d.State)
		}
	}

	clk.Add(lease + time.Second)
	eng.Wake()
	ds := f.waitDeliveries(t, w.ID, 10, hookhub.DeliverySucceeded)
	for _, d := range ds {
		want := 1
		if crashed[d.ID] {
			want = 2 // the dead worker's claim counts as a try
		}
		if d.Attempts != want {
			t.Errorf("delivery %d: %d attempts, want %d", d.ID, d.Attempts, want)
		}
	}
	byID := rc.byMessage()
	if len(byID) != 10 {
		t.Errorf("receiver saw %d messages, want 10", len(byID))
	}
	for _, d := range ds {
		id := "msg_" + strconv.FormatInt(d.EventID, 10)
		if n := len(byID[id]); n == 0 || n > 1 && !crashed[d.ID] {
			t.Errorf("message %s received %d times", id, n)
		}
	}
}

// TestDeletedAndHeld covers claims whose webhook is gone or not active.
func TestDeletedAndHeld(t *testing.T) {
	t.Parallel()

	t.Run("deleted webhook", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		rc := newReceiver(t, nil)
		w := f.webhook(t, rc.URL, nil)
		clk := &hookhubtest.Clock{} // the wall clock, until moved
		f.publish(t, clk.Now(), 1)
		// A worker claims the delivery and dies; meanwhile the webhook is
		// deleted, which removes only its unsent deliveries.
		claims, err := f.db.Claim(context.Background(), clk.Now(), 10, time.Minute)
		if err != nil || len(claims) != 1 {
			t.Fatalf("claim: %d, %v", len(claims), err)
		}
		if err := f.store.DeleteWebhook(context.Background(), f.tenant, w.ID); err != nil {
			t.Fatal(err)
		}
		clk.Add(2 * time.Minute)
		cfg := f.engineConfig(t)
		cfg.Now = clk.Now
		start(t, cfg)
		f.waitDeliveries(t, w.ID, 1, hookhub.DeliveryFailed)
		if as := f.attempts(t, claims[0].ID); len(as) != 0 {
			t.Errorf("%d attempts recorded for a deleted webhook, want none", len(as))
		}
		if rc.count() != 0 {
			t.Errorf("receiver got %d requests for a deleted webhook", rc.count())
		}
	})

	t.Run("stopped webhook", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		rc := newReceiver(t, nil)
		w := f.webhook(t, rc.URL, nil)
		f.publish(t, time.Now(), 2) // pending, then the webhook is stopped
		f.setState(t, w.ID, hookhub.StateStopped)
		eng := start(t, f.engineConfig(t))
		for _, d := range f.waitDeliveries(t, w.ID, 2, hookhub.DeliveryHeld) {
			if d.Attempts != 0 {
				t.Errorf("held delivery %d has %d attempts, want 0", d.ID, d.Attempts)
			}
			if as := f.attempts(t, d.ID); len(as) != 0 {
				t.Errorf("held delivery %d has %d attempts recorded, want none", d.ID, len(as))
			}
		}
		if rc.count() != 0 {
			t.Errorf("receiver got %d requests for a stopped webhook", rc.count())
		}
		if f.store.outcomes(hookhub.OutcomeHeld) != 2 {
			t.Errorf("%d held outcomes, want 2", f.store.outcomes(hookhub.OutcomeHeld))
		}

		f.setState(t, w.ID, hookhub.StateActive)
		eng.Wake()
		for _, d := range f.waitDeliveries(t, w.ID, 2, hookhub.DeliverySucceeded) {
			if d.Attempts != 1 {
				t.Errorf("released delivery %d has %d attempts, want 1", d.ID, d.Attempts)
			}
		}
	})
}
