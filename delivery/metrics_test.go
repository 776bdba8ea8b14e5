package delivery

import (
	"strconv"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hookhub/hookhub"
)

// TestMetricsStatusClass checks the status_class label of attempts: the
// status's hundreds followed by "xx", or none without an answer.
func TestMetricsStatusClass(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	want := map[string]float64{"error none": 1}
	for _, status := range []int{100, 199, 200, 299, 301, 404, 500, 599} {
		m.observe(&hookhub.Attempt{Status: status, Success: status/100 == 2})
		outcome := "failure"
		if status/100 == 2 {
			outcome = "success"
		}
		want[outcome+" "+strconv.Itoa(status/100)+"xx"]++
	}
	m.observe(&hookhub.Attempt{})

	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != "hookhub_attempts_total" {
			continue
		}
		for _, c := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range c.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			got[labels["outcome"]+" "+labels["status_class"]] = c.GetCounter().GetValue()
		}
	}
	if len(got) != len(want) {
		t.Errorf("attempts counted %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("attempts %s: %v, want %v", k, got[k], v)
		}
	}
}
