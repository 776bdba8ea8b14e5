// Package storetest is the test suite every store (hookhub.Store and
// crm.Store together) passes. A store's
// own test calls Run with a function that opens a fresh, empty store:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Store { return openTest(t) })
//	}
//
// Each behaviour is a parallel subtest with its own store. Time is a fixed
// injected clock moved forward by hand; nothing sleeps. Stores may keep times
// at millisecond precision and return them in UTC, so times are compared
// after truncating to the millisecond.
package storetest

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
)

// Store is what the suite tests: hookhub's store and the CRM's, as the SQL
// store implements both over one database.
type Store interface {
	hookhub.Store
	crm.Store
}

// Run runs the suite against the stores open returns. open must return a new
// empty store on each call and register its own cleanup with t.
func Run(t *testing.T, open func(t *testing.T) Store) {
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, open(t))
		})
	}
}

// tests lists the behaviours, one subtest each.
var tests = []struct {
	name string
	fn   func(t *testing.T, s Store)
}{
	{"Ping", testPing},
	{"Text", testText},     // text.go
	{"Gauges", testGauges}, // gauges.go

	{"Tenant", testTenant},
	{"Token", testToken},
	{"TokenTenants", testTokenTenants},
	{"EventType", testEventType},

	{"WebhookRoundTrip", testWebhookRoundTrip},
	{"WebhookList", testWebhookList},
	{"WebhookUpdate", testWebhookUpdate},
	{"WebhookDelete", testWebhookDelete},
	{"WebhookTenants", testWebhookTenants},
	{"WebhookLimit", testWebhookLimit},
	{"HeadersSealed", testHeadersSealed}, {"AttemptCredentialsHidden", testAttemptCredentialsHidden}, {"UpgradeSecrets", testUpgradeSecrets}, // secrets.go

	{"PublishFanOut", testPublishFanOut},
	{"PublishIdempotency", testPublishIdempotency},
	{"PublishBatchMatches", testPublishBatchMatches},
	{"PublishKeysCrossed", testPublishKeysCrossed},
	{"PublishToWebhook", testPublishToWebhook},
	{"PublishTenants", testPublishTenants},
	{"PublishLeased", testPublishLeased}, {"PublishLeasedTakeBack", testPublishLeasedTakeBack}, {"WebhookVersion", testWebhookVersion}, // handoff.go
	{"EventList", testEventList},
	{"Apps", testApps},
	{"PreloadHistory", testPreloadHistory},
	{"Applications", testApplications}, {"SavedResponses", testSavedResponses}, {"EventTypeMeta", testEventTypeMeta}, {"Channels", testChannels}, {"PortalToken", testPortalToken}, // application.go
	{"ScriptFields", testScriptFields}, {"PublishFilter", testPublishFilter}, // scripts.go
	{"Integrations", testIntegrations}, {"InboundQueue", testInboundQueue}, // integration.go
	{"InboundTried", testInboundTried}, {"PanicInTransaction", testPanicInTransaction}, // inboundfailed.go
	{"Records", testRecords},                                                                     // record.go
	{"RecordsOutOfOrder", testRecordsOutOfOrder}, {"ContactsOutOfOrder", testContactsOutOfOrder}, // outoforder.go
	{"ProductsOutOfOrder", testProductsOutOfOrder}, {"ContactsWithoutEmail", testContactsWithoutEmail}, // identity.go
	{"ContactsWithoutEmailConcurrent", testContactsWithoutEmailConcurrent},
	{"CRM360Accounts", testCRM360Accounts}, {"CRM360Sources", testCRM360Sources}, {"QueueInbound", testQueueInbound}, // crm360.go
	{"ChangeContacts", testChangeContacts}, {"ChangeShop", testChangeShop}, {"ChangeTickets", testChangeTickets}, // change.go
	{"ChangeMessages", testChangeMessages}, {"ChangeStandardizeDedup", testChangeStandardizeDedup}, {"ChangeTenants", testChangeTenants},

	{"Claim", testClaim},
	{"ClaimLease", testClaimLease},
	{"ClaimEvent", testClaimEvent},
	{"ClaimConcurrent", testClaimConcurrent},
	{"TakeBack", testTakeBack}, // takeback.go

	{"CompleteSucceeded", testCompleteSucceeded},
	{"CompleteRetry", testCompleteRetry},
	{"CompleteFailed", testCompleteFailed},
	{"CompleteHeld", testCompleteHeld},
	{"CompleteReleased", testCompleteReleased},
	{"CompleteGone", testCompleteGone},
	{"CompleteTooManyErrors", testCompleteTooManyErrors},
	{"CompleteStreak", testCompleteStreak}, // streak.go
	{"CompleteEmailEachFailure", testCompleteEmailEachFailure},
	{"CompleteMany", testCompleteMany},
	{"CompleteFenced", testCompleteFenced},
	{"CompleteFencedMany", testCompleteFencedMany},
	{"CompleteManyMixed", testCompleteManyMixed},
	{"HeldReactivated", testHeldReactivated},

	{"RetryDelivery", testRetryDelivery},
	{"RecoverDeliveries", testRecoverDeliveries},
	{"DeliveryList", testDeliveryList},
	{"AttemptList", testAttemptList},

	{"Mail", testMail},
	{"MailLease", testMailLease},
	{"MailList", testMailList},

	{"Purge", testPurge},
	{"PurgeMany", testPurgeMany},
	{"PurgeKeepsUnsent", testPurgeKeepsUnsent},
	{"WritesTogether", testWritesTogether},
	{"Stats", testStats},

	{"Session", testSession}, {"SessionPurge", testSessionPurge}, {"GetToken", testGetToken}, // session.go

	{"TenantNames", testTenantNames}, {"TenantDisable", testTenantDisable}, {"TenantDelete", testTenantDelete}, {"AdminToken", testAdminToken}, // admin.go
}

