package delivery

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/hookhub/hookhub"
)

// Metrics are the engine's Prometheus figures. A nil *Metrics counts nothing.
type Metrics struct {
	outcomes  *prometheus.CounterVec
	duration  *prometheus.HistogramVec
	attempts  *prometheus.CounterVec
	claimedN  prometheus.Counter
	recordedN prometheus.Counter
}

// NewMetrics registers the engine's metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hookhub_delivery_outcomes_total", Help: "Delivery outcomes by kind (succeeded, retry, failed, held).",
		}, []string{"outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "hookhub_attempt_duration_seconds", Help: "Time from sending a request to reading the answer.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"result"}),
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hookhub_attempts_total", Help: "Attempts by outcome (success, failure: an answer that is not success, error: no answer) and the answer's status class (2xx…5xx, none).",
		}, []string{"outcome", "status_class"}),
		claimedN: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hookhub_deliveries_claimed_total", Help: "Deliveries claimed from the queue.",
		}),
		recordedN: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hookhub_outcomes_recorded_total", Help: "Outcomes written back to the store.",
		}),
	}
	reg.MustRegister(m.outcomes, m.duration, m.attempts, m.claimedN, m.recordedN)
	return m
}

func (m *Metrics) outcome(kind string) {
	if m != nil {
		m.outcomes.WithLabelValues(kind).Inc()
	}
}

func (m *Metrics) observe(a *hookhub.Attempt) {
	if m == nil {
		return
	}
	result := "error"
	if a.Success {
		result = "success"
	}
	m.duration.WithLabelValues(result).Observe(a.Duration.Seconds())
	outcome, class := "success", "none"
	switch {
	case a.Status >= 100 && a.Status < 600:
		class = statusClasses[a.Status/100-1]
		if !a.Success {
			outcome = "failure"
		}
	case !a.Success:
		outcome = "error"
	}
	m.attempts.WithLabelValues(outcome, class).Inc()
}

// statusClasses are the status_class labels of statuses 100 to 599, made
// once rather than for every attempt.
var statusClasses = [...]string{"1xx", "2xx", "3xx", "4xx", "5xx"}

func (m *Metrics) claimed(n int) {
	if m != nil && n > 0 {
		m.claimedN.Add(float64(n))
	}
}

func (m *Metrics) completed(n int) {
	if m != nil {
		m.recordedN.Add(float64(n))
	}
}
