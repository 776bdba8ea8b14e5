package tilby_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookhub/hookhub/mail/smtptest"
	"github.com/hookhub/hookhub/postgres/pgtest"
	"github.com/hookhub/hookhub/secrets"
	"github.com/hookhub/hookhub/server"
)

// TestServe runs hookhub as serve assembles it, on each database, with a
// retry scale instead of a clock (15 minutes become 90 ms): the Tilby API
// is mounted, the tilby format is registered, a failing receiver gets its
// 4 tries and the developer 5 e-mails (one per failed try and the retry
// limit), and an import arrives in parts.
func TestServe(t *testing.T) {
	t.Parallel()
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			cfg := server.Defaults()
			if db == "sqlite" {
				cfg.DB = filepath.Join(t.TempDir(), "hookhub.db")
			} else {
				cfg.DB = pgtest.NewDatabase(t)
				cfg.EncryptionKey = fmt.Sprintf("%x", secrets.GenerateKey())
			}
			smtp := smtptest.NewServer(t)
			cfg.Addr, cfg.AllowPrivateTargets, cfg.RetryScale, cfg.SMTPURL = "127.0.0.1:0", true, 0.0001, smtp.URL()
			cfg.PollInterval = 20 * time.Millisecond
			serve(t, cfg, smtp)
		})
	}
}

func serve(t *testing.T, cfg server.Config, smtp *smtptest.Server) {
	s, err := server.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := s.Run(ctx); err != nil {
			t.Errorf("run: %v", err)
		}
	})
	t.Cleanup(func() { stop(); wg.Wait() })
	_, token, err := s.Service().CreateTenant(context.Background(), "shop")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{url: "http://" + s.Addr(), token: token}

	rc := newReceiver(t)
	rc.status.Store(500)
	e.create(t, token, rc.srv.URL+"/sales", "sales", "closed")
	e.must(t, 202, "POST", "/v1/events", token, map[string]any{"type": "sales.closed", "data": map[string]any{"id": 1}}, nil)
	msgs := smtp.WaitFor(t, 5, waitTimeout)
	limit := 0
	for _, m := range msgs {
		if strings.Contains(m.Subject, "retry limit") {
			limit++
		}
	}
	if len(msgs) != 5 || limit != 1 {
		t.Errorf("%d e-mails, %d at the retry limit: want 4 failed tries and the retry limit", len(msgs), limit)
	}
	if _, ds := rc.got(); len(ds) != 4 || ds[0].str("type") != "CLOSED" {
		t.Errorf("%d requests, want 4 in the tilby format", len(ds))
	}

	rc.status.Store(200)
	e.create(t, token, rc.srv.URL+"/customers", "customers", "created")
	entities := make([]map[string]any, 200)
	for i := range entities {
		entities[i] = map[string]any{"id": i + 1}
	}
	e.must(t, 202, "POST", "/v1/events/batch", token, map[string]any{"type": "customers.created", "entities": entities}, nil)
	waitFor(t, "the import", func() bool {
		_, ds := rc.got()
		n := 0
		for _, d := range ds {
			if d.str("entity_name") == "customers" {
				n++
			}
		}
		return n == 3
	})
}
