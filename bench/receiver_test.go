package bench

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestTally feeds the accounting duplicate, out-of-order, unaccepted and
// malformed arrivals and checks every figure.
func TestTally(t *testing.T) {
	t.Parallel()
	const ms = int64(1e6)
	tl := newTally(5, 2) // events 0..4, webhooks 0..1
	for _, seq := range []int{0, 1, 2, 3} {
		tl.accept(seq) // 4 is never accepted
	}
	tl.accept(1) // accepting twice changes nothing
	if got, want := tl.waiting(), 8; got != want {
		t.Fatalf("waiting = %d, want %d", got, want)
	}
	arrivals := []struct {
		w, seq     int
		sent, recv int64
		ok         bool
	}{
		{1, 3, 0, 9 * ms, true},  // out of order: the last event first, on the second webhook
		{0, 0, 0, 1 * ms, true},  //
		{0, 0, 0, 50 * ms, true}, // duplicate: its latency must not count
		{0, 2, 10, 10 + 4*ms, true},
		{1, 0, 0, 2 * ms, true},
		{0, 1, 0, 3 * ms, true},
		{1, 1, 0, 5 * ms, true},
		{1, 1, 0, 60 * ms, true}, // duplicate
		{1, 1, 0, 70 * ms, true}, // and again
		{0, 4, 0, 7 * ms, true},  // never accepted
		{2, 0, 0, 1 * ms, false}, // no such webhook
		{0, 5, 0, 1 * ms, false}, // no such event
		{0, -1, 0, 1 * ms, false},
	}
	for _, a := range arrivals {
		if got := tl.arrive(a.w, a.seq, a.sent, a.recv); got != a.ok {
			t.Errorf("arrive(%d, %d) = %v, want %v", a.w, a.seq, got, a.ok)
		}
	}
	// (0,3) and (1,2) of accepted events are missing.
	if got, want := tl.waiting(), 2; got != want {
		t.Errorf("waiting = %d, want %d", got, want)
	}
	c := tl.counts()
	want := counts{
		Accepted: 4, Received: 10, Distinct: 7, Duplicates: 3, Missing: 2, Unexpected: 1, Malformed: 3,
		LastFirst: 9 * ms,
		Latencies: []int64{1 * ms, 2 * ms, 3 * ms, 4 * ms, 5 * ms, 7 * ms, 9 * ms},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("counts =\n%+v, want\n%+v", c, want)
	}

	// A late arrival of a missing one completes the tally.
	tl.arrive(0, 3, 0, 20*ms)
	tl.arrive(1, 2, 0, 30*ms)
	if got := tl.waiting(); got != 0 {
		t.Errorf("waiting = %d after every accepted delivery arrived", got)
	}
	if c := tl.counts(); c.Missing != 0 || c.Distinct != 9 || c.LastFirst != 30*ms {
		t.Errorf("after late arrivals: %+v", c)
	}

	// An event accepted late is waited for only where it has not arrived.
	tl.accept(4)
	if c := tl.counts(); tl.waiting() != 1 || c.Unexpected != 0 || c.Missing != 1 {
		t.Errorf("after accepting 4: waiting %d, %+v; want (1,4) missing only", tl.waiting(), c)
	}
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	hundred := make([]int64, 100)
	for i := range hundred {
		hundred[i] = int64(i + 1)
	}
	tests := []struct {
		values []int64
		q      float64
		want   int64
	}{
		{nil, 0.5, 0},
		{[]int64{7}, 0.5, 7},
		{[]int64{7}, 1, 7},
		{[]int64{1, 2}, 0.5, 1},
		{[]int64{1, 2, 3}, 0.5, 2},
		{[]int64{1, 2, 3, 4}, 0.99, 4},
		{hundred, 0.50, 50},
		{hundred, 0.95, 95},
		{hundred, 0.99, 99},
		{hundred, 1, 100},
	}
	for _, tt := range tests {
		if got := percentile(tt.values, tt.q); got != tt.want {
			t.Errorf("percentile(%d values, %g) = %d, want %d", len(tt.values), tt.q, got, tt.want)
		}
	}
	l := latencyOf([]int64{1e6, 2e6, 3e6, 4e6})
	if l != (Latency{Min: 1, P50: 2, P95: 4, P99: 4, Max: 4}) {
		t.Errorf("latencyOf = %+v", l)
	}
}

