package main

import (
	"testing"

	"github.com/hookhub/hookhub/postgres/pgtest"
)

// TestBenchPurge runs "hookhub bench --purge" at a small size on both
// databases: the node's retention purge deletes every preloaded row while
// the steady load runs, the history is gone from the database, and the
// deliveries of the events published meanwhile are timed apart. Nothing
// is asserted about speed.
func TestBenchPurge(t *testing.T) {
	t.Parallel()
	// The node's first purge, at its start, must come before the history
	// is old enough (about purge-after from the launch); a busy machine
	// gets 2.5 s for that, and the load lasts 6 s.
	const preload, events = 20000, 900
	args := []string{"--events", "900", "--rate", "150", "--payload", "100", "--preload", "20000", "--purge", "--purge-after", "2500ms"}
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			a := args
			if db == "postgres" {
				a = append(a, "--db", pgtest.NewDatabase(t))
			}
			rep := benchRun(t, a...)
			checkComplete(t, rep, events, 1)
			p := rep.Purge
			if p == nil {
				t.Fatal("no purge in the report")
			}
			if p.Deleted.Attempts != preload || p.Deleted.Deliveries != preload || p.Deleted.Events != preload {
				t.Errorf("purge deleted %+v, want %d of each", p.Deleted, preload)
			}
			if p.HistoryLeft {
				t.Error("the preloaded history is still in the database")
			}
			if p.Overlap != "whole" && p.Overlap != "outlasted" {
				t.Errorf("overlap %q (%+v), want the purge to begin during the load", p.Overlap, p)
			}
			if p.Began <= 0 || p.Began >= p.Load || p.Ended <= p.Began || p.Seconds <= 0 {
				t.Errorf("purge from %g s to %g s (%g s), load to %g s: want it to begin during the load", p.Began, p.Ended, p.Seconds, p.Load)
			}
			if p.DuringDeliveries < 1 || p.During == nil || p.During.P99 < p.During.P50 || p.DuringDeliveries > rep.Deliveries {
				t.Errorf("%d deliveries during the purge, latency %+v: want some, timed", p.DuringDeliveries, p.During)
			}
			if p.BeforeDeliveries < 1 || p.Before == nil || p.BeforeDeliveries+p.DuringDeliveries > rep.Deliveries {
				t.Errorf("%d deliveries before the purge, latency %+v: want some, timed", p.BeforeDeliveries, p.Before)
			}
		})
	}
}
