package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// readPurges finds the purge lines of a node's JSON log among its other
// lines, and skips what is not JSON.
func TestReadPurges(t *testing.T) {
	t.Parallel()
	log := `{"time":"2026-12-02T16:50:30.5Z","level":"INFO","msg":"hookhub serving","addr":"127.0.0.1:1"}
{"time":"2026-12-02T16:50:32.75Z","level":"INFO","msg":"purged old data","part":"upkeep","attempts":3,"deliveries":2,"events":1,"mail":0,"took":250000000}
panic: not JSON "purged old data"
{"time":"2026-12-02T16:50:40Z","level":"INFO","msg":"purged old data","attempts":0,"deliveries":0,"events":0,"mail":4,"took":1000000}
`
	path := filepath.Join(t.TempDir(), "node.log")
	if err := os.WriteFile(path, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	lines, err := readPurges(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 {
		t.Fatalf("%d purges read, want 2: %+v", len(lines), lines)
	}
	l := lines[0]
	if l.Attempts != 3 || l.Deliveries != 2 || l.Events != 1 || l.Took != 250e6 {
		t.Errorf("first purge %+v", l)
	}
	if want := time.Date(2026, 12, 2, 16, 50, 32, 500e6, time.UTC); !l.began().Equal(want) {
		t.Errorf("first purge began at %s, want %s", l.began(), want)
	}
}

// judgePurge tells a purge that ran during the load from one that did not,
// and times only the deliveries of the events published while it ran.
func TestJudgePurge(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 12, 2, 17, 0, 0, 0, time.UTC)
	at := func(s float64) int64 { return base.Add(time.Duration(s * float64(time.Second))).UnixNano() }
	tl := newTally(4, 1)
	for seq, sent := range []float64{0.5, 2.5, 3.5, 9.5} { // events sent at these seconds
		tl.accept(seq)
		tl.arrive(0, seq, at(sent), at(sent)+int64(seq+1)*1e6) // latency seq+1 ms
	}
	tests := []struct {
		began, ended float64 // of the purge, seconds from base
		overlap      string
		during       int
		before       int
	}{
		{2, 4, "whole", 2, 1},      // events sent at 2.5 and 3.5; 0.5 before
		{3, 12, "outlasted", 2, 2}, // 3.5 and 9.5
		{-1, 1, "before", 0, 0},    // began before the load: not measured though an event was sent
		{10.5, 11, "after", 0, 0},  // after its last publish
		{4, 5, "whole", 0, 3},      // no event sent while it ran
		{0, 10, "whole", 4, 0},     // began with the load
	}
	for _, tt := range tests {
		line := purgeLine{Time: base.Add(time.Duration(tt.ended * float64(time.Second))), Took: int64((tt.ended - tt.began) * 1e9), Attempts: 7}
		p := judgePurge(line, at(0), at(10), tl)
		if p.Overlap != tt.overlap || p.DuringDeliveries != tt.during || (p.During != nil) != (tt.during > 0) ||
			p.BeforeDeliveries != tt.before || (p.Before != nil) != (tt.before > 0) {
			t.Errorf("purge %g–%g s: overlap %q, %d during (%+v); want %q, %d (%d before, want %d)", tt.began, tt.ended, p.Overlap, p.DuringDeliveries, p.During, tt.overlap, tt.during, p.BeforeDeliveries, tt.before)
		}
		if p.Deleted.Attempts != 7 || p.Load != 10 || p.Began != tt.began {
			t.Errorf("purge %g–%g s: %+v", tt.began, tt.ended, p)
		}
		if strings.Contains(p.timing(), "NaN") {
			t.Errorf("timing %q", p.timing())
		}
	}
	p := judgePurge(purgeLine{Time: base.Add(4 * time.Second), Took: 2e9}, at(0), at(10), tl)
	if p.During.P50 != 2 || p.During.Max != 3 {
		t.Errorf("latency during 2–4 s = %+v, want the events sent at 2.5 s (2 ms) and 3.5 s (3 ms)", p.During)
	}
}

// A purge run needs a preload to purge and a steady load that outlasts
// purge-after.
func TestPurgeConfig(t *testing.T) {
	t.Parallel()
	good := Defaults()
	good.Executable, good.Purge, good.Preload, good.Rate, good.Events = "hookhub", true, 1000, 200, 6000
	if err := good.Validate(); err != nil {
		t.Fatalf("a purge run was refused: %v", err)
	}
	tests := []struct {
		change func(*Config)
		want   string
	}{
		{func(c *Config) { c.Preload = 0 }, "give preload"},
		{func(c *Config) { c.Rate = 0 }, "give a rate"},
		{func(c *Config) { c.PurgeAfter = 500 * time.Millisecond }, "purge-after must be at least 1s"},
		{func(c *Config) { c.Events = 1000 }, "the steady load lasts 5s (events/rate): purge-after (5s) must be shorter"},
		{func(c *Config) { c.Nodes, c.DB, c.KillAfter = 2, "postgres://x/y", 10 }, "no target, no kill-after"},
	}
	for _, tt := range tests {
		c := good
		tt.change(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Validate = %v, want an error containing %q", err, tt.want)
		}
	}
}

// A purge that did not run during the load is reported as such, with no
// figure during it; one that did, with its figure.
func TestPurgeReportText(t *testing.T) {
	t.Parallel()
	during := &Latency{P50: 1.5, P99: 20.25, Max: 30}
	for _, tt := range []struct {
		p       PurgeReport
		want    []string
		wantNot []string
	}{
		{PurgeReport{Overlap: "before", Began: -1, Ended: 2, Load: 30, Seconds: 3, Deleted: Deleted{5, 5, 5}},
			[]string{"NOT MEASURED", "began before the load", "5 attempts, 5 deliveries, 5 events in 3.00 s", "none of the preloaded history is left"},
			[]string{"20.25"}},
		{PurgeReport{Overlap: "whole", Began: 5, Ended: 8, Load: 30, Seconds: 3, During: during, DuringDeliveries: 600, HistoryLeft: true},
			[]string{"p99 20.25 ms", "600 deliveries of events published while it ran", "all of it during the load", "FAILED"},
			[]string{"NOT MEASURED"}},
	} {
		rep := &Report{Mode: "purge", Rate: 200, Purge: &tt.p}
		var b strings.Builder
		if err := rep.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("report lacks %q:\n%s", w, b.String())
			}
		}
		for _, w := range tt.wantNot {
			if strings.Contains(b.String(), w) {
				t.Errorf("report has %q:\n%s", w, b.String())
			}
		}
	}
}
