package bench

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Report is what a run measured. Rates are over the time from the first
// publish to the last answer (accepted) or to the last first arrival
// (deliveries); latencies are from the send time carried in each event to
// its first arrival at the receiver.
type Report struct {
	Mode        string  `json:"mode"` // "burst", "rate", or "purge" (paced, with a purge)
	Concurrency int     `json:"concurrency,omitempty"`
	Rate        float64 `json:"rate,omitempty"`
	Events      int     `json:"events"`
	Fanout      int     `json:"fanout"`
	Payload     int     `json:"payload_bytes"`
	Database    string  `json:"database"` // sqlite, postgres, or target
	Nodes       int     `json:"nodes"`

	Accepted       int     `json:"accepted"`        // events the API answered 202
	AcceptedPerS   float64 `json:"accepted_per_s"`  // accepted / time to the last answer
	PublishFailed  int     `json:"publish_failed"`  // events given up on after retries
	PublishRetries int     `json:"publish_retries"` // tries beyond the first
	PublishMaxOpen int     `json:"publish_max_open"`
	Publish        Latency `json:"publish_ms"` // round trip of the publish call

	Expected       int     `json:"expected"`   // accepted × fanout
	Deliveries     int     `json:"deliveries"` // distinct (webhook, event) pairs received
	DeliveriesPerS float64 `json:"deliveries_per_s"`
	Received       int     `json:"received"` // requests, duplicates included
	Duplicates     int     `json:"duplicates"`
	Missing        int     `json:"missing"`
	Unexpected     int     `json:"unexpected"` // pairs of events never accepted
	Malformed      int     `json:"malformed"`
	Latency        Latency `json:"latency_ms"` // publish to first delivery

	Complete       bool    `json:"complete"` // every expected delivery arrived before the timeout
	Drained        bool    `json:"drained"`  // and no delivery was left pending or in flight
	ElapsedSeconds float64 `json:"elapsed_s"`

	PeakRSS           int64   `json:"peak_rss_bytes"` // sum over nodes
	CPUSeconds        float64 `json:"cpu_s"`          // sum over nodes, from ready to stop
	HarnessCPUSeconds float64 `json:"harness_cpu_s"`  // the benchmark's own: publishers and receiver
	// CPUPerDelivery is the nodes' CPU per delivery, in microseconds, and
	// CPUToHarness the nodes' CPU over the harness's, which serves the
	// same deliveries: a figure that moves less than deliveries/s with
	// what else the machine runs (setCPUFigures).
	CPUPerDelivery float64      `json:"cpu_per_delivery_us,omitempty"`
	CPUToHarness   float64      `json:"cpu_to_harness,omitempty"`
	NodeReports    []NodeReport `json:"node_reports,omitempty"`
	Killed         string       `json:"killed,omitempty"` // the node killed mid-run

	// Ceiling is the same load's figures on the in-process server that
	// stores nothing (Config.Ceiling); its cpu_s is what it spent beyond
	// the harness. RatioToCeiling is deliveries/s over the ceiling's.
	Ceiling *Report `json:"ceiling,omitempty"`
	Preload int     `json:"preload,omitempty"` // finished deliveries of another tenant in the database before the run
	// Lists are the API's list pages of the bench tenant, timed after the
	// run.
	Lists []ListReport `json:"lists,omitempty"`
	// Purge is the retention purge of a purge run (Config.Purge).
	Purge          *PurgeReport `json:"purge,omitempty"`
	RatioToCeiling float64      `json:"ratio_to_ceiling,omitempty"`

	Dir        string `json:"dir,omitempty"` // where the logs are
	CPUProfile string `json:"cpu_profile,omitempty"`
}