// now is the suite's clock: tests move it forward by hand.
var now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// lease is the claim lease the tests use.
const lease = 30 * time.Second

func testPing(t *testing.T, s Store) {
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

// bundle is what most tests need: a tenant, a token of it and an active
// webhook subscribed to every event.
type bundle struct {
	tenant  *hookhub.Tenant
	token   *hookhub.Token
	webhook *hookhub.Webhook
}

// setup creates a bundle in s.
func setup(t *testing.T, s Store) *bundle {
	t.Helper()
	ten := newTenant(t, s)
	tok := newToken(t, s, ten.ID)
	w := newWebhook(t, s, ten.ID, func(w *hookhub.Webhook) { w.RegisteredBy, w.UpdatedBy = tok.ID, tok.ID })
	return &bundle{tenant: ten, token: tok, webhook: w}
}

func newTenant(t *testing.T, s Store) *hookhub.Tenant {
	t.Helper()
	ten := &hookhub.Tenant{ID: hookhub.NewID("ten"), Name: "Tenant " + hookhub.RandomString(4), CreatedAt: now}
	if err := s.CreateTenant(t.Context(), ten); err != nil {
		t.Fatalf("CreateTenant: %v", err)
	}
	return ten
}

func newToken(t *testing.T, s Store, tenantID string) *hookhub.Token {
	t.Helper()
	_, hash := hookhub.NewTokenSecret()
	tok := &hookhub.Token{
		ID: hookhub.NewID("tok"), TenantID: tenantID, Name: "admin", Hash: hash,
		Scopes: hookhub.AllScopes, CreatedAt: now,
	}
	if err := s.CreateToken(t.Context(), tok); err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	return tok
}

// newWebhook creates an active webhook of the tenant, subscribed to every
// event, with the defaults applied after edit has changed it.
func newWebhook(t *testing.T, s Store, tenantID string, edit func(w *hookhub.Webhook)) *hookhub.Webhook {
	t.Helper()
	w := &hookhub.Webhook{
		TenantID:     tenantID,
		Name:         "hook",
		URL:          "https://receiver.example/hook",
		Events:       []string{"*"},
		Secret:       "whsec_" + hookhub.RandomString(24),
		RegisteredAt: now,
		UpdatedAt:    now,
	}
	if edit != nil {
		edit(w)
	}
	w.ApplyDefaults()
	if err := s.CreateWebhook(t.Context(), w); err != nil {
		t.Fatalf("CreateWebhook: %v", err)
	}
	if w.ID == 0 {
		t.Fatal("CreateWebhook did not set ID")
	}
	return w
}

func getWebhook(t *testing.T, s Store, tenantID string, id int64) *hookhub.Webhook {
	t.Helper()
	w, err := s.GetWebhook(t.Context(), tenantID, id)
	if err != nil {
		t.Fatalf("GetWebhook(%d): %v", id, err)
	}
	return w
}

// newEvent returns an event of the tenant, created at.
func newEvent(tenantID, typ string, at time.Time) *hookhub.Event {
	return &hookhub.Event{
		TenantID:       tenantID,
		Type:           typ,
		EntityType:     "contact",
		EntityID:       "c_" + hookhub.RandomString(6),
		Data:           json.RawMessage(`{"name":"Ada","n":1}`),
		ModifiedFields: []string{"name", "email"},
		CreatedAt:      at,
	}
}

// publish publishes one event of typ at the time at and returns its result.
func publish(t *testing.T, s Store, at time.Time, tenantID, typ string) hookhub.PublishResult {
	t.Helper()
	rs, err := s.Publish(t.Context(), at, hookhub.PublishRequest{Event: newEvent(tenantID, typ, at)})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if len(rs) != 1 {
		t.Fatalf("Publish returned %d results, want 1", len(rs))
	}
	if rs[0].Event.ID == 0 {
		t.Fatal("Publish returned an event without ID")
	}
	return rs[0]
}

// publishN publishes n events of typ at the time at in one call and returns
// their ids.
func publishN(t *testing.T, s Store, at time.Time, tenantID, typ string, n int) []int64 {
	t.Helper()
	reqs := make([]hookhub.PublishRequest, n)
	for i := range reqs {
		reqs[i] = hookhub.PublishRequest{Event: newEvent(tenantID, typ, at)}
	}
	rs, err := s.Publish(t.Context(), at, reqs...)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if len(rs) != n {
		t.Fatalf("Publish returned %d results, want %d", len(rs), n)
	}
	ids := make([]int64, n)
	for i, r := range rs {
		ids[i] = r.Event.ID
	}
	return ids
}

// deliveriesOf lists every delivery of an event.
func deliveriesOf(t *testing.T, s Store, tenantID string, eventID int64) []*hookhub.Delivery {
	t.Helper()
	ds, err := s.ListDeliveries(t.Context(), tenantID, hookhub.DeliveryFilter{EventID: eventID, Page: hookhub.Page{Limit: 1000}})
	if err != nil {
		t.Fatalf("ListDeliveries(event %d): %v", eventID, err)
	}
	return ds
}

// onlyDelivery returns the one delivery of an event.
func onlyDelivery(t *testing.T, s Store, tenantID string, eventID int64) *hookhub.Delivery {
	t.Helper()
	ds := deliveriesOf(t, s, tenantID, eventID)
	if len(ds) != 1 {
		t.Fatalf("event %d has %d deliveries, want 1", eventID, len(ds))
	}
	return ds[0]
}

func getDelivery(t *testing.T, s Store, tenantID string, id int64) *hookhub.Delivery {
	t.Helper()
	d, err := s.GetDelivery(t.Context(), tenantID, id)
	if err != nil {
		t.Fatalf("GetDelivery(%d): %v", id, err)
	}
	return d
}

func claim(t *testing.T, s Store, at time.Time, limit int) []*hookhub.Claim {
	t.Helper()
	cs, err := s.Claim(t.Context(), at, limit, lease)
	if err != nil {
		t.Fatalf("Claim: %v", err)
	}
	return cs
}

// claimOne claims at the time at and expects exactly one delivery.
func claimOne(t *testing.T, s Store, at time.Time) *hookhub.Claim {
	t.Helper()
	cs := claim(t, s, at, 10)
	if len(cs) != 1 {
		t.Fatalf("Claim at %v got %d deliveries, want 1", at, len(cs))
	}
	return cs[0]
}

func complete(t *testing.T, s Store, at time.Time, outcomes ...hookhub.Outcome) {
	t.Helper()
	if err := s.Complete(t.Context(), at, outcomes); err != nil {
		t.Fatalf("Complete: %v", err)
	}
}

// attempt returns the attempt a worker made of c at the time at, answered
// with status.
func attempt(c *hookhub.Claim, at time.Time, status int) *hookhub.Attempt {
	ok := status >= 200 && status <= 299
	a := &hookhub.Attempt{
		DeliveryID: c.ID,
		TenantID:   c.TenantID,
		WebhookID:  c.WebhookID,
		EventID:    c.EventID,
		Number:     c.Attempts,
		URL:        "https://receiver.example/hook",
		StartedAt:  at,
		Duration:   1234 * time.Millisecond,
		RequestHeaders: http.Header{
			"Content-Type": {"application/json"},
			"Webhook-Id":   {c.Event.MessageID()},
		},
		RequestBody:     []byte(`{"type":"` + c.Event.Type + `"}`),
		Status:          status,
		ResponseHeaders: http.Header{"X-Reply": {"a", "b"}},
		ResponseBody:    []byte(fmt.Sprintf("answer %d", status)),
		Success:         ok,
	}
	if !ok {
		a.Error = fmt.Sprintf("receiver answered %d", status)
	}
	return a
}

// succeeded, retry and failed are outcomes of c with an attempt at the time at.
func succeeded(c *hookhub.Claim, at time.Time) hookhub.Outcome {
	return outcome(c, hookhub.OutcomeSucceeded, attempt(c, at, 200))
}

func retry(c *hookhub.Claim, at, runAt time.Time) hookhub.Outcome {
	o := outcome(c, hookhub.OutcomeRetry, attempt(c, at, 500))
	o.RunAt = runAt
	return o
}

func failed(c *hookhub.Claim, at time.Time) hookhub.Outcome {
	return outcome(c, hookhub.OutcomeFailed, attempt(c, at, 500))
}

func outcome(c *hookhub.Claim, kind hookhub.OutcomeKind, a *hookhub.Attempt) hookhub.Outcome {
	return hookhub.Outcome{DeliveryID: c.ID, TenantID: c.TenantID, WebhookID: c.WebhookID, Kind: kind, Attempt: a}
}

// sameTime reports whether a and b are the same instant to the millisecond.
func sameTime(a, b time.Time) bool {
	return a.Truncate(time.Millisecond).Equal(b.Truncate(time.Millisecond))
}

// sameJSON reports whether a and b hold the same JSON value; two empty
// values are the same.
func sameJSON(a, b []byte) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == 0 && len(b) == 0 || string(a) == "null" || string(b) == "null"
	}
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// sameHeader reports whether a and b hold the same fields; nil and empty
// are the same.
func sameHeader(a, b http.Header) bool {
	return maps.EqualFunc(a, b, func(x, y []string) bool { return slices.Equal(x, y) })
}

// wantCode fails t unless err has the code.
func wantCode(t *testing.T, what string, err error, code hookhub.Code) {
	t.Helper()
	if got := hookhub.ErrorCode(err); got != code {
		t.Errorf("%s: error code %q (%v), want %q", what, got, err, code)
	}
}

// ids returns the ids of xs, sorted.
func ids[T any](xs []T, id func(T) int64) []int64 {
	out := make([]int64, 0, len(xs))
	for _, x := range xs {
		out = append(out, id(x))
	}
	slices.Sort(out)
	return out
}

func webhookID(w *hookhub.Webhook) int64   { return w.ID }
func deliveryID(d *hookhub.Delivery) int64 { return d.ID }
func attemptID(a *hookhub.Attempt) int64   { return a.ID }
func claimID(c *hookhub.Claim) int64       { return c.ID }
func mailID(m *hookhub.Mail) int64         { return m.ID }

// sorted returns a sorted copy of xs.
func sorted(xs ...int64) []int64 {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}
