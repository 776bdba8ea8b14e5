package storetest

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
)

// testCRM360Accounts checks tenants' CRM360 names: set, changed, found in
// any case, unique across tenants.
func testCRM360Accounts(t *testing.T, s Store) {
	ctx := t.Context()
	ten, other := newTenant(t, s), newTenant(t, s)
	_, err := s.GetCRM360Account(ctx, ten.ID)
	wantCode(t, "GetCRM360Account(before any)", err, hookhub.ENOTFOUND)

	a := &crm.CRM360Account{TenantID: ten.ID, CustomerName: "FTS Services", DatabaseAlias: "Prod", UpdatedAt: now}
	if err := s.PutCRM360Account(ctx, a); err != nil {
		t.Fatalf("PutCRM360Account: %v", err)
	}
	got, err := s.CRM360AccountByName(ctx, " fts SERVICES", "prod ")
	if err != nil || got.TenantID != ten.ID || got.CustomerName != "FTS Services" || got.DatabaseAlias != "Prod" || !sameTime(got.UpdatedAt, now) {
		t.Errorf("CRM360AccountByName(any case) = %+v, %v; want tenant %s", got, err, ten.ID)
	}
	_, err = s.CRM360AccountByName(ctx, "FTS Services", "Staging")
	wantCode(t, "CRM360AccountByName(other alias)", err, hookhub.ENOTFOUND)

	// Another tenant cannot take the name; the same customer with another alias can.
	wantCode(t, "PutCRM360Account(taken)", s.PutCRM360Account(ctx, &crm.CRM360Account{TenantID: other.ID, CustomerName: "fts services", DatabaseAlias: "PROD", UpdatedAt: now}), hookhub.ECONFLICT)
	if err := s.PutCRM360Account(ctx, &crm.CRM360Account{TenantID: other.ID, CustomerName: "FTS Services", DatabaseAlias: "Staging", UpdatedAt: now}); err != nil {
		t.Fatalf("PutCRM360Account(other alias): %v", err)
	}
	// Renamed: the old name is free and unknown.
	a.DatabaseAlias, a.UpdatedAt = "Production", now.Add(time.Minute)
	if err := s.PutCRM360Account(ctx, a); err != nil {
		t.Fatalf("PutCRM360Account(rename): %v", err)
	}
	_, err = s.CRM360AccountByName(ctx, "FTS Services", "Prod")
	wantCode(t, "CRM360AccountByName(old name)", err, hookhub.ENOTFOUND)
	if got, err := s.GetCRM360Account(ctx, ten.ID); err != nil || got.DatabaseAlias != "Production" || !sameTime(got.UpdatedAt, now.Add(time.Minute)) {
		t.Errorf("GetCRM360Account after rename = %+v, %v", got, err)
	}
	if got, err := s.CRM360AccountByName(ctx, "FTS Services", "Staging"); err != nil || got.TenantID != other.ID {
		t.Errorf("other tenant's name = %+v, %v", got, err)
	}
}

