package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/postgres"
	"github.com/hookhub/hookhub/postgres/pgtest"
)

// now is the tests' clock.
var now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

const lease = 30 * time.Second

// wait is how long a test waits for something that should happen within
// milliseconds.
const wait = 10 * time.Second

// setup creates a tenant with an active webhook subscribed to everything,
// and returns the tenant's id.
func setup(t *testing.T, s hookhub.Store) string {
	t.Helper()
	ten := &hookhub.Tenant{ID: hookhub.NewID("ten"), Name: "Tenant", CreatedAt: now}
	if err := s.CreateTenant(t.Context(), ten); err != nil {
		t.Fatalf("CreateTenant: %v", err)
	}
	w := &hookhub.Webhook{
		TenantID: ten.ID, Name: "hook", URL: "https://receiver.example/hook", Events: []string{"*"},
		RegisteredAt: now, RegisteredBy: "test", UpdatedAt: now, UpdatedBy: "test",
	}
	w.ApplyDefaults()
	if err := s.CreateWebhook(t.Context(), w); err != nil {
		t.Fatalf("CreateWebhook: %v", err)
	}
	return ten.ID
}

// publish publishes n events of the tenant at now.
func publish(t *testing.T, s hookhub.Store, tenantID string, n int) {
	t.Helper()
	reqs := make([]hookhub.PublishRequest, n)
	for i := range reqs {
		reqs[i] = hookhub.PublishRequest{Event: &hookhub.Event{
			TenantID: tenantID, Type: "contact.created", EntityType: "contact", EntityID: "c1",
			Data: json.RawMessage(`{"n":1}`), CreatedAt: now,
		}}
	}
	if _, err := s.Publish(t.Context(), now, reqs...); err != nil {
		t.Fatalf("Publish: %v", err)
	}
}

func claimIDs(cs []*hookhub.Claim) []int64 {
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	slices.Sort(ids)
	return ids
}

// A claimer skips the rows another transaction holds, without waiting for
// it, and takes them once they are free.
func TestClaimSkipsLocked(t *testing.T) {
	t.Parallel()
	u := pgtest.NewDatabase(t)
	a, b := openURL(t, u), openURL(t, u)
	publish(t, a, setup(t, a), 10)

	tx, err := a.W.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatalf("begin: %v", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(t.Context(), `SELECT id FROM deliveries ORDER BY id LIMIT 4 FOR UPDATE`)
	if err != nil {
		t.Fatalf("lock rows: %v", err)
	}
	var locked []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatalf("scan: %v", err)
		}
		locked = append(locked, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("lock rows: %v", err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), wait)
	defer cancel()
	cs, err := b.Claim(ctx, now, 100, lease)
	if err != nil {
		t.Fatalf("Claim while rows are locked: %v", err)
	}
	got := claimIDs(cs)
	if len(got) != 6 {
		t.Errorf("Claim while 4 of 10 rows are locked got %d deliveries, want 6", len(got))
	}
	for _, id := range got {
		if slices.Contains(locked, id) {
			t.Errorf("Claim took delivery %d, which another transaction holds", id)
		}
	}

	if err := tx.Rollback(); err != nil {
		t.Fatalf("rollback: %v", err)
	}
	cs, err = b.Claim(ctx, now, 100, lease)
	if err != nil {
		t.Fatalf("Claim after the lock ended: %v", err)
	}
	if got := claimIDs(cs); !slices.Equal(got, locked) {
		t.Errorf("Claim after the lock ended got %v, want %v", got, locked)
	}
}

