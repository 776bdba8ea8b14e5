package bench

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// clock gives nanoseconds on the wall-clock scale (Unix time) but read from
// the monotonic clock, so that the send time carried in an event and the
// arrival time at the receiver, both taken in this process, subtract
// exactly even if the wall clock is stepped during the run.
type clock struct {
	start time.Time
	base  int64
}

func newClock() clock {
	now := time.Now()
	return clock{start: now, base: now.UnixNano()}
}

func (c clock) now() int64 { return c.base + int64(time.Since(c.start)) }

// tally is the receiver's accounting: how often each (webhook, sequence)
// arrived, the latency of its first arrival, and which sequences the API
// accepted. It does no I/O, so that tests can feed it arrivals directly.
type tally struct {
	mu          sync.Mutex
	events      int
	fanout      int
	count       []uint32 // arrivals by slot, webhook*events + seq
	latency     []int64  // nanoseconds from send to first arrival, by slot
	sent        []int64  // clock time the event of the slot was sent, once arrived
	accepted    []bool   // by seq
	outstanding int      // slots of accepted events that have not arrived
	received    int      // arrivals, duplicates included
	distinct    int      // slots that arrived at least once
	malformed   int      // requests that named no known slot
	lastFirst   int64    // clock time of the latest first arrival
}

func newTally(events, fanout int) *tally {
	return &tally{
		events: events, fanout: fanout,
		count:    make([]uint32, events*fanout),
		latency:  make([]int64, events*fanout),
		sent:     make([]int64, events*fanout),
		accepted: make([]bool, events),
	}
}

// accept records that the API took event seq: each of its deliveries is now
// expected.
func (t *tally) accept(seq int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if seq < 0 || seq >= t.events || t.accepted[seq] {
		return
	}
	t.accepted[seq] = true
	for w := range t.fanout {
		if t.count[w*t.events+seq] == 0 {
			t.outstanding++
		}
	}
}

// arrive records that webhook w received event seq, sent at sent and
// arriving at now (both clock times). It reports false for a request that
// names no known slot.
func (t *tally) arrive(w, seq int, sent, now int64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if w < 0 || w >= t.fanout || seq < 0 || seq >= t.events {
		t.malformed++
		return false
	}
	t.received++
	i := w*t.events + seq
	t.count[i]++
	if t.count[i] == 1 {
		t.distinct++
		t.latency[i], t.sent[i] = now-sent, sent
		t.lastFirst = max(t.lastFirst, now)
		if t.accepted[seq] {
			t.outstanding--
		}
	}
	return true
}

func (t *tally) bad() {
	t.mu.Lock()
	t.malformed++
	t.mu.Unlock()
}

// waiting is how many deliveries of accepted events have not arrived.
func (t *tally) waiting() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.outstanding
}

// counts is the tally's summary.
type counts struct {
	Accepted   int     // events the API accepted
	Received   int     // requests counted, duplicates included
	Distinct   int     // (webhook, event) pairs that arrived
	Duplicates int     // arrivals beyond the first of a pair
	Missing    int     // pairs of accepted events that never arrived
	Unexpected int     // pairs that arrived though their event was never accepted
	Malformed  int     // requests that named no known pair
	LastFirst  int64   // clock time of the last first arrival
	Latencies  []int64 // of each pair's first arrival, sorted, nanoseconds
}

func (t *tally) counts() counts {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := counts{
		Received: t.received, Distinct: t.distinct, Duplicates: t.received - t.distinct,
		Malformed: t.malformed, LastFirst: t.lastFirst,
		Latencies: make([]int64, 0, t.distinct),
	}
	for seq, ok := range t.accepted {
		if ok {
			c.Accepted++
		}
		for w := range t.fanout {
			i := w*t.events + seq
			switch {
			case t.count[i] > 0:
				c.Latencies = append(c.Latencies, t.latency[i])
				if !ok {
					c.Unexpected++
				}
			case ok:
				c.Missing++
			}
		}
	}
	slices.Sort(c.Latencies)
	return c
}

// latenciesSentIn returns the latencies of the first arrivals of events
// sent from from (inclusive) to to (exclusive), sorted: the deliveries of
// what was published while something else ran.
func (t *tally) latenciesSentIn(from, to int64) []int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []int64
	for i, n := range t.count {
		if n > 0 && t.sent[i] >= from && t.sent[i] < to {
			out = append(out, t.latency[i])
		}
	}
	slices.Sort(out)
	return out
}

// percentile returns the nearest-rank q-quantile (0 < q <= 1) of sorted
// values, or 0 when there are none.
func percentile(sorted []int64, q float64) int64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(q*float64(len(sorted)) - 1e-9)) // 0.99*100 is not quite 99 in floating point
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// receiver is the webhook receiver: POST /hook/{w} for webhook w, answering
// 200 at once.
type receiver struct {
	tally *tally
	clock clock
	srv   *http.Server
	ln    net.Listener
}

func startReceiver(t *tally, c clock) (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for webhooks: %w", err)
	}
	r := &receiver{tally: t, clock: c, ln: ln}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /hook/{w}", r.hook)
	r.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}

// URL is where webhook w posts.
func (r *receiver) URL(w int) string {
	return "http://" + r.ln.Addr().String() + "/hook/" + strconv.Itoa(w)
}

// message is the part of a delivered body the receiver reads.
type message struct {
	Data struct {
		Seq  *int   `json:"seq"`
		Sent *int64 `json:"sent"`
	} `json:"data"`
}

func (r *receiver) hook(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		// The sender went away mid-request (a killed node): nothing arrived.
		return
	}
	now := r.clock.now()
	wh, werr := strconv.Atoi(req.PathValue("w"))
	var m message
	if werr != nil || json.Unmarshal(body, &m) != nil || m.Data.Seq == nil || m.Data.Sent == nil {
		r.tally.bad()
	} else {
		r.tally.arrive(wh, *m.Data.Seq, *m.Data.Sent, now)
	}
	// Answer 200 even to what cannot be read: a retry would not help, and
	// the tally has counted it as malformed.
	w.WriteHeader(http.StatusOK)
}

func (r *receiver) close() error {
	if err := r.srv.Close(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
