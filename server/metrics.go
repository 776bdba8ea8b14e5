package server

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/inboundworker"
)

// httpMetrics counts the requests of every surface by route and status,
// and times them by route. The route is the pattern the innermost mux
// matched ("GET /v1/webhooks/{id}"), which nested ServeMuxes set on the
// same request, so the labels are the route tables' patterns: a bounded
// set, whatever paths callers try. A request no route took is "unmatched".
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec

	// series holds the children of requests and duration found for each
	// route and status (routeStatus → *routeSeries): looking them up by
	// label values builds, checks and hashes the values on every request.
	// It holds as many entries as requests has series.
	series sync.Map
}

type routeStatus struct {
	route  string
	status int
}

type routeSeries struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

// seriesOf returns the series of a request to route answered with status.
func (m *httpMetrics) seriesOf(route string, status int) *routeSeries {
	key := routeStatus{route, status}
	if s, ok := m.series.Load(key); ok {
		return s.(*routeSeries)
	}
	s, _ := m.series.LoadOrStore(key, &routeSeries{
		requests: m.requests.WithLabelValues(route, strconv.Itoa(status)),
		duration: m.duration.WithLabelValues(route),
	})
	return s.(*routeSeries)
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hookhub_http_requests_total", Help: "HTTP requests by route (the matched pattern) and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "hookhub_http_request_duration_seconds", Help: "Time to answer an HTTP request, by route.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

// wrap counts and times the requests next answers.
func (m *httpMetrics) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		s := m.seriesOf(route, sw.status)
		s.requests.Inc()
		s.duration.Observe(time.Since(start).Seconds())
	})
}

// statusWriter remembers the status written. Unwrap lets
// http.ResponseController reach the connection (flushes, deadlines).
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// newInboundCounter counts the inbound requests stored, by their
// integration's kind and outcome (accepted, or refused); it is what
// service.Config.Received calls. Kinds are the catalogue's, a bounded set.
func newInboundCounter(reg prometheus.Registerer) func(kind string, status hookhub.InboundStatus) {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "hookhub_inbound_requests_total", Help: "Inbound requests stored (at /in/ and QueueProcess), by integration kind and outcome (accepted, refused).",
	}, []string{"kind", "outcome"})
	reg.MustRegister(c)
	return func(kind string, status hookhub.InboundStatus) {
		outcome := "accepted"
		if status == hookhub.InboundFailed {
			outcome = "refused"
		}
		c.WithLabelValues(kind, outcome).Inc()
	}
}

// newInboundProcessedCounter counts the inbound messages the queue's
// workers tried, by kind and outcome (inboundworker's Outcome names:
// done, retry, failed, gave_up); it is what inboundworker.Config.Count
// calls. "failed" is a message that can never succeed (invalid data, a
// contact that does not exist): someone should look at it. Every kind's
// series start at 0, so that a rule on an increase sees the first one.
func newInboundProcessedCounter(reg prometheus.Registerer, kinds []string) func(kind, outcome string) {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "hookhub_inbound_processed_total",
		Help: "Inbound messages tried by the queue's workers, by integration kind and outcome (done, retry, failed: for good at once, gave_up: after the last try).",
	}, []string{"kind", "outcome"})
	reg.MustRegister(c)
	for _, k := range kinds {
		for _, o := range []string{inboundworker.OutcomeDone, inboundworker.OutcomeRetry, inboundworker.OutcomeFailed, inboundworker.OutcomeGaveUp} {
			c.WithLabelValues(k, o)
		}
	}
	return func(kind, outcome string) { c.WithLabelValues(kind, outcome).Inc() }
}

// gaugeTimeout bounds the queries of one scrape.
const gaugeTimeout = 5 * time.Second

// gauges is the collector of the figures read from the database at each
// scrape: the whole hookhub's, whichever node is scraped. A scrape whose
// queries fail shows hookhub_gauges_up 0 and none of them.
type gauges struct {
	store hookhub.GaugeReader
	now   func() time.Time
	log   *slog.Logger

	up, deliveries, lag, webhooks, inbound, mail, outbox *prometheus.Desc
}

func newGauges(store hookhub.GaugeReader, now func() time.Time, log *slog.Logger) *gauges {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, labels, nil)
	}
	return &gauges{store: store, now: now, log: log,
		up:         d("hookhub_gauges_up", "1 when this scrape could read the queues' figures from the database, 0 when not."),
		deliveries: d("hookhub_queue_deliveries", "Deliveries in the queue by state: pending (waiting), in_flight (being sent), held (their webhook is not active).", "state"),
		lag:        d("hookhub_queue_lag_seconds", "How long the oldest due pending delivery has waited past its time; 0 when none is due."),
		webhooks:   d("hookhub_webhooks", "Webhooks by state.", "state"),
		inbound:    d("hookhub_inbound_queue_messages", "Inbound messages waiting (queued) or being processed.", "status"),
		mail:       d("hookhub_mail_queue", "E-mails waiting to be sent (queued), and refused for good (failed).", "state"),
		outbox:     d("hookhub_outbox_messages", "SMS and wallet updates waiting in the outbox (queued), and failed.", "status"),
	}
}

func (g *gauges) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{g.up, g.deliveries, g.lag, g.webhooks, g.inbound, g.mail, g.outbox} {
		ch <- d
	}
}

func (g *gauges) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), gaugeTimeout)
	defer cancel()
	now := g.now()
	v, err := g.store.Gauges(ctx, now)
	if err != nil {
		g.log.Warn("metrics: read the queues' figures", "err", err)
		ch <- prometheus.MustNewConstMetric(g.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(g.up, prometheus.GaugeValue, 1)
	lag := 0.0
	if !v.OldestDue.IsZero() {
		lag = max(now.Sub(v.OldestDue).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(g.lag, prometheus.GaugeValue, lag)
	// Every state is shown, at 0 when empty, so that a rule on a series
	// does not find it missing.
	byState := func(d *prometheus.Desc, counts map[string]int64, states ...string) {
		for _, s := range states {
			ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, float64(counts[s]), s)
		}
	}
	byState(g.deliveries, v.Deliveries, string(hookhub.DeliveryPending), string(hookhub.DeliveryInFlight), string(hookhub.DeliveryHeld))
	byState(g.webhooks, v.Webhooks, string(hookhub.StateActive), string(hookhub.StateStopped), string(hookhub.StateTooManyErrors))
	byState(g.inbound, v.Inbound, string(hookhub.InboundQueued), string(hookhub.InboundProcessing))
	byState(g.mail, v.Mail, string(hookhub.MailQueued), string(hookhub.MailFailed))
	byState(g.outbox, v.Outbox, "queued", "failed")
}
