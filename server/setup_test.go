package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// running is a server started for a test, as serve starts it, and a
// token of a tenant of its own.
type running struct {
	*Server
	base  string
	token string
}

// start runs a server on a free port over the database dsn, until t ends.
func start(t *testing.T, dsn string) *running {
	t.Helper()
	cfg := Defaults()
	cfg.Addr, cfg.DB, cfg.AllowPrivateTargets = "127.0.0.1:0", dsn, true
	cfg.RetryScale, cfg.PollInterval = 0.001, 50e6
	if IsPostgres(dsn) {
		cfg.EncryptionKey = strings.Repeat("ab", 32)
	}
	s, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run returned %v after shutdown", err)
		}
	})
	_, token, err := s.Service().CreateTenant(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	return &running{Server: s, base: "http://" + s.Addr(), token: token}
}

// get fetches path and returns its status and body.
func (r *running) get(t *testing.T, path string) (int, []byte) {
	t.Helper()
	res, err := http.Get(r.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, b
}
