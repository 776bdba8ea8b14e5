// Package webhooktest is a real webhook receiver for tests: an HTTP server
// on loopback that verifies every request it gets with the reference
// Standard Webhooks library (not hookhub's own code), refuses those whose
// signature does not verify, and keeps the events it got once each, by
// their webhook-id, since deliveries are at least once.
package webhooktest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// WaitTimeout bounds every wait for events; nothing asserts how fast they
// come.
const WaitTimeout = 20 * time.Second

// Event is one event a receiver got: the Standard Webhooks envelope.
type Event struct {
	ID   string          `json:"-"` // its webhook-id
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
	// Header and Body are the request's, as the first request of the
	// event came.
	Header http.Header `json:"-"`
	Body   []byte      `json:"-"`
}

// Receiver is a running receiver. Its URL takes requests on any path.
type Receiver struct {
	URL string
	// Fail, while true, makes it answer 500 to requests whose signature
	// verifies (a receiver that is down); they are not kept.
	Fail atomic.Bool

	mu     sync.Mutex
	verify *standardwebhooks.Webhook
	got    map[string]Event
	order  []string
	bad    []string
	tries  int
}

// New starts a receiver, stopped when t ends. Call SetSecret before the
// first request comes.
func New(t testing.TB) *Receiver {
	r := &Receiver{got: map[string]Event{}}
	srv := httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(srv.Close)
	r.URL = srv.URL
	return r
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tries++
	if r.verify == nil {
		r.bad = append(r.bad, "a request came before the receiver had a secret")
		http.Error(w, "no secret yet", http.StatusUnauthorized)
		return
	}
	if err := r.verify.Verify(body, req.Header); err != nil {
		r.bad = append(r.bad, err.Error())
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if r.Fail.Load() {
		http.Error(w, "down for maintenance", http.StatusInternalServerError)
		return
	}
	var ev Event
	if err := json.Unmarshal(body, &ev); err != nil {
		r.bad = append(r.bad, "not a Standard Webhooks envelope: "+err.Error())
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	ev.ID, ev.Header, ev.Body = req.Header.Get("webhook-id"), req.Header.Clone(), body
	if _, seen := r.got[ev.ID]; !seen {
		r.got[ev.ID] = ev
		r.order = append(r.order, ev.ID)
	}
}

// SetSecret is the webhook's signing secret (whsec_…) requests must be
// signed with.
func (r *Receiver) SetSecret(t testing.TB, secret string) {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	r.verify = wh
	r.mu.Unlock()
}

// Events are the distinct events that came, in the order they first came.
func (r *Receiver) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Event, len(r.order))
	for i, id := range r.order {
		out[i] = r.got[id]
	}
	return out
}

// Tries counts every request that came, refused and failed ones included.
func (r *Receiver) Tries() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.tries
}

// All are the distinct events of a type that came, in the order they came.
func (r *Receiver) All(typ string) []Event {
	var out []Event
	for _, ev := range r.Events() {
		if ev.Type == typ {
			out = append(out, ev)
		}
	}
	return out
}

// Count is how many distinct events of a type came.
func (r *Receiver) Count(typ string) int { return len(r.All(typ)) }

// WaitN waits until n distinct events came, and returns them in the order
// they first came. It fails t when more came, or when a request was
// refused.
func (r *Receiver) WaitN(t testing.TB, n int) []Event {
	t.Helper()
	for deadline := time.Now().Add(WaitTimeout); ; time.Sleep(10 * time.Millisecond) {
		r.checkBad(t)
		evs := r.Events()
		if len(evs) >= n || time.Now().After(deadline) {
			if len(evs) != n {
				t.Fatalf("received %d events, want %d", len(evs), n)
			}
			return evs
		}
	}
}

// Wait waits until events of each of types came (as many of each as
// listed), and returns the last of each type. It fails t when a request
// was refused.
func (r *Receiver) Wait(t testing.TB, types ...string) map[string]Event {
	t.Helper()
	want := map[string]int{}
	for _, typ := range types {
		want[typ]++
	}
	for deadline := time.Now().Add(WaitTimeout); ; time.Sleep(10 * time.Millisecond) {
		r.checkBad(t)
		got, last := map[string]int{}, map[string]Event{}
		for _, ev := range r.Events() {
			got[ev.Type]++
			last[ev.Type] = ev
		}
		ok := true
		for typ, n := range want {
			ok = ok && got[typ] >= n
		}
		if ok {
			return last
		}
		if time.Now().After(deadline) {
			t.Fatalf("received %v, want at least %v", got, want)
		}
	}
}

func (r *Receiver) checkBad(t testing.TB) {
	t.Helper()
	r.mu.Lock()
	bad := r.bad
	r.mu.Unlock()
	if len(bad) > 0 {
		t.Fatalf("receiver refused requests: %v", bad)
	}
}
