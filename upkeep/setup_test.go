package upkeep_test

import (
	"context"
	"crypto/rand"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/signature"
	"github.com/hookhub/hookhub/sqlite"
)

// fixture is what an upkeep test needs: a real SQLite store in a temp
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

// webhook creates a webhook for contact.* events in state.
func (f *fixture) webhook(t testing.TB, state hookhub.WebhookState) *hookhub.Webhook {
	t.Helper()
	secret, err := signature.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	w := &hookhub.Webhook{TenantID: f.tenant, Name: "test hook", URL: "https://example.com/hook", Events: []string{"contact.*"},
		Secret: secret, State: state, Retry: hookhub.RetryPolicy{Schedule: []time.Duration{0}},
		RegisteredAt: now, RegisteredBy: "tok_test", UpdatedAt: now, UpdatedBy: "tok_test"}
	w.ApplyDefaults()
	if err := f.store.CreateWebhook(context.Background(), w); err != nil {
		t.Fatalf("create webhook: %v", err)
	}
	return w
}

// publish stores a contact.created event now.
func (f *fixture) publish(t testing.TB) hookhub.Event {
	t.Helper()
	res, err := f.store.Publish(context.Background(), time.Now(), hookhub.PublishRequest{Event: &hookhub.Event{
		TenantID: f.tenant, Type: "contact.created", EntityType: "contact", EntityID: "1", Data: []byte(`{"id":1}`)}})
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	return res[0].Event
}

// deliver claims the one due delivery and records it as delivered by one
// successful attempt, as the delivery engine would.
func (f *fixture) deliver(t testing.TB) *hookhub.Delivery {
	t.Helper()
	ctx := context.Background()
	cs, err := f.store.Claim(ctx, time.Now(), 10, time.Minute)
	if err != nil {
		t.Fatalf("claim: %v", err)
	}
	if len(cs) != 1 {
		t.Fatalf("claimed %d deliveries, want 1", len(cs))
	}
	c := cs[0]
	a := &hookhub.Attempt{DeliveryID: c.ID, TenantID: c.TenantID, WebhookID: c.WebhookID, EventID: c.Event.ID, Number: 1,
		URL: "https://example.com/hook", StartedAt: time.Now(), Status: 200, Success: true}
	if err := f.store.Complete(ctx, time.Now(), []hookhub.Outcome{{DeliveryID: c.ID, TenantID: c.TenantID, WebhookID: c.WebhookID,
		Kind: hookhub.OutcomeSucceeded, Attempt: a, Try: c.Attempts}}); err != nil {
		t.Fatalf("complete: %v", err)
	}
	d, err := f.store.GetDelivery(ctx, f.tenant, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != hookhub.DeliverySucceeded {
		t.Fatalf("delivery %s, want succeeded", d.State)
	}
	return d
}

func (f *fixture) deliveries(t testing.TB, webhookID int64) []*hookhub.Delivery {
	t.Helper()
	ds, err := f.store.ListDeliveries(context.Background(), f.tenant, hookhub.DeliveryFilter{WebhookID: webhookID})
	if err != nil {
		t.Fatalf("list deliveries: %v", err)
	}
	return ds
}

// attempts returns a delivery's attempts, oldest first.
func (f *fixture) attempts(t testing.TB, deliveryID int64) []*hookhub.Attempt {
	t.Helper()
	as, err := f.store.ListAttempts(context.Background(), f.tenant, hookhub.AttemptFilter{DeliveryID: deliveryID})
	if err != nil {
		t.Fatalf("list attempts: %v", err)
	}
	slices.Reverse(as)
	return as
}

// enqueue puts an e-mail in the tenant's outbox.
func (f *fixture) enqueue(t *testing.T, subject string) *hookhub.Mail {
	t.Helper()
	m := &hookhub.Mail{TenantID: f.tenant, Kind: hookhub.MailFailedTry, To: "ops@example.com",
		Subject: subject, Text: "body of " + subject, CreatedAt: time.Now()}
	if err := f.store.EnqueueMail(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}
