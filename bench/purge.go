package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
)

// A purge run (Config.Purge) makes the preloaded history all at one time,
// a month ago, and starts the node with a retention that this history
// outlives by a hair (purgeMargin) at PurgeAfter after the node's launch,
// and with PurgeAfter as its purge interval. The node purges once at start,
// when the history is still younger than the retention, and next at
// PurgeAfter after that, when it is older: the whole history goes in that
// second purge, a few seconds into the steady load, which started as soon
// as the node was ready. The node logs each purge that deleted something,
// in JSON, with its counts and how long it took; the benchmark reads that
// line, checks in the database that the history is gone, and times the
// deliveries of the events published while the purge ran.

// purgeMargin is how long before the node's second purge the history
// becomes older than the retention: its start may take up to PurgeAfter
// less this before its first purge would take the history.
const purgeMargin = 200 * time.Millisecond

// purgeSettings returns the settings of the node launched now that make
// history made at made old enough for the purge after c.PurgeAfter, and
// the time it becomes so.
func purgeSettings(c Config, made, now time.Time) (map[string]string, time.Time) {
	crossing := now.Add(c.PurgeAfter - purgeMargin)
	return map[string]string{
		"HOOKHUB_RETENTION":      fmt.Sprintf("%dms", crossing.Sub(made).Milliseconds()),
		"HOOKHUB_PURGE_INTERVAL": c.PurgeAfter.String(),
		"HOOKHUB_LOG_FORMAT":     "json", // for readPurges
	}, crossing
}

// PurgeReport is the retention purge of a purge run: what it deleted, how
// long it took, when it ran (in seconds from the first publish), and the
// publish-to-delivery latency of the events published while it ran.
type PurgeReport struct {
	Node    string  `json:"node"` // whose log says it purged
	Deleted Deleted `json:"deleted"`
	Seconds float64 `json:"seconds"`
	Began   float64 `json:"began_s"` // negative: before the first publish
	Ended   float64 `json:"ended_s"`
	Load    float64 `json:"load_s"` // from the first publish to the last answer
	// Overlap is "whole" (began and ended while the load ran), "outlasted"
	// (began while it ran and ended after), "before" or "after" (began
	// before its first publish, or after its last: nothing measured).
	Overlap string `json:"overlap"`
	// HistoryLeft is whether the preloaded tenant still had events,
	// deliveries or attempts after the purge (looked up in the database).
	HistoryLeft bool `json:"history_left"`
	// During are the deliveries of the events published while the purge
	// ran; nil when it did not overlap the load or no event was published
	// while it ran.
	DuringDeliveries int      `json:"during_deliveries"`
	During           *Latency `json:"during_latency_ms,omitempty"`
	// Before are the deliveries of the events published from the first
	// publish until the purge began: the same run's figure without it.
	BeforeDeliveries int      `json:"before_deliveries"`
	Before           *Latency `json:"before_latency_ms,omitempty"`
}

// Deleted is what a purge deleted.
type Deleted struct {
	Attempts   int64 `json:"attempts"`
	Deliveries int64 `json:"deliveries"`
	Events     int64 `json:"events"`
}

// measured reports whether the purge ran during the load, so that the
// figures during it mean what they say.
func (p *PurgeReport) measured() bool { return p.Overlap == "whole" || p.Overlap == "outlasted" }

// purgeLine is the line a node logs after a purge that deleted something
// (upkeep.Upkeep.Once), in JSON.
type purgeLine struct {
	Time       time.Time `json:"time"`
	Msg        string    `json:"msg"`
	Attempts   int64     `json:"attempts"`
	Deliveries int64     `json:"deliveries"`
	Events     int64     `json:"events"`
	Took       int64     `json:"took"` // nanoseconds
}

func (l purgeLine) began() time.Time { return l.Time.Add(-time.Duration(l.Took)) }

// readPurges returns the purges logged in the JSON log at path, in order.
// Lines that are not JSON (a panic's) are skipped.
func readPurges(path string) ([]purgeLine, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []purgeLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		b := sc.Bytes()
		if !strings.Contains(string(b), `"purged old data"`) {
			continue
		}
		var l purgeLine
		if json.Unmarshal(b, &l) == nil && l.Msg == "purged old data" {
			out = append(out, l)
		}
	}
	return out, sc.Err()
}

// findPurge returns the first purge logged by any node that began at or
// after crossing, the first that could delete the history; ok is false
// when there is none yet. Purges before it deleted older data only (a
// PostgreSQL database's earlier runs).
func (r *run) findPurge(crossing time.Time) (line purgeLine, node string, ok bool, err error) {
	for _, n := range r.nodes {
		lines, err := readPurges(n.logPath)
		if err != nil {
			return line, "", false, err
		}
		for _, l := range lines {
			if l.began().Before(crossing) {
				continue
			}
			if !ok || l.began().Before(line.began()) {
				line, node, ok = l, n.name, true
			}
			break // the node's later purges began later
		}
	}
	return line, node, ok, nil
}