// Claimers on several nodes, each with several connections, never get the
// same delivery.
func TestClaimConcurrentNodes(t *testing.T) {
	t.Parallel()
	const deliveries, nodes, claimers, limit = 300, 3, 4, 5
	u := pgtest.NewDatabase(t)
	dbs := make([]*postgres.DB, nodes)
	for i := range dbs {
		dbs[i] = openURL(t, u)
	}
	publish(t, dbs[0], setup(t, dbs[0]), deliveries)

	var (
		mu  sync.Mutex
		got = map[int64]int{}
		wg  sync.WaitGroup
	)
	for _, db := range dbs {
		for range claimers {
			wg.Go(func() {
				for {
					cs, err := db.Claim(t.Context(), now, limit, lease)
					if err != nil {
						t.Errorf("Claim: %v", err)
						return
					}
					if len(cs) == 0 {
						return
					}
					mu.Lock()
					for _, c := range cs {
						got[c.ID]++
					}
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	if len(got) != deliveries {
		t.Errorf("claimers got %d distinct deliveries, want %d", len(got), deliveries)
	}
	for id, n := range got {
		if n != 1 {
			t.Errorf("delivery %d claimed %d times", id, n)
		}
	}
}

// Each commit that makes deliveries due wakes the listening nodes.
func TestNotifyDue(t *testing.T) {
	t.Parallel()
	u := pgtest.NewDatabase(t)
	a, b := openURL(t, u), openURL(t, u)
	tenantID := setup(t, b)
	ctx := t.Context()
	hooks, err := b.ListWebhooks(ctx, tenantID, hookhub.WebhookFilter{})
	if err != nil || len(hooks) != 1 {
		t.Fatalf("ListWebhooks: %d, %v", len(hooks), err)
	}
	w := hooks[0]

	woke, _ := listen(t, ctx, a)
	waitWake(t, woke, "after connecting")

	// claimAndComplete claims the one due delivery and completes it as kind.
	claimAndComplete := func(t *testing.T, kind hookhub.OutcomeKind) *hookhub.Claim {
		t.Helper()
		cs, err := b.Claim(ctx, now, 10, lease)
		if err != nil || len(cs) != 1 {
			t.Fatalf("Claim: %d deliveries, %v; want 1", len(cs), err)
		}
		c := cs[0]
		o := hookhub.Outcome{DeliveryID: c.ID, TenantID: c.TenantID, WebhookID: c.WebhookID, Kind: kind, RunAt: now}
		if err := b.Complete(ctx, now, []hookhub.Outcome{o}); err != nil {
			t.Fatalf("Complete: %v", err)
		}
		return c
	}
	for _, step := range []struct {
		name string
		do   func(t *testing.T)
	}{
		{"Publish", func(t *testing.T) { publish(t, b, tenantID, 1) }},
		{"Complete retry", func(t *testing.T) { claimAndComplete(t, hookhub.OutcomeRetry) }},
		{"Complete released", func(t *testing.T) { claimAndComplete(t, hookhub.OutcomeReleased) }},
		{"RetryDelivery", func(t *testing.T) {
			c := claimAndComplete(t, hookhub.OutcomeFailed)
			if _, err := b.RetryDelivery(ctx, tenantID, c.ID, now); err != nil {
				t.Fatalf("RetryDelivery: %v", err)
			}
		}},
		{"RecoverDeliveries", func(t *testing.T) {
			claimAndComplete(t, hookhub.OutcomeFailed)
			if n, err := b.RecoverDeliveries(ctx, tenantID, w.ID, now.Add(-time.Hour), now); err != nil || n != 1 {
				t.Fatalf("RecoverDeliveries = %d, %v; want 1", n, err)
			}
		}},
		{"UpdateWebhook reactivating", func(t *testing.T) {
			claimAndComplete(t, hookhub.OutcomeSucceeded)
			w.State = hookhub.StateStopped
			if err := b.UpdateWebhook(ctx, w, ""); err != nil {
				t.Fatalf("UpdateWebhook(stopped): %v", err)
			}
			publish(t, b, tenantID, 1) // held
			drain(woke)
			w.State = hookhub.StateActive
			if err := b.UpdateWebhook(ctx, w, ""); err != nil {
				t.Fatalf("UpdateWebhook(active): %v", err)
			}
		}},
	} {
		drain(woke)
		step.do(t)
		waitWake(t, woke, "after "+step.name)
	}
}

// listen runs db.Listen until t ends and returns a channel that receives on
// each wake-up, and one that receives Listen's result.
func listen(t *testing.T, ctx context.Context, db *postgres.DB) (woke <-chan struct{}, done <-chan error) {
	w := make(chan struct{}, 100)
	d := make(chan error, 1)
	go func() {
		d <- db.Listen(ctx, func() {
			select {
			case w <- struct{}{}:
			default:
			}
		})
	}()
	return w, d
}

// waitWake fails t unless woke receives within wait.
func waitWake(t *testing.T, woke <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-woke:
	case <-time.After(wait):
		t.Fatalf("no wake-up within %v %s", wait, what)
	}
}

// drain empties woke.
func drain(woke <-chan struct{}) {
	for {
		select {
		case <-woke:
		default:
			return
		}
	}
}

// A node listening wakes when another node publishes, and Listen returns
// when its context ends.
func TestListen(t *testing.T) {
	t.Parallel()
	u := pgtest.NewDatabase(t)
	a, b := openURL(t, u), openURL(t, u)
	tenantID := setup(t, b)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	woke, done := listen(t, ctx, a)
	waitWake(t, woke, "after connecting") // Listen wakes once when it has connected
	drain(woke)

	publish(t, b, tenantID, 1)
	waitWake(t, woke, "after another node published")

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Listen after its context ended = %v, want nil", err)
		}
	case <-time.After(wait):
		t.Fatal("Listen did not return after its context ended")
	}
}

// Listen reconnects when its connection dies, and Close ends it.
func TestListenReconnects(t *testing.T) {
	t.Parallel()
	u := pgtest.NewDatabase(t)
	a, b := openURL(t, u), openURL(t, u)
	tenantID := setup(t, b)

	woke, done := listen(t, context.Background(), a)
	waitWake(t, woke, "after connecting")
	drain(woke)

	var n int
	err := b.W.QueryRowContext(t.Context(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = 'hookhub listen'`).Scan(&n)
	if err != nil || n != 1 {
		t.Fatalf("terminate the listening session: %d sessions, %v", n, err)
	}
	waitWake(t, woke, "after reconnecting")
	drain(woke)
	publish(t, b, tenantID, 1)
	waitWake(t, woke, "after another node published, once reconnected")

	if err := a.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Listen after Close = %v, want nil", err)
		}
	case <-time.After(wait):
		t.Fatal("Listen did not return after Close")
	}
	if err := a.Listen(t.Context(), func() {}); err == nil {
		t.Error("Listen on a closed DB = nil, want an error")
	}
}

// leaders returns which of dbs lead now.
func leaders(t *testing.T, dbs ...*postgres.DB) []bool {
	out := make([]bool, len(dbs))
	for i, db := range dbs {
		out[i] = db.Lead(t.Context())
	}
	return out
}

// waitLead fails t unless db leads within wait.
func waitLead(t *testing.T, db *postgres.DB, what string) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !db.Lead(t.Context()) {
		if time.Now().After(deadline) {
			t.Fatalf("the other node does not lead within %v %s", wait, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// One node leads at a time; when it closes, another takes over.
func TestLead(t *testing.T) {
	t.Parallel()
	u := pgtest.NewDatabase(t)
	a, b := openURL(t, u), openURL(t, u)

	if got, want := leaders(t, a, b), []bool{true, false}; !slices.Equal(got, want) {
		t.Fatalf("Lead of a, b = %v, want %v", got, want)
	}
	if got, want := leaders(t, b, a), []bool{false, true}; !slices.Equal(got, want) {
		t.Fatalf("Lead again of b, a = %v, want %v", got, want)
	}
	if err := a.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if a.Lead(t.Context()) {
		t.Error("a closed DB leads")
	}
	waitLead(t, b, "after the leader closed")
	if !b.Lead(t.Context()) {
		t.Error("the new leader no longer leads")
	}
}

// When the leader's session dies, another node takes over and the old
// leader knows it no longer leads.
func TestLeadMoves(t *testing.T) {
	t.Parallel()
	u := pgtest.NewDatabase(t)
	a, b := openURL(t, u), openURL(t, u)
	if !a.Lead(t.Context()) {
		t.Fatal("the first node does not lead")
	}
	var n int
	err := b.W.QueryRowContext(t.Context(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = 'hookhub leader'`).Scan(&n)
	if err != nil || n != 1 {
		t.Fatalf("terminate the leader's session: %d sessions, %v", n, err)
	}
	waitLead(t, b, "after the leader's session died")
	if got, want := leaders(t, a, b), []bool{false, true}; !slices.Equal(got, want) {
		t.Errorf("Lead of a, b = %v, want %v", got, want)
	}
}

// Nodes starting together on a fresh database take turns migrating it.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	u := pgtest.NewDatabase(t)
	const nodes = 4
	dbs := make([]*postgres.DB, nodes)
	errs := make([]error, nodes)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Go(func() {
			dbs[i], errs[i] = postgres.Open(t.Context(), postgres.Config{URL: u, Key: testKey, MaxConns: 2})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
			continue
		}
		t.Cleanup(func() { dbs[i].Close() })
	}
	if t.Failed() {
		return
	}
	// Numbers may have gaps (branches take numbers in parallel), so count
	// the files rather than trust the highest number.
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	var versions, tables int
	if err := dbs[0].R.QueryRowContext(t.Context(), `SELECT count(*) FROM schema_migrations`).Scan(&versions); err != nil {
		t.Fatalf("count migrations: %v", err)
	}
	if versions == 0 || versions != len(files) {
		t.Errorf("schema_migrations has %d rows, want one per migration file (%d)", versions, len(files))
	}
	if err := dbs[0].R.QueryRowContext(t.Context(),
		`SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'`).Scan(&tables); err != nil {
		t.Fatalf("count tables: %v", err)
	}
	if tables != 23 { // 21, and 0008's applications and saved_responses
		t.Errorf("the database has %d tables, want 23", tables)
	}
	setup(t, dbs[nodes-1])
}

// A database migrated by a newer hookhub is refused.
func TestSchemaNewer(t *testing.T) {
	t.Parallel()
	u := pgtest.NewDatabase(t)
	db := openURL(t, u)
	if _, err := db.W.ExecContext(t.Context(),
		`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 0)`); err != nil {
		t.Fatalf("insert future migration: %v", err)
	}
	db.Close()
	_, err := postgres.Open(t.Context(), postgres.Config{URL: u, Key: testKey})
	if err == nil || !strings.Contains(err.Error(), "database schema version 9999 is newer than this hookhub knows") {
		t.Errorf("Open of a newer database = %v, want the newer schema error", err)
	}
}

// A server that cannot be reached, or refuses, is named in the error, and
// the password is not.
func TestOpenErrors(t *testing.T) {
	t.Parallel()
	const password = "s3cret-Passw0rd"
	t.Run("unreachable", func(t *testing.T) {
		t.Parallel()
		_, err := postgres.Open(t.Context(), postgres.Config{
			URL: "postgres://hookhub:" + password + "@127.0.0.1:1/hookhub?connect_timeout=5", Key: testKey,
		})
		if err == nil || !strings.Contains(err.Error(), "cannot reach PostgreSQL at 127.0.0.1:1: ") {
			t.Errorf("Open = %v, want cannot reach PostgreSQL at 127.0.0.1:1", err)
		}
		if err != nil && strings.Contains(err.Error(), password) {
			t.Errorf("Open error shows the password: %v", err)
		}
	})
	t.Run("bad URL", func(t *testing.T) {
		t.Parallel()
		_, err := postgres.Open(t.Context(), postgres.Config{URL: "postgres://hookhub:" + password + "@127.0.0.1:notaport/x", Key: testKey})
		if err == nil || strings.Contains(err.Error(), password) {
			t.Errorf("Open = %v, want an error without the password", err)
		}
	})
	t.Run("no such database", func(t *testing.T) {
		t.Parallel()
		u, err := url.Parse(pgtest.NewDatabase(t))
		if err != nil || u.Scheme == "" {
			t.Skip("HOOKHUB_TEST_POSTGRES is not a URL")
		}
		u.Path = "/" + pgtest.Prefix + "missing"
		_, err = postgres.Open(t.Context(), postgres.Config{URL: u.String(), Key: testKey})
		if err == nil || !strings.Contains(err.Error(), "refused the connection") || !strings.Contains(err.Error(), "does not exist") {
			t.Errorf("Open = %v, want the server's refusal", err)
		}
	})
	t.Run("config", func(t *testing.T) {
		t.Parallel()
		for _, cfg := range []postgres.Config{
			{Key: testKey},
			{URL: "postgres://localhost/x", Key: []byte("short")},
			{URL: "postgres://localhost/x", Key: testKey, MaxConns: -1},
			{URL: "postgres://localhost/x", Key: testKey, StatementTimeout: -time.Second},
		} {
			if _, err := postgres.Open(t.Context(), cfg); err == nil {
				t.Errorf("Open(%+v) = nil error", cfg)
			}
		}
	})
}

// The pool has MaxConns connections, each with the statement timeout.
func TestPool(t *testing.T) {
	t.Parallel()
	u := pgtest.NewDatabase(t)
	db, err := postgres.Open(t.Context(), postgres.Config{URL: u, Key: testKey, MaxConns: 3, StatementTimeout: 250 * time.Millisecond})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	if db.R != db.W {
		t.Error("R and W are different pools")
	}
	if got, want := db.W.Stats().MaxOpenConnections, 3; got != want {
		t.Errorf("MaxOpenConnections = %d, want %d", got, want)
	}
	var timeout string
	if err := db.W.QueryRowContext(t.Context(), `SHOW statement_timeout`).Scan(&timeout); err != nil || timeout != "250ms" {
		t.Errorf("statement_timeout = %q, %v; want 250ms", timeout, err)
	}
	_, err = db.W.ExecContext(t.Context(), `SELECT pg_sleep(5)`)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "57014" {
		t.Errorf("a statement longer than the timeout = %v, want SQLSTATE 57014", err)
	}

	def, err := postgres.Open(t.Context(), postgres.Config{URL: u, Key: testKey})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer def.Close()
	if got, want := def.W.Stats().MaxOpenConnections, postgres.DefaultMaxConns; got != want {
		t.Errorf("MaxOpenConnections = %d, want %d", got, want)
	}
	if err := def.W.QueryRowContext(t.Context(), `SHOW statement_timeout`).Scan(&timeout); err != nil || timeout != "30s" {
		t.Errorf("default statement_timeout = %q, %v; want 30s", timeout, err)
	}
}
