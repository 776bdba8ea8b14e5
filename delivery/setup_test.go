package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/delivery"
	"github.com/hookhub/hookhub/egress"
	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/signature"
	"github.com/hookhub/hookhub/sqlite"
)

// fixture is what a delivery test needs: a real SQLite store in a temp
// folder and a tenant in it.
type fixture struct {
	store  *spyStore
	db     *sqlite.DB
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
	return &fixture{store: &spyStore{Store: db}, db: db, tenant: ten.ID}
}

// spyStore is the real store, with a count of the outcomes the engine
// hands back by kind, and of the webhooks it reads.
type spyStore struct {
	hookhub.Store
	mu    sync.Mutex
	kinds map[hookhub.OutcomeKind]int
	reads atomic.Int64 // GetWebhook calls
}

func (s *spyStore) GetWebhook(ctx context.Context, tenantID string, id int64) (*hookhub.Webhook, error) {
	s.reads.Add(1)
	return s.Store.GetWebhook(ctx, tenantID, id)
}

func (s *spyStore) Complete(ctx context.Context, now time.Time, outcomes []hookhub.Outcome) error {
	err := s.Store.Complete(ctx, now, outcomes)
	if err == nil {
		s.mu.Lock()
		if s.kinds == nil {
			s.kinds = map[hookhub.OutcomeKind]int{}
		}
		for _, o := range outcomes {
			s.kinds[o.Kind]++
		}
		s.mu.Unlock()
	}
	return err
}

func (s *spyStore) outcomes(k hookhub.OutcomeKind) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.kinds[k]
}

