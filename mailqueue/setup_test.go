package mailqueue_test

import (
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/sqlite"
)

// fixture is what a mail queue test needs: a real SQLite store in a temp
// folder and a tenant in it.
type fixture struct {
	store  *sqlite.DB
	tenant string
}

// setup opens a fresh store with a random key and creates a tenant.
func setup(t testing.TB) *fixture {
	t.Helper()
	db := hookhubtest.OpenSQLite(t)
	ten := &hookhub.Tenant{ID: hookhub.NewID("ten"), Name: "Acme", CreatedAt: time.Now()}
	if err := db.CreateTenant(t.Context(), ten); err != nil {
		t.Fatalf("create tenant: %v", err)
	}
	return &fixture{store: db, tenant: ten.ID}
}

// waitMail waits until the tenant's outbox holds n e-mails, all in state.
func waitMail(t *testing.T, f *fixture, n int, state hookhub.MailState) []*hookhub.Mail {
	t.Helper()
	var ms []*hookhub.Mail
	hookhubtest.EventuallyNil(t, "the outbox", func() error {
		var err error
		ms, err = f.store.ListMail(t.Context(), f.tenant, hookhub.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		ok, s := len(ms) == n, ""
		for _, m := range ms {
			ok = ok && m.State == state
			s += "\n  " + m.Kind + " " + string(m.State) + " " + m.LastError
		}
		if !ok {
			return fmt.Errorf("want %d e-mails %s, have:%s", n, state, s)
		}
		return nil
	})
	return ms
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}