// checkPurge waits until a node has logged the purge of the history (it may
// outlast the load), looks in the database whether the history is gone,
// and judges the purge against the load, which ran from loadStart to
// loadEnd (clock times). The error says what makes the run's purge
// figures meaningless: no purge, history left, or no overlap.
func (r *run) checkPurge(ctx context.Context, loadStart, loadEnd int64) (*PurgeReport, error) {
	var (
		line  purgeLine
		node  string
		found bool
		err   error
	)
	r.say("waiting for the retention purge of the preloaded history")
	waitFor(ctx, time.Now().Add(r.cfg.Timeout), 100*time.Millisecond, func() bool {
		line, node, found, err = r.findPurge(r.crossing)
		return found || err != nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the nodes' logs: %w", err)
	}
	if !found {
		return nil, fmt.Errorf("no node logged a purge of the preloaded history within %s of the load's end (logs in %s)", r.cfg.Timeout, r.dir)
	}
	left, err := r.historyLeft(ctx)
	if err != nil {
		return nil, err
	}
	p := judgePurge(line, loadStart, loadEnd, r.tally)
	p.Node, p.HistoryLeft = node, left
	var errs []error
	if left {
		errs = append(errs, fmt.Errorf("the purge %s logged left some of the preloaded history in the database", node))
	}
	if d := p.Deleted; d.Attempts < int64(r.cfg.Preload) || d.Deliveries < int64(r.cfg.Preload) || d.Events < int64(r.cfg.Preload) {
		errs = append(errs, fmt.Errorf("the purge deleted %d attempts, %d deliveries and %d events, fewer than the %d of each preloaded", d.Attempts, d.Deliveries, d.Events, r.cfg.Preload))
	}
	if !p.measured() {
		errs = append(errs, fmt.Errorf("the purge did not overlap the steady load: %s", p.timing()))
	}
	return p, errors.Join(errs...)
}

// judgePurge reports the purge line logged against the load, which ran
// from loadStart to loadEnd (clock times), with the latencies of the
// events published while the purge ran, from t.
func judgePurge(line purgeLine, loadStart, loadEnd int64, t *tally) *PurgeReport {
	began := line.began().UnixNano()
	ended := line.Time.UnixNano()
	s := func(at int64) float64 { return float64(at-loadStart) / 1e9 }
	p := &PurgeReport{
		Deleted: Deleted{Attempts: line.Attempts, Deliveries: line.Deliveries, Events: line.Events},
		Seconds: float64(line.Took) / 1e9, Began: s(began), Ended: s(ended), Load: s(loadEnd),
	}
	switch {
	case began < loadStart:
		p.Overlap = "before"
	case began >= loadEnd:
		p.Overlap = "after"
	case ended <= loadEnd:
		p.Overlap = "whole"
	default:
		p.Overlap = "outlasted"
	}
	if p.measured() {
		p.DuringDeliveries, p.During = latencyIn(t, began, ended)
		p.BeforeDeliveries, p.Before = latencyIn(t, loadStart, began)
	}
	return p
}

// latencyIn is how many deliveries of events sent from from to to there
// were, and their latency; nil when none.
func latencyIn(t *tally, from, to int64) (int, *Latency) {
	ls := t.latenciesSentIn(from, to)
	if len(ls) == 0 {
		return 0, nil
	}
	l := latencyOf(ls)
	return len(ls), &l
}

// timing says when the purge ran against the load, in words.
func (p *PurgeReport) timing() string {
	when := fmt.Sprintf("it ran from %.2f s to %.2f s, the load from 0 to %.2f s", p.Began, p.Ended, p.Load)
	switch p.Overlap {
	case "whole":
		return when + ": all of it during the load"
	case "outlasted":
		return fmt.Sprintf("%s: it outlasted the load; the figures during it cover its first %.2f s", when, p.Load-p.Began)
	case "before":
		return when + ": it began before the load (the node took longer than --purge-after to start its upkeep: give a longer --purge-after)"
	default:
		return when + ": it began after the load (give a shorter --purge-after, or more events)"
	}
}

// historyLeft reports whether the preloaded tenant has any event,
// delivery or attempt left, reading the database as the nodes do.
func (r *run) historyLeft(ctx context.Context) (bool, error) {
	st, err := r.openStore(ctx)
	if err != nil {
		return false, fmt.Errorf("open the database to check the purge: %w", err)
	}
	defer st.Close()
	one := hookhub.Page{Limit: 1}
	ev, err := st.ListEvents(ctx, r.history, hookhub.EventFilter{Page: one})
	if err != nil {
		return false, fmt.Errorf("check the purge: %w", err)
	}
	ds, err := st.ListDeliveries(ctx, r.history, hookhub.DeliveryFilter{Page: one})
	if err != nil {
		return false, fmt.Errorf("check the purge: %w", err)
	}
	as, err := st.ListAttempts(ctx, r.history, hookhub.AttemptFilter{Page: one})
	if err != nil {
		return false, fmt.Errorf("check the purge: %w", err)
	}
	return len(ev)+len(ds)+len(as) > 0, nil
}
