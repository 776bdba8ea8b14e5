package gctune_test

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/hookhub/hookhub/gctune"
)

func TestPercent(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		live, headroom uint64
		want           int
	}{
		{7 * mb, 16 * mb, 228},  // a burst's live heap: the next collection 16 MB on
		{40 * mb, 16 * mb, 100}, // more live than the headroom: Go's default
		{16 * mb, 16 * mb, 100},
		{1 * mb, 16 * mb, 425}, // bounded so that the runtime's minimum stays within the headroom
		{0, 16 * mb, 400},      // before the first collection
		{0, 1 * mb, 100},
	} {
		if got := gctune.Percent(c.live, c.headroom); got != c.want {
			t.Errorf("Percent(%d MB, %d MB) = %d, want %d", c.live/mb, c.headroom/mb, got, c.want)
		}
	}
}

// percent reads the collector's percentage without changing it.
func percent() int {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return int(s[0].Value.Uint64())
}

// waitPercent collects until the percentage is as ok wants: the tuner
// sets it after a collection, from the cleanup queue.
func waitPercent(t *testing.T, what string, ok func(int) bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok(percent()) {
		if time.Now().After(deadline) {
			t.Fatalf("percentage %d: want %s", percent(), what)
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
}

var keep []byte

func TestStartFollowsLiveHeap(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetGCPercent(debug.SetGCPercent(100))

	tu := gctune.Start(32 << 20)
	if tu == nil {
		t.Fatal("Start returned nil with neither GOGC nor GOMEMLIMIT set")
	}
	// A test's live heap is a few MB: the next collection 32 MB on.
	waitPercent(t, "above 100 with a small live heap", func(p int) bool { return p > 100 })

	// With more alive than the headroom, Go's own percentage.
	keep = make([]byte, 64<<20)
	for i := range keep {
		keep[i] = 1
	}
	waitPercent(t, "100 with 64 MB alive", func(p int) bool { return p == 100 })
	keep = nil
	waitPercent(t, "above 100 once the 64 MB are gone", func(p int) bool { return p > 100 })

	// One tuner per process: the percentage is the process's.
	if other := gctune.Start(8 << 20); other != nil {
		other.Stop()
		t.Error("a second Start ran beside the first")
	}

	// Set from elsewhere while it runs, the percentage is set again at
	// the next collection.
	debug.SetGCPercent(150)
	waitPercent(t, "the tuner's again after 150 was set", func(p int) bool { return p != 150 })

	tu.Stop()
	if p := percent(); p != 100 {
		t.Errorf("after Stop, percentage %d, want 100 back", p)
	}
	// Stopped: collections no longer change it.
	debug.SetGCPercent(150)
	for range 5 {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if p := percent(); p != 150 {
		t.Errorf("a stopped tuner changed the percentage to %d", p)
	}
	tu.Stop() // twice is harmless
	if again := gctune.Start(32 << 20); again == nil {
		t.Error("Start after Stop did not start")
	} else {
		again.Stop()
	}
}

func TestOperatorChooses(t *testing.T) {
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv("GOGC", "")
			t.Setenv("GOMEMLIMIT", "")
			t.Setenv(env, "200")
			if tu := gctune.Start(32 << 20); tu != nil {
				tu.Stop()
				t.Fatalf("Start tuned the collector although %s is set", env)
			}
		})
	}
	var tu *gctune.Tuner
	tu.Stop() // nil: nothing to stop
}