// Latency is a distribution, in milliseconds.
type Latency struct {
	Min float64 `json:"min"`
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

func latencyOf(sorted []int64) Latency {
	ms := func(ns int64) float64 { return float64(ns) / 1e6 }
	var least int64
	if len(sorted) > 0 {
		least = sorted[0]
	}
	return Latency{
		Min: ms(least), P50: ms(percentile(sorted, 0.50)), P95: ms(percentile(sorted, 0.95)),
		P99: ms(percentile(sorted, 0.99)), Max: ms(percentile(sorted, 1)),
	}
}

// NodeReport is one hookhub process.
type NodeReport struct {
	Name       string  `json:"name"`
	PID        int     `json:"pid"`
	PeakRSS    int64   `json:"peak_rss_bytes"`
	CPUSeconds float64 `json:"cpu_s"`
	Killed     bool    `json:"killed,omitempty"`
	Log        string  `json:"log"`
}

// WriteText writes r for a reader, one figure a line.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	line := func(name, format string, args ...any) {
		fmt.Fprintf(&b, "%-22s %s\n", name, fmt.Sprintf(format, args...))
	}
	how := fmt.Sprintf("a burst from %d senders", r.Concurrency)
	if r.Mode == "rate" || r.Mode == "purge" {
		how = fmt.Sprintf("paced at %g/s", r.Rate)
	}
	where := fmt.Sprintf("%d node(s) on %s", r.Nodes, r.Database)
	if r.Database == "target" {
		where = "a running hookhub"
	}
	fmt.Fprintf(&b, "hookhub bench: %d events, %s, fanout %d, %d-byte data, %s\n", r.Events, how, r.Fanout, r.Payload, where)
	line("events accepted", "%d (%d given up, %d retries)", r.Accepted, r.PublishFailed, r.PublishRetries)
	line("accepted/s", "%.0f", r.AcceptedPerS)
	line("publish call", "p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d at once at most", r.Publish.P50, r.Publish.P99, r.Publish.Max, r.PublishMaxOpen)
	line("deliveries", "%d of %d", r.Deliveries, r.Expected)
	line("deliveries/s", "%.0f", r.DeliveriesPerS)
	line("latency p50", "%.2f ms", r.Latency.P50)
	line("latency p95", "%.2f ms", r.Latency.P95)
	line("latency p99", "%.2f ms", r.Latency.P99)
	line("latency max", "%.2f ms", r.Latency.Max)
	line("duplicates", "%d", r.Duplicates)
	line("missing", "%d", r.Missing)
	if r.Unexpected > 0 || r.Malformed > 0 {
		line("unexpected", "%d (of events never accepted)", r.Unexpected)
		line("malformed", "%d", r.Malformed)
	}
	if !r.Complete {
		line("complete", "no: the timeout came first")
	} else if !r.Drained {
		line("drained", "no: deliveries were still pending or in flight at the timeout")
	}
	if r.Database != "target" && usageKnown {
		var rss, cpu []string
		for _, n := range r.NodeReports {
			killed := ""
			if n.Killed {
				killed = ", killed"
			}
			rss = append(rss, fmt.Sprintf("%s %.1f MB%s", n.Name, mb(n.PeakRSS), killed))
			cpu = append(cpu, fmt.Sprintf("%s %.2f", n.Name, n.CPUSeconds))
		}
		line("peak RSS", "%.1f MB (%s)", mb(r.PeakRSS), strings.Join(rss, ", "))
		line("CPU seconds", "%.2f (%s)", r.CPUSeconds, strings.Join(cpu, ", "))
	}
	line("harness CPU seconds", "%.2f", r.HarnessCPUSeconds)
	if r.CPUToHarness > 0 {
		line("CPU per delivery", "%.0f µs, %.2f × the harness's (its senders and receiver)", r.CPUPerDelivery, r.CPUToHarness)
	}
	if r.Preload > 0 {
		line("preloaded", "%d finished deliveries, events and attempts of another tenant", r.Preload)
	}
	if p := r.Purge; p != nil {
		line("purge deleted", "%d attempts, %d deliveries, %d events in %.2f s (%s)", p.Deleted.Attempts, p.Deleted.Deliveries, p.Deleted.Events, p.Seconds, p.Node)
		line("purge overlap", "%s", p.timing())
		if p.HistoryLeft {
			line("purge check", "FAILED: some of the preloaded history is still in the database")
		} else {
			line("purge check", "none of the preloaded history is left in the database")
		}
		switch {
		case !p.measured():
			line("during the purge", "NOT MEASURED: the purge did not run during the load")
		case p.During == nil:
			line("during the purge", "no event was published in its %.3f s", p.Seconds)
		default:
			line("during the purge", "latency p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d deliveries of events published while it ran)",
				p.During.P50, p.During.P99, p.During.Max, p.DuringDeliveries)
		}
		if p.measured() && p.Before != nil {
			line("before the purge", "latency p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d deliveries of events published before it began)",
				p.Before.P50, p.Before.P99, p.Before.Max, p.BeforeDeliveries)
		}
	}
	for _, l := range r.Lists {
		line(l.Name, "p50 %.2f ms, p99 %.2f ms (%d calls)", l.P50, l.P99, l.Calls)
	}
	if c := r.Ceiling; c != nil {
		line("ceiling deliveries/s", "%.0f (the same load on a server that stores nothing)", c.DeliveriesPerS)
		line("ratio to ceiling", "%.2f", r.RatioToCeiling)
		line("ceiling latency", "p50 %.2f ms, p99 %.2f ms", c.Latency.P50, c.Latency.P99)
		line("ceiling CPU seconds", "%.2f (beyond the harness)", c.CPUSeconds)
		if c.Missing > 0 || c.Duplicates > 0 {
			line("ceiling missing", "%d (duplicates %d)", c.Missing, c.Duplicates)
		}
	}
	line("elapsed", "%.2f s", r.ElapsedSeconds)
	if r.Dir != "" {
		line("logs", "%s", r.Dir)
	}
	if r.CPUProfile != "" {
		line("CPU profile", "%s (go tool pprof -top %s)", r.CPUProfile, r.CPUProfile)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// setCPUFigures sets CPUPerDelivery and CPUToHarness, where the nodes'
// CPU is known and something was delivered.
func (r *Report) setCPUFigures() {
	if r.Database == "target" || !usageKnown || r.Deliveries == 0 || r.CPUSeconds <= 0 || r.HarnessCPUSeconds <= 0 {
		return
	}
	r.CPUPerDelivery = r.CPUSeconds * 1e6 / float64(r.Deliveries)
	r.CPUToHarness = r.CPUSeconds / r.HarnessCPUSeconds
}

// mb is megabytes of 10^6 bytes, as memory goals are said (the reports
// before December 2026 printed mebibytes, 4.9 % less, as MB).
func mb(bytes int64) float64 { return float64(bytes) / 1e6 }

func seconds(d time.Duration) float64 { return d.Seconds() }
