package hookhubtest

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/hookhub/hookhub/server"
)

// ServerOptions say how NewServer differs from serve's defaults.
type ServerOptions struct {
	DB     string               // "sqlite" (the default) or "postgres": a fresh database either way
	Config func(*server.Config) // edits the configuration after the test defaults, before server.New
	Clock  *Clock               // every part's clock; nil: the wall clock
	Logger *slog.Logger         // nil: logs are dropped
}

// Server is a whole hookhub, running, as serve runs it.
type Server struct {
	*server.Server
	URL    string        // http://127.0.0.1:port
	Config server.Config // what it was built with; a new server on Config is a restart on the same database

	stop func()
}

// Stop stops the server before the test ends, as a signal stops serve, and
// waits until it has stopped; the test's end does it otherwise.
func (s *Server) Stop() { s.stop() }

// NewServer starts a whole hookhub built with server.New, as serve builds
// it, listening on 127.0.0.1:0 over a fresh database, and stops it when t
// ends, failing t if it did not stop cleanly. The test defaults differ
// from serve's only where a test needs it: the queues are looked at every
// 20 ms.
func NewServer(t testing.TB, opts ServerOptions) *Server {
	t.Helper()
	cfg := server.Defaults()
	cfg.Addr = "127.0.0.1:0"
	cfg.PollInterval = 20 * time.Millisecond
	cfg.DB, cfg.EncryptionKey = databaseConfig(t, opts.DB)
	if opts.Config != nil {
		opts.Config(&cfg)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := server.New(ctx, cfg, log)
	if err != nil {
		cancel()
		t.Fatalf("build server: %v", err)
	}
	if opts.Clock != nil {
		srv.Now = opts.Clock.Now
	}
	if err := srv.Listen(); err != nil {
		cancel()
		srv.Close()
		t.Fatalf("listen: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("server stopped with: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return &Server{Server: srv, URL: "http://" + srv.Addr(), Config: cfg, stop: stop}
}
