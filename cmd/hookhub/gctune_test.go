package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"
)

// gcPercent reads the collector's percentage without changing it.
func gcPercent() int {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return int(s[0].Value.Uint64())
}

// serving reports whether hookhub answers /healthz at addr.
func serving(addr string) bool {
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// TestServeTunesGC: serve gives the collector its headroom (gctune) while
// it runs, and puts Go's percentage back when it stops.
func TestServeTunesGC(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	if p := gcPercent(); p != 100 {
		t.Fatalf("percentage %d before serve, want Go's 100", p)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	env := map[string]string{"HOOKHUB_DB": filepath.Join(t.TempDir(), "hookhub.db"), "HOOKHUB_ADDR": addr}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, nil, getenv(env), io.Discard, io.Discard) }()
	deadline := time.Now().Add(15 * time.Second)
	for !serving(addr) || gcPercent() <= 100 {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("percentage %d while serve runs, want above 100 (a test's live heap is far under the headroom)", gcPercent())
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if p := gcPercent(); p != 100 {
		t.Errorf("percentage %d after serve stopped, want 100 back", p)
	}
}
