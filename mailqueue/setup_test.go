package mailqueue_test

import (
	"context"
	"crypto/rand"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/sqlite"
)

// waitTimeout bounds every wait for something to happen. It is generous
// because the machines are shared and noisy; nothing asserts on how long
// anything took.
const waitTimeout = 15 * time.Second

// fixture is what a mail queue test needs: a real SQLite store in a temp
// folder and a tenant in it.
type fixture struct {
	store  *sqlite.DB
	tenant string
}

// setup opens a fresh store with a random key and creates a tenant.
func setup(t testing.TB) *fixture {
	t.Helper()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(t.TempDir(), "hookhub.db"), Key: key})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	ten := &hookhub.Tenant{ID: hookhub.NewID("ten"), Name: "Acme", CreatedAt: time.Now()}
	if err := db.CreateTenant(ctx, ten); err != nil {
		t.Fatalf("create tenant: %v", err)
	}
	return &fixture{store: db, tenant: ten.ID}
}

// waitFor polls cond every 10 ms until it holds, and fails the test after
// waitTimeout with what and, if given, more's account of the last state.
func waitFor(t testing.TB, what string, cond func() bool, more func() string) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			msg := ""
			if more != nil {
				msg = more()
			}
			t.Fatalf("timed out waiting for %s%s", what, msg)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitMail waits until the tenant's outbox holds n e-mails, all in state.
func waitMail(t *testing.T, f *fixture, n int, state hookhub.MailState) []*hookhub.Mail {
	t.Helper()
	var ms []*hookhub.Mail
	waitFor(t, "the outbox", func() bool {
		var err error
		ms, err = f.store.ListMail(t.Context(), f.tenant, hookhub.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != n {
			return false
		}
		for _, m := range ms {
			if m.State != state {
				return false
			}
		}
		return true
	}, func() string {
		s := ""
		for _, m := range ms {
			s += "\n  " + m.Kind + " " + string(m.State) + " " + m.LastError
		}
		return s
	})
	return ms
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}
