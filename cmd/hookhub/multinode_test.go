package main

import (
	"strconv"
	"testing"

	"github.com/hookhub/hookhub/postgres/pgtest"
	"github.com/hookhub/hookhub/server"
)

// TestMultiNode runs three hookhub processes on one PostgreSQL database
// and one receiver, 10,000 events published to the nodes in turn: every
// event is delivered, none twice. Then the same with the first node killed
// (SIGKILL) after 3,000 events: still nothing is lost; deliveries it had
// sent but not recorded are sent again by the others once its lease runs
// out, and those are the only duplicates.
func TestMultiNode(t *testing.T) {
	t.Parallel()
	const events = 10000
	common := []string{"--events", strconv.Itoa(events), "--concurrency", "32", "--payload", "256", "--nodes", "3", "--timeout", "3m"}

	t.Run("all up", func(t *testing.T) {
		rep := benchRun(t, append(common, "--db", pgtest.NewDatabase(t))...)
		checkComplete(t, rep, events, 1)
		if rep.Duplicates != 0 {
			t.Errorf("duplicates = %d, want 0", rep.Duplicates)
		}
		if len(rep.NodeReports) != 3 {
			t.Errorf("%d node reports, want 3", len(rep.NodeReports))
		}
	})

	t.Run("one killed", func(t *testing.T) {
		// A short lease brings the killed node's claims back soon; it stays
		// above the webhooks' 5 s timeout, as the README asks.
		rep := benchRun(t, append(common, "--db", pgtest.NewDatabase(t), "--kill-after", "3000", "--lease", "6s")...)
		checkComplete(t, rep, events, 1)
		if rep.Killed != "node-1" || !rep.NodeReports[0].Killed {
			t.Errorf("killed %q, want node-1", rep.Killed)
		}
		// What the killed node had sent but not recorded comes again: at
		// most its requests in flight (workers), the outcomes queued for
		// recording (2 × workers) and the batch being recorded (512); see
		// delivery.Engine.Run and record.
		workers := server.Defaults().Workers
		bound := workers + 2*workers + 512
		t.Logf("duplicates after killing a node: %d (bound %d)", rep.Duplicates, bound)
		if rep.Duplicates > bound {
			t.Errorf("duplicates = %d, want at most %d", rep.Duplicates, bound)
		}
	})
}