// testCRM360Sources checks sources' settings: the secret kept sealed and
// given back, other tenants' integrations not found, settings gone with
// their integration.
func testCRM360Sources(t *testing.T, s Store) {
	ctx := t.Context()
	ten, other := newTenant(t, s), newTenant(t, s)
	shop := newIntegration(t, s, ten.ID, "crm360-shopify", "shop")
	theirs := newIntegration(t, s, other.ID, "crm360-shopify", "their shop")

	_, err := s.GetCRM360Source(ctx, ten.ID, shop.ID)
	wantCode(t, "GetCRM360Source(no settings)", err, hookhub.ENOTFOUND)
	src := &crm.CRM360Source{IntegrationID: shop.ID, TenantID: ten.ID, Auth: crm.AuthShopify, Secret: "shpss_äpp secret", UpdatedAt: now, UpdatedBy: "tok_1"}
	if err := s.PutCRM360Source(ctx, src); err != nil {
		t.Fatalf("PutCRM360Source: %v", err)
	}
	got, err := s.GetCRM360Source(ctx, ten.ID, shop.ID)
	if err != nil || got.Auth != crm.AuthShopify || got.Secret != src.Secret || got.UpdatedBy != "tok_1" || !sameTime(got.UpdatedAt, now) {
		t.Errorf("GetCRM360Source = %+v, %v; want %+v", got, err, src)
	}
	src.Auth, src.Secret = crm.AuthToken, ""
	if err := s.PutCRM360Source(ctx, src); err != nil {
		t.Fatalf("PutCRM360Source(back to token): %v", err)
	}
	if got, _ := s.GetCRM360Source(ctx, ten.ID, shop.ID); got.Auth != crm.AuthToken || got.Secret != "" {
		t.Errorf("after switching to token: %+v", got)
	}

	stolen := &crm.CRM360Source{IntegrationID: theirs.ID, TenantID: ten.ID, Auth: crm.AuthToken, UpdatedAt: now}
	wantCode(t, "PutCRM360Source(other tenant's integration)", s.PutCRM360Source(ctx, stolen), hookhub.ENOTFOUND)
	_, err = s.GetCRM360Source(ctx, other.ID, shop.ID)
	wantCode(t, "GetCRM360Source(other tenant)", err, hookhub.ENOTFOUND)

	if err := s.DeleteIntegration(ctx, ten.ID, shop.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetCRM360Source(ctx, ten.ID, shop.ID)
	wantCode(t, "GetCRM360Source(deleted integration)", err, hookhub.ENOTFOUND)
}

// testQueueInbound checks a queued message stored with its copies by
// e-mail in one transaction, due after its delay, and the fenced outcomes
// of its claims.
func testQueueInbound(t *testing.T, s Store) {
	ctx := t.Context()
	ten := newTenant(t, s)
	in := newIntegration(t, s, ten.ID, "crm360-shopify", "shop")
	m := &hookhub.InboundMessage{
		TenantID: ten.ID, IntegrationID: in.ID, Kind: in.Kind, Entity: "Customer", Action: "Insert", Method: "POST",
		Query: "CustomerName=acme&secondsOfInvisibility=60", Header: http.Header{"Content-Type": {"application/json"}},
		Body: []byte(`{"id":1,"email":"a@example.com"}`), ReceivedAt: now, Status: hookhub.InboundQueued, Answer: 200,
		RunAt: now.Add(time.Minute), UpdatedAt: now,
	}
	if err := s.QueueInboundMessage(ctx, m, []string{"ops@example.com", "audit@example.com"}); err != nil {
		t.Fatalf("QueueInboundMessage: %v", err)
	}
	got, err := s.GetInboundMessage(ctx, ten.ID, m.ID)
	if err != nil || got.Status != hookhub.InboundQueued || !sameTime(got.RunAt, now.Add(time.Minute)) || string(got.Body) != string(m.Body) || got.Entity != "Customer" {
		t.Fatalf("GetInboundMessage = %+v, %v", got, err)
	}
	mails, err := s.ListMail(ctx, ten.ID, hookhub.Page{})
	if err != nil || len(mails) != 2 {
		t.Fatalf("ListMail = %d, %v; want the 2 copies", len(mails), err)
	}
	for _, ml := range mails {
		if ml.Kind != crm.MailInboundCopy || ml.State != hookhub.MailQueued || !strings.Contains(ml.Text, string(m.Body)) || !strings.Contains(ml.Subject, "Customer Insert") {
			t.Errorf("copy = %+v", ml)
		}
	}
	if ms := claimInbound(t, s, now.Add(59*time.Second), 10); len(ms) != 0 {
		t.Errorf("claimed %d messages during their invisibility, want none", len(ms))
	}
	first := claimInbound(t, s, now.Add(time.Minute), 10)
	if len(first) != 1 || first[0].ID != m.ID || first[0].Attempts != 1 {
		t.Fatalf("claim when due = %+v, want message %d on try 1", first, m.ID)
	}
	// The lease runs out and another worker claims it: the first one's outcome is stale.
	second := claimInbound(t, s, now.Add(time.Minute+lease), 10)
	if len(second) != 1 || second[0].Attempts != 2 {
		t.Fatalf("claim after the lease = %+v, want try 2", second)
	}
	stale := hookhub.InboundOutcome{Status: hookhub.InboundFailed, Reason: "stale", Try: 1}
	wantCode(t, "FinishInboundMessage(stale try)", s.FinishInboundMessage(ctx, ten.ID, m.ID, stale, now), hookhub.ECONFLICT)
	if err := s.FinishInboundMessage(ctx, ten.ID, m.ID, hookhub.InboundOutcome{Status: hookhub.InboundDone, Try: 2}, now); err != nil {
		t.Errorf("FinishInboundMessage(current try): %v", err)
	}
	if got, _ := s.GetInboundMessage(ctx, ten.ID, m.ID); got.Status != hookhub.InboundDone || got.Reason != "" {
		t.Errorf("after the current try finished: %+v", got)
	}
	wantCode(t, "FinishInboundMessage(try of a done message)", s.FinishInboundMessage(ctx, ten.ID, m.ID, hookhub.InboundOutcome{Status: hookhub.InboundFailed, Try: 2}, now), hookhub.ECONFLICT)
}

// claimInbound claims up to limit inbound messages at the time at.
func claimInbound(t *testing.T, s Store, at time.Time, limit int) []*hookhub.InboundMessage {
	t.Helper()
	ms, err := s.ClaimInboundMessages(t.Context(), at, limit, lease)
	if err != nil {
		t.Fatalf("ClaimInboundMessages: %v", err)
	}
	return ms
}

// crmBundle is what the change tests need: a bundle with a webhook
// subscribed to everything, and an integration.
type crmBundle struct {
	*bundle
	in *hookhub.Integration
}

func crmSetup(t *testing.T, s Store) *crmBundle {
	t.Helper()
	b := setup(t, s)
	return &crmBundle{bundle: b, in: newIntegration(t, s, b.tenant.ID, "crm360-shopify", "shop")}
}

// apply applies ops as one change of the bundle's integration at the time
// at, and fails t on error.
func (b *crmBundle) apply(t *testing.T, s Store, at time.Time, ops ...crm.CRMOp) *crm.CRMResult {
	t.Helper()
	res, err := b.try(t, s, at, ops...)
	if err != nil {
		t.Fatalf("ApplyCRM: %v", err)
	}
	return res
}

func (b *crmBundle) try(t *testing.T, s Store, at time.Time, ops ...crm.CRMOp) (*crm.CRMResult, error) {
	t.Helper()
	ch := &crm.CRMChange{TenantID: b.tenant.ID, IntegrationID: b.in.ID, Ops: ops}
	ch.Prepare()
	if err := ch.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	return s.ApplyCRM(t.Context(), at, ch)
}

// eventTypes are the types of the events a result raised, in order, each
// checked to have one pending delivery.
func (b *crmBundle) eventTypes(t *testing.T, s Store, res *crm.CRMResult) []string {
	t.Helper()
	var types []string
	for _, e := range res.Events {
		types = append(types, e.Event.Type)
		if d := onlyDelivery(t, s, b.tenant.ID, e.Event.ID); d.State != hookhub.DeliveryPending {
			t.Errorf("event %s delivery state %s, want pending", e.Event.Type, d.State)
		}
	}
	return types
}

func wantTypes(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s raised %v, want %v", what, got, want)
	}
}

func customer(email, first string) *crm.Contact {
	return &crm.Contact{FirstName: first, LastName: "Norman", Email: email, Phone: crm.Phone{Country: "FR", Number: "06 12 34 56 78"}}
}

func getContact(t *testing.T, s Store, tenantID string, id int64) *crm.Contact {
	t.Helper()
	c, err := s.GetContact(t.Context(), tenantID, id)
	if err != nil {
		t.Fatalf("GetContact(%d): %v", id, err)
	}
	return c
}
