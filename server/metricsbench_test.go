package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
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

// BenchmarkPublishServer measures one POST /v1/events of the shape hookhub
// bench sends (about 1 KB of data, an Idempotency-Key) through the whole
// server's handler, metrics wrapper and all, on SQLite, without a network
// or a client: allocs/op and B/op are the server's request path and the
// publish's transaction. No webhook subscribes, and the server does not
// run, so nothing is delivered.
func BenchmarkPublishServer(b *testing.B) {
	s, token := idle(b)
	body := []byte(`{"type":"contact.created","entity_type":"contact","entity_id":"42","data":{"seq":1,"sent":1764690000000000000,"pad":"` + strings.Repeat("x", 980) + `"}}`)
	keys := make([]string, b.N)
	for i := range keys {
		keys[i] = fmt.Sprintf("bench-%d", i)
	}
	rd := bytes.NewReader(body)
	req := httptest.NewRequest("POST", "/v1/events", io.NopCloser(rd))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	w := &statusRecorder{discardWriter: discardWriter{header: http.Header{}}}
	h := s.Handler()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		rd.Reset(body)
		req.Header.Set("Idempotency-Key", keys[i])
		clear(w.header)
		w.status = 0
		h.ServeHTTP(w, req)
		if w.status != http.StatusAccepted {
			b.Fatalf("status %d", w.status)
		}
	}
}

// statusRecorder is a discardWriter that remembers the status written.
type statusRecorder struct {
	discardWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

// idle is a server built on SQLite in a temp dir but not running (no
// listener, no workers), for tests that call its handler, and the token
// of a tenant of its own.
func idle(t testing.TB) (*Server, string) {
	t.Helper()
	cfg := Defaults()
	cfg.DB = filepath.Join(t.TempDir(), "hookhub.db")
	s, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	_, token, err := s.Service().CreateTenant(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	return s, token
}
