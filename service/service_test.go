package service_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/egress"
	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/service"
)

// countingStore is the real store, counting the size of each group commit.
type countingStore struct {
	service.Store
	mu    sync.Mutex
	sizes []int
}

func (c *countingStore) PublishLeased(ctx context.Context, now time.Time, lease hookhub.Lease, reqs ...hookhub.PublishRequest) ([]hookhub.PublishResult, error) {
	c.mu.Lock()
	c.sizes = append(c.sizes, len(reqs))
	c.mu.Unlock()
	return c.Store.PublishLeased(ctx, now, lease, reqs...)
}

type bundle struct {
	store *countingStore
	clock *hookhubtest.Clock
	wakes *atomic.Int64
	// tenant A's and B's all-scope tokens
	a, b *hookhub.Token
}

type options struct {
	allowPrivate bool
	maxBatch     int
	rules        map[string]service.FormatRules
	adminToken   string
}

// catalog is the tests' products: one that names a scope otherwise, as
// SalesIQ does.
var catalog = hookhub.NewCatalog(hookhub.Product{ScopeAliases: map[string]hookhub.Scope{"Example.hooks.READ": hookhub.ScopeWebhooksRead}})

func setup(t *testing.T, opts options) (*service.Service, *bundle) {
	t.Helper()
	db := hookhubtest.OpenSQLite(t)
	b := &bundle{
		store: &countingStore{Store: db},
		clock: hookhubtest.NewClock(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)),
		wakes: new(atomic.Int64),
	}
	svc := service.New(service.Config{
		Store:      b.store,
		Egress:     egress.Policy{AllowPrivate: opts.allowPrivate},
		Now:        b.clock.Now,
		Wake:       func() { b.wakes.Add(1) },
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		MaxBatch:   opts.maxBatch,
		Rules:      opts.rules,
		Catalog:    catalog,
		AdminToken: opts.adminToken,
	})
	t.Cleanup(svc.Close)
	b.a = newTenant(t, svc, "A")
	b.b = newTenant(t, svc, "B")
	return svc, b
}

// newTenant makes a tenant and returns its first token.
func newTenant(t *testing.T, svc *service.Service, name string) *hookhub.Token {
	t.Helper()
	_, secret := hookhubtest.Tenant(t, svc, name)
	tok, err := svc.Authenticate(t.Context(), secret)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// withScopes makes a token of actor's tenant with only the given scopes.
func withScopes(t *testing.T, svc *service.Service, actor *hookhub.Token, scopes ...hookhub.Scope) *hookhub.Token {
	t.Helper()
	ctx := context.Background()
	_, secret, err := svc.CreateToken(ctx, actor, "limited", scopes, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := svc.Authenticate(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func createWebhook(t *testing.T, svc *service.Service, actor *hookhub.Token, w *hookhub.Webhook) *hookhub.Webhook {
	t.Helper()
	if w.URL == "" {
		w.URL = "https://receiver.example.com/hook"
	}
	if len(w.Events) == 0 {
		w.Events = []string{"contact.created"}
	}
	out, err := svc.CreateWebhook(context.Background(), actor, w)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func event(typ string) *hookhub.Event {
	return &hookhub.Event{Type: typ, Data: []byte(`{"id":1}`)}
}

// wantCode fails unless err has the code (and, when field is not empty, a
// problem with that field).
func wantCode(t *testing.T, err error, code hookhub.Code, field string) {
	t.Helper()
	if got := hookhub.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
	if field == "" {
		return
	}
	var e *hookhub.Error
	errors.As(err, &e)
	for _, f := range e.Fields {
		if f.Field == field {
			return
		}
	}
	t.Fatalf("error %v names no field %q", err, field)
}