func newSecret(t testing.TB) string {
	t.Helper()
	s, err := signature.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// webhook creates an active webhook for contact.* events posting to url,
// with hookhub's defaults after edit has changed what the test needs.
func (f *fixture) webhook(t testing.TB, url string, edit func(w *hookhub.Webhook)) *hookhub.Webhook {
	t.Helper()
	now := time.Now()
	w := &hookhub.Webhook{
		TenantID:     f.tenant,
		Name:         "test hook",
		URL:          url,
		Events:       []string{"contact.*"},
		Secret:       newSecret(t),
		Retry:        hookhub.RetryPolicy{Schedule: []time.Duration{0}},
		RegisteredAt: now,
		RegisteredBy: "tok_test",
		UpdatedAt:    now,
		UpdatedBy:    "tok_test",
	}
	if edit != nil {
		edit(w)
	}
	w.ApplyDefaults()
	if err := w.Validate(); err != nil {
		t.Fatalf("webhook: %v", err)
	}
	if err := f.store.CreateWebhook(context.Background(), w); err != nil {
		t.Fatalf("create webhook: %v", err)
	}
	return w
}

// publish stores n contact.created events at now and returns them.
func (f *fixture) publish(t testing.TB, now time.Time, n int) []hookhub.Event {
	t.Helper()
	reqs := make([]hookhub.PublishRequest, n)
	for i := range reqs {
		reqs[i].Event = &hookhub.Event{
			TenantID:   f.tenant,
			Type:       "contact.created",
			EntityType: "contact",
			EntityID:   fmt.Sprint(i + 1),
			Data:       fmt.Appendf(nil, `{"id":%d,"name":"Contact %d","tags":["a","b"]}`, i+1, i+1),
		}
	}
	res, err := f.store.Publish(context.Background(), now, reqs...)
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	events := make([]hookhub.Event, n)
	for i, r := range res {
		events[i] = r.Event
	}
	return events
}

func (f *fixture) deliveries(t testing.TB, webhookID int64) []*hookhub.Delivery {
	t.Helper()
	ds, err := f.store.ListDeliveries(context.Background(), f.tenant,
		hookhub.DeliveryFilter{WebhookID: webhookID, Page: hookhub.Page{Limit: 500}})
	if err != nil {
		t.Fatalf("list deliveries: %v", err)
	}
	slices.Reverse(ds) // oldest first
	return ds
}

// attempts returns a delivery's attempts, oldest first.
func (f *fixture) attempts(t testing.TB, deliveryID int64) []*hookhub.Attempt {
	t.Helper()
	as, err := f.store.ListAttempts(context.Background(), f.tenant,
		hookhub.AttemptFilter{DeliveryID: deliveryID, Page: hookhub.Page{Limit: 500}})
	if err != nil {
		t.Fatalf("list attempts: %v", err)
	}
	slices.Reverse(as)
	return as
}

func (f *fixture) getWebhook(t testing.TB, id int64) *hookhub.Webhook {
	t.Helper()
	w, err := f.store.GetWebhook(context.Background(), f.tenant, id)
	if err != nil {
		t.Fatalf("get webhook %d: %v", id, err)
	}
	return w
}

// setState saves a webhook's new state as the API would.
func (f *fixture) setState(t testing.TB, id int64, state hookhub.WebhookState) {
	t.Helper()
	w := f.getWebhook(t, id)
	w.State, w.UpdatedAt = state, time.Now()
	if err := f.store.UpdateWebhook(context.Background(), w, ""); err != nil {
		t.Fatalf("update webhook: %v", err)
	}
}

// waitDeliveries waits until every delivery of a webhook is in state and
// there are n of them, and returns them oldest first.
func (f *fixture) waitDeliveries(t testing.TB, webhookID int64, n int, state hookhub.DeliveryState) []*hookhub.Delivery {
	t.Helper()
	var ds []*hookhub.Delivery
	waitFor(t, fmt.Sprintf("%d deliveries of webhook %d %s", n, webhookID, state), func() bool {
		ds = f.deliveries(t, webhookID)
		if len(ds) != n {
			return false
		}
		for _, d := range ds {
			if d.State != state {
				return false
			}
		}
		return true
	}, func() string { return describeDeliveries(ds) })
	return ds
}

func describeDeliveries(ds []*hookhub.Delivery) string {
	s := ""
	for _, d := range ds {
		s += fmt.Sprintf("\n  delivery %d: %s attempts %d run_at %s status %d error %q",
			d.ID, d.State, d.Attempts, d.RunAt.Format(time.RFC3339Nano), d.LastStatus, d.LastError)
	}
	return s
}

// waitFor waits until cond holds (see hookhubtest.Eventually), failing
// with more's account of the last state when given.
func waitFor(t testing.TB, what string, cond func() bool, more func() string) {
	t.Helper()
	hookhubtest.EventuallyNil(t, what, func() error {
		switch {
		case cond():
			return nil
		case more != nil:
			return errors.New(more())
		}
		return errors.New("not yet")
	})
}

// frozenClock returns a clock stopped at a whole second near now.
func frozenClock() *hookhubtest.Clock {
	return hookhubtest.NewClock(time.Now().Truncate(time.Second))
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// loopbackClient is the production client (no redirects) with private
// targets allowed, as the tests' receivers listen on loopback.
func loopbackClient() *http.Client {
	p := egress.Policy{AllowPrivate: true}
	return p.Client(p.Transport())
}

// engineConfig is a test engine's configuration: the real store, a short
// poll interval, loopback allowed.
func (f *fixture) engineConfig(t testing.TB) delivery.Config {
	return delivery.Config{
		Store:        f.store,
		Client:       loopbackClient(),
		Logger:       testLogger(t),
		PollInterval: 20 * time.Millisecond,
	}
}

// running is an engine started by start.
type running struct {
	*delivery.Engine
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
}

// stop cancels the engine's context and waits for Run to return.
func (r *running) stop(t testing.TB) {
	t.Helper()
	r.once.Do(r.cancel)
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
		r.done <- err // for a later stop
	case <-time.After(hookhubtest.WaitTimeout):
		t.Fatalf("Run did not return within %s of its context ending", hookhubtest.WaitTimeout)
	}
}

// start runs an engine with cfg until the test ends or stop is called.
func start(t testing.TB, cfg delivery.Config) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{Engine: delivery.New(cfg), cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- r.Run(ctx) }()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// request is one request a receiver got.
type request struct {
	header http.Header
	body   []byte
}

// receiver is a real HTTP server that records what it gets and answers
// with reply (200 "ok" when nil).
type receiver struct {
	*httptest.Server
	reply func(w http.ResponseWriter, r *http.Request, n int) // n counts requests from 1

	mu   sync.Mutex
	reqs []request
	n    atomic.Int64
}

func newReceiver(t testing.TB, reply func(w http.ResponseWriter, r *http.Request, n int)) *receiver {
	t.Helper()
	rc := &receiver{reply: reply}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("receiver: read body: %v", err)
		}
		rc.mu.Lock()
		rc.reqs = append(rc.reqs, request{header: r.Header.Clone(), body: body})
		rc.mu.Unlock()
		n := int(rc.n.Add(1))
		if rc.reply == nil {
			io.WriteString(w, "ok")
			return
		}
		rc.reply(w, r, n)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) requests() []request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.reqs)
}

func (rc *receiver) count() int { return int(rc.n.Load()) }

// byMessage groups a receiver's requests by webhook-id.
func (rc *receiver) byMessage() map[string][]request {
	m := map[string][]request{}
	for _, r := range rc.requests() {
		id := r.header.Get("webhook-id")
		m[id] = append(m[id], r)
	}
	return m
}