// TestReceiver posts to the receiver over HTTP: bodies as hookhub sends
// them, a duplicate, and requests it cannot read, which it answers 200 but
// counts apart.
func TestReceiver(t *testing.T) {
	t.Parallel()
	c := newClock()
	tl := newTally(3, 2)
	rcv, err := startReceiver(tl, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rcv.close() })
	tl.accept(0)
	tl.accept(2)
	post := func(url, body string) {
		t.Helper()
		resp, err := http.Post(url, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("POST %s = %d, want 200", url, resp.StatusCode)
		}
	}
	sent := c.now()
	msg := func(seq int) string {
		return fmt.Sprintf(`{"type":"contact.created","timestamp":"2026-01-01T00:00:00Z","data":{"seq":%d,"sent":%d,"pad":"xx"},"source":"crm"}`, seq, sent)
	}
	post(rcv.URL(1), msg(2))
	post(rcv.URL(0), msg(0))
	post(rcv.URL(0), msg(2))
	post(rcv.URL(0), msg(2)) // duplicate
	post(rcv.URL(1), msg(0))
	post(rcv.URL(0), `{"data":{"seq":1}}`) // no send time
	post(rcv.URL(0), `not json`)
	post(strings.TrimSuffix(rcv.URL(0), "0")+"x", msg(0))
	got := tl.counts()
	if got.Distinct != 4 || got.Duplicates != 1 || got.Missing != 0 || got.Malformed != 3 || tl.waiting() != 0 {
		t.Errorf("counts = %+v, want 4 distinct, 1 duplicate, 3 malformed", got)
	}
	if len(got.Latencies) != 4 || got.Latencies[0] < 0 || !slices.IsSorted(got.Latencies) {
		t.Errorf("latencies = %v, want 4, sorted, not negative", got.Latencies)
	}
}

func TestBody(t *testing.T) {
	t.Parallel()
	for _, size := range []int{minPayload, 100, 1024, 4000} {
		p := newPublisher(nil, Config{Events: 1, Fanout: 1, Payload: size}, newClock(), nil, "abc", []string{"x"})
		b := p.body(123, 1767225600000000000)
		i := strings.Index(string(b), `"data":`)
		data := string(b[i+len(`"data":`) : len(b)-1])
		if len(data) != size {
			t.Errorf("payload %d: data is %d bytes: %s", size, len(data), data)
		}
		var m message
		if err := json.Unmarshal([]byte(`{"data":`+data+`}`), &m); err != nil || *m.Data.Seq != 123 || *m.Data.Sent != 1767225600000000000 {
			t.Errorf("payload %d: %s reads as %+v (%v)", size, data, m, err)
		}
		if !strings.Contains(string(b), `"idempotency_key":"bench-abc-123"`) {
			t.Errorf("body %s has no idempotency key", b)
		}
	}
}

// TestTallySentIn picks the first arrivals of the events sent in a window:
// the latencies of what was published while the purge ran.
func TestTallySentIn(t *testing.T) {
	t.Parallel()
	const ms = int64(1e6)
	tl := newTally(4, 2)
	for seq := range 4 {
		tl.accept(seq)
	}
	tl.arrive(0, 0, 0*ms, 5*ms)   // sent before the window
	tl.arrive(0, 1, 10*ms, 13*ms) // in it
	tl.arrive(1, 1, 10*ms, 11*ms) // in it, the other webhook
	tl.arrive(1, 1, 10*ms, 90*ms) // a duplicate: not counted again
	tl.arrive(0, 2, 19*ms, 40*ms) // in it; arrives after it, still counted
	tl.arrive(0, 3, 20*ms, 21*ms) // at its end: out
	got := tl.latenciesSentIn(10*ms, 20*ms)
	if want := []int64{1 * ms, 3 * ms, 21 * ms}; !slices.Equal(got, want) {
		t.Errorf("latencies sent in [10, 20) ms = %v, want %v", got, want)
	}
	if got := tl.latenciesSentIn(30*ms, 40*ms); len(got) != 0 {
		t.Errorf("latencies sent in an empty window = %v, want none", got)
	}
}
