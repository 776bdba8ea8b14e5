// Package gctune gives the garbage collector room to work in when the live
// heap is small.
//
// Go's collector runs whenever the heap has grown by GOGC percent (100) of
// what was live after the last collection. A hookhub node keeps little
// alive (7 MB in a burst of 20,000 deliveries) and allocates quickly, so
// with the default it collected every 8 MB allocated: 69 times in that
// burst, 5–15 % of its CPU. Start raises the percentage after each collection so
// that the next one comes when the heap has grown by at least a fixed
// headroom: the memory a node uses grows by about that headroom, and not
// with its live heap, which keeps Go's own behaviour once it is larger
// than the headroom.
package gctune

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// heapMinimum is the runtime's smallest heap target at GOGC=100: it scales
// with the percentage, so a large percentage over a nearly empty heap would
// let the heap grow far beyond the headroom before the first collection.
const heapMinimum = 4 << 20

// Tuner sets the collector's percentage after each collection; see Start.
type Tuner struct {
	headroom uint64
	mu       sync.Mutex // serializes tune with Stop
	stopped  atomic.Bool
	before   int // the percentage before Start, put back by Stop
	percent  int // the percentage last set
	sample   []metrics.Sample
}

// sentinel is allocated for each collection to come: its cleanup runs
// after the collection that finds it unreachable. It holds a pointer so
// that it is not combined with other small objects.
type sentinel struct {
	_ *byte
	_ [8]byte
}

// Start makes each collection come when the heap has grown by at least
// headroom bytes beyond what the last one left alive, or by 100 % if that
// is more (Go's default), until Stop. It does nothing, and returns nil, if
// GOGC or GOMEMLIMIT is set: the operator has chosen.
func Start(headroom uint64) *Tuner {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return nil
	}
	t := &Tuner{
		headroom: headroom,
		sample:   []metrics.Sample{{Name: "/gc/heap/live:bytes"}},
	}
	t.before = debug.SetGCPercent(100)
	t.percent = 100
	t.tune()
	t.arm()
	return t
}

// arm runs tune again after the next collection.
func (t *Tuner) arm() {
	runtime.AddCleanup(new(sentinel), func(t *Tuner) {
		if t.tune() {
			t.arm()
		}
	}, t)
}

// tune sets the percentage from the live heap, and reports whether t is
// still running.
func (t *Tuner) tune() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped.Load() {
		return false
	}
	metrics.Read(t.sample)
	p := Percent(t.sample[0].Value.Uint64(), t.headroom)
	if p != t.percent {
		debug.SetGCPercent(p)
		t.percent = p
	}
	return true
}

// Percent is the GOGC percentage that makes the next collection come after
// headroom bytes beyond live, or 100 % of live if that is more.
func Percent(live, headroom uint64) int {
	limit := (live + headroom) * 100 / heapMinimum // keeps the minimum within the headroom
	p := limit
	if live > 0 {
		p = min(headroom*100/live, limit)
	}
	return int(max(100, p))
}

// Stop puts back the percentage from before Start. A nil t does nothing.
func (t *Tuner) Stop() {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.stopped.Swap(true) {
		debug.SetGCPercent(t.before)
	}
}
