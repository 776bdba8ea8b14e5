package server

import (
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// TestMetrics takes a tour of the API against a real server on each
// database, and then finds every metric an operator watches at /metrics,
// with the labels the tour gave them.
func TestMetrics(t *testing.T) {
	t.Parallel()
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			r := start(t, db.dsn(t))
			ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
			t.Cleanup(ok.Close)
			broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(503) }))
			t.Cleanup(broken.Close)

			r.do(t, "POST", "/v1/webhooks", map[string]any{"url": ok.URL, "events": []string{"contact.*"}}, 201, nil)
			r.do(t, "POST", "/v1/webhooks", map[string]any{"url": broken.URL, "events": []string{"contact.*"}}, 201, nil)
			r.do(t, "POST", "/v1/events", map[string]any{"type": "contact.created", "data": map[string]any{"id": 1}}, 202, nil)
			r.do(t, "GET", "/v1/webhooks/999", nil, 404, nil)
			var in struct{ URL string }
			r.do(t, "POST", "/v1/integrations", map[string]any{"kind": "thiio", "name": "shop"}, 201, &in)
			res, err := http.Post(in.URL, "application/json", strings.NewReader(`{"not":"thiio"}`))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()

			want := []string{
				`hookhub_http_requests_total{code="201",route="POST /v1/webhooks"}`,
				`hookhub_http_requests_total{code="404",route="GET /v1/webhooks/{id}"}`,
				`hookhub_http_request_duration_seconds_count{route="POST /v1/events"}`,
				`hookhub_attempts_total{outcome="success",status_class="2xx"}`,
				`hookhub_attempts_total{outcome="failure",status_class="5xx"}`,
				`hookhub_inbound_requests_total{kind="thiio",outcome="refused"}`,
				`hookhub_inbound_processed_total{kind="crm360-shopify",outcome="failed"} 0`,
				`hookhub_gauges_up 1`,
				`hookhub_queue_deliveries{state="pending"}`,
				`hookhub_queue_deliveries{state="in_flight"}`,
				`hookhub_queue_deliveries{state="held"}`,
				`hookhub_queue_lag_seconds`,
				`hookhub_webhooks{state="active"} 2`,
				`hookhub_inbound_queue_messages{status="queued"}`,
				`hookhub_mail_queue{state="queued"}`,
				`hookhub_mail_queue{state="failed"}`,
				`hookhub_outbox_messages{status="queued"}`,
			}
			// The attempts happen in the background: look until they are counted.
			var page string
			deadline := time.Now().Add(30 * time.Second)
			for {
				_, b := r.get(t, "/metrics")
				page = string(b)
				if missing(page, want) == nil || time.Now().After(deadline) {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			for _, m := range missing(page, want) {
				t.Errorf("/metrics has no %s", m)
			}
			// The example alerts and dashboard name only metrics that exist.
			for _, file := range []string{"../deploy/prometheus/alerts.yml", "../deploy/grafana/hookhub.json"} {
				b, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				for _, name := range metricName.FindAllString(string(b), -1) {
					family := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_count"), "_sum")
					if !strings.Contains(page, "# TYPE "+family+" ") {
						t.Errorf("%s names %s, which /metrics does not have", file, name)
					}
				}
			}
			if t.Failed() {
				t.Logf("/metrics:\n%s", hookhubLines(page))
			}
		})
	}
}

var metricName = regexp.MustCompile(`hookhub_[a-z_]+`)

// missing are the series of want that page lacks.
func missing(page string, want []string) []string {
	var out []string
	for _, w := range want {
		if !strings.Contains(page, "\n"+w+" ") && !strings.Contains(page, "\n"+w+"\n") {
			out = append(out, w)
		}
	}
	return out
}

func hookhubLines(page string) string {
	var out []string
	for _, l := range strings.Split(page, "\n") {
		if strings.HasPrefix(l, "hookhub_") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestHTTPMetricsSeries pins the request counters and duration counts the
// wrapper gives: by the route the mux matched ("unmatched" when none) and
// the status written (200 when the handler wrote none), each request in
// one series however often its route and status come back. It also checks
// that a request to a route seen before allocates no more than its status
// writer.
func TestHTTPMetricsSeries(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/events", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusAccepted) })
	mux.HandleFunc("GET /v1/webhooks/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") == "1" {
			_, _ = w.Write([]byte("{}")) // 200 without WriteHeader
			return
		}
		w.WriteHeader(http.StatusNotFound)
		w.WriteHeader(http.StatusInternalServerError) // ignored: the first status counts
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {}) // 200 without a write
	reg := prometheus.NewRegistry()
	h := newHTTPMetrics(reg).wrap(mux)
	for _, r := range []struct{ method, path string }{
		{"POST", "/v1/events"}, {"POST", "/v1/events"}, {"POST", "/v1/events"},
		{"GET", "/v1/webhooks/1"}, {"GET", "/v1/webhooks/2"}, {"GET", "/v1/webhooks/1"},
		{"GET", "/healthz"}, {"GET", "/nowhere"}, {"DELETE", "/v1/events"},
	} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(r.method, r.path, nil))
	}
	rec := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	var got []string
	for _, l := range strings.Split(rec.Body.String(), "\n") {
		if strings.HasPrefix(l, "hookhub_http_requests_total") || strings.HasPrefix(l, "hookhub_http_request_duration_seconds_count") {
			got = append(got, l)
		}
	}
	want := []string{
		`hookhub_http_request_duration_seconds_count{route="GET /healthz"} 1`,
		`hookhub_http_request_duration_seconds_count{route="GET /v1/webhooks/{id}"} 3`,
		`hookhub_http_request_duration_seconds_count{route="POST /v1/events"} 3`,
		`hookhub_http_request_duration_seconds_count{route="unmatched"} 2`,
		`hookhub_http_requests_total{code="200",route="GET /healthz"} 1`,
		`hookhub_http_requests_total{code="200",route="GET /v1/webhooks/{id}"} 2`,
		`hookhub_http_requests_total{code="202",route="POST /v1/events"} 3`,
		`hookhub_http_requests_total{code="404",route="GET /v1/webhooks/{id}"} 1`,
		`hookhub_http_requests_total{code="404",route="unmatched"} 1`,
		`hookhub_http_requests_total{code="405",route="unmatched"} 1`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("series:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	req, w := httptest.NewRequest("POST", "/v1/events", nil), &discardWriter{header: http.Header{}}
	if n := testing.AllocsPerRun(100, func() { h.ServeHTTP(w, req) }); n > 1 {
		t.Errorf("a request allocates %v times in the wrapper, want at most 1 (its status writer)", n)
	}
}
