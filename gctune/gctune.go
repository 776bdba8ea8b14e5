// Package gctune gives the garbage collector room to work in when the live
// heap is small.
//
// Go's collector runs whenever the heap has grown by GOGC percent (100) of
// what was live after the last collection (with the goroutines' stacks and
// the globals). A hookhub node keeps little alive (7 MB in a burst of
// 20,000 deliveries) and allocates quickly, so with the default it
// collected every 8 MB allocated: 69 times in that burst, 5–15 % of its
// CPU. Start raises the percentage after each collection so that the next
// one comes when the heap has grown by at least a fixed headroom: the
// memory a node uses grows by about that headroom, and not with its live
// heap, which keeps Go's own behaviour once it is larger than the headroom.
package gctune

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// heapMinimum is the runtime's smallest heap target at GOGC=100: it scales
// with the percentage, so a large percentage over a nearly empty heap would
// let the heap grow far beyond the headroom before the first collection.
const heapMinimum = 4 << 20

// running is the process's tuner: the percentage is the process's, so
// there is at most one.
var running struct {
	sync.Mutex
	t *Tuner
}

// Tuner sets the collector's percentage after each collection; see Start.
type Tuner struct {
	headroom uint64
	before   int  // the percentage before Start, put back by Stop
	stopped  bool // under running's lock
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
// GOGC or GOMEMLIMIT is set (the operator has chosen), or if a tuner runs
// already in this process.
func Start(headroom uint64) *Tuner {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return nil
	}
	running.Lock()
	defer running.Unlock()
	if running.t != nil {
		return nil
	}
	t := &Tuner{
		headroom: headroom,
		sample: []metrics.Sample{
			{Name: "/gc/heap/live:bytes"},
			{Name: "/gc/scan/stack:bytes"},
			{Name: "/gc/scan/globals:bytes"},
			{Name: "/gc/gogc:percent"},
		},
	}
	running.t = t
	t.before = debug.SetGCPercent(100)
	t.tuneLocked()
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

// tune sets the percentage from what the last collection left, and reports
// whether t is still running.
func (t *Tuner) tune() bool {
	running.Lock()
	defer running.Unlock()
	if t.stopped {
		return false
	}
	t.tuneLocked()
	return true
}

func (t *Tuner) tuneLocked() {
	metrics.Read(t.sample)
	// The runtime's goal is live + (live + stacks + globals) × GOGC/100.
	base := t.sample[0].Value.Uint64() + t.sample[1].Value.Uint64() + t.sample[2].Value.Uint64()
	if p := Percent(base, t.headroom); p != int(t.sample[3].Value.Uint64()) {
		debug.SetGCPercent(p)
	}
}

// Percent is the GOGC percentage that makes the next collection come after
// headroom bytes beyond base (what the percentage is of: the live heap,
// the stacks and the globals), or 100 % of base if that is more.
func Percent(base, headroom uint64) int {
	limit := (base + headroom) * 100 / heapMinimum // keeps the minimum within the headroom
	p := limit
	if base > 0 {
		p = min(headroom*100/base, limit)
	}
	return int(max(100, p))
}

// Stop puts back the percentage from before Start. A nil t does nothing.
func (t *Tuner) Stop() {
	if t == nil {
		return
	}
	running.Lock()
	defer running.Unlock()
	if t.stopped {
		return
	}
	t.stopped = true
	running.t = nil
	debug.SetGCPercent(t.before)
}
