package bench

import (
	"context"
	"testing"
	"time"
)

// The ceiling takes the benchmark's own calls and delivers every event,
// signed, to the same receiver: its run is complete and drained, with
// nothing missing or doubled.
func TestCeilingDeliversEverything(t *testing.T) {
	t.Parallel()
	c := Defaults()
	c.Events, c.Concurrency, c.Fanout, c.Timeout = 300, 8, 2, time.Minute
	rep, err := runCeiling(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Complete || !rep.Drained || rep.Missing != 0 || rep.Duplicates != 0 || rep.Deliveries != 600 || rep.Malformed != 0 {
		t.Errorf("ceiling run: complete %t, drained %t, %d deliveries, %d missing, %d duplicates, %d malformed; want all 600 once",
			rep.Complete, rep.Drained, rep.Deliveries, rep.Missing, rep.Duplicates, rep.Malformed)
	}
	if rep.Database != "ceiling" {
		t.Errorf("database = %q, want ceiling", rep.Database)
	}
}

// A ceiling is measured beside a hookhub the benchmark starts.
func TestCeilingNeedsNoTarget(t *testing.T) {
	t.Parallel()
	c := Defaults()
	c.Target, c.Token, c.Ceiling = "http://127.0.0.1:1", "t", true
	if err := c.Validate(); err == nil {
		t.Error("a ceiling with a target was accepted")
	}
}
