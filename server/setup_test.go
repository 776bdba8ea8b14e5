package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookhub/hookhub/postgres/pgtest"
)

// running is a server started for a test, as serve starts it, and a
// token of a tenant of its own.
type running struct {
	*Server
	base  string
	token string
}

// databases are the two databases a server runs on, for table tests.
var databases = []struct {
	name string
	dsn  func(t *testing.T) string
}{
	{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "hookhub.db") }},
	{"postgres", func(t *testing.T) string { return pgtest.NewDatabase(t) }},
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

// do sends a request with the tenant's token and a JSON body (none when
// nil), checks the status and decodes the answer into out (when not nil).
func (r *running) do(t *testing.T, method, path string, body any, want int, out any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, r.base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, res.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
}
