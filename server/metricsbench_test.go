package server

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// BenchmarkHTTPMetrics measures what the metrics wrapper adds to a request:
// a mux route that answers 202 with a small body (and allocates nothing), counted and timed as
// every request of the server is.
func BenchmarkHTTPMetrics(b *testing.B) {
	mux := http.NewServeMux()
	body := []byte(`{"id":1,"duplicate":false,"deliveries":1}` + "\n")
	mux.HandleFunc("POST /v1/events", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write(body)
	})
	h := newHTTPMetrics(prometheus.NewRegistry()).wrap(mux)
	req := httptest.NewRequest("POST", "/v1/events", nil)
	w := &discardWriter{header: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, req)
	}
}

// discardWriter is a ResponseWriter that keeps nothing.
type discardWriter struct{ header http.Header }

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) WriteHeader(int)             {}
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
