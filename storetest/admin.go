package storetest

import (
	"bytes"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

// testTenantNames: names are unique ignoring case, on create and rename;
// tenants are listed by name and filtered by a substring of it.
func testTenantNames(t *testing.T, s Store) {
	ctx := t.Context()
	acme := &hookhub.Tenant{ID: hookhub.NewID("ten"), Name: "Acme", CreatedAt: now}
	beta := &hookhub.Tenant{ID: hookhub.NewID("ten"), Name: "Beta shop", CreatedAt: now}
	for _, ten := range []*hookhub.Tenant{acme, beta} {
		if err := s.CreateTenant(ctx, ten); err != nil {
			t.Fatalf("CreateTenant(%s): %v", ten.Name, err)
		}
	}
	err := s.CreateTenant(ctx, &hookhub.Tenant{ID: hookhub.NewID("ten"), Name: "ACME", CreatedAt: now})
	wantCode(t, "CreateTenant(ACME after Acme)", err, hookhub.ECONFLICT)
	_, err = s.RenameTenant(ctx, beta.ID, "acme")
	wantCode(t, "RenameTenant(to acme)", err, hookhub.ECONFLICT)
	_, err = s.RenameTenant(ctx, hookhub.NewID("ten"), "Gamma")
	wantCode(t, "RenameTenant(unknown)", err, hookhub.ENOTFOUND)

	got, err := s.RenameTenant(ctx, beta.ID, "Beta")
	if err != nil {
		t.Fatalf("RenameTenant: %v", err)
	}
	if got.ID != beta.ID || got.Name != "Beta" || !sameTime(got.CreatedAt, now) || !got.DisabledAt.IsZero() {
		t.Errorf("RenameTenant = %+v, want Beta, created at %v, enabled", got, now)
	}
	if again, err := s.RenameTenant(ctx, acme.ID, "ACME"); err != nil || again.Name != "ACME" {
		t.Errorf("RenameTenant(own name, other case) = %+v, %v; want ACME", again, err)
	}

	all, err := s.ListTenants(ctx, hookhub.TenantFilter{})
	if err != nil {
		t.Fatalf("ListTenants: %v", err)
	}
	if len(all) != 2 || all[0].ID != acme.ID || all[1].ID != beta.ID || all[1].Name != "Beta" {
		t.Errorf("ListTenants = %v, want ACME then Beta", tenantNames(all))
	}
	some, err := s.ListTenants(ctx, hookhub.TenantFilter{Name: "bet"})
	if err != nil {
		t.Fatalf("ListTenants(bet): %v", err)
	}
	if len(some) != 1 || some[0].ID != beta.ID {
		t.Errorf("ListTenants(bet) = %v, want Beta", tenantNames(some))
	}
}

func tenantNames(ts []*hookhub.Tenant) []string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Name
	}
	return names
}

// testTenantDisable: a disabled tenant's tokens are not found, its pending
// deliveries are held and nothing of it is claimed, other tenants go on;
// enabling it gives its tokens back and releases the deliveries of its
// active webhooks only.
func testTenantDisable(t *testing.T, s Store) {
	ctx := t.Context()
	a, other := setup(t, s), setup(t, s)
	stopped := newWebhook(t, s, a.tenant.ID, func(w *hookhub.Webhook) { w.State = hookhub.StateStopped })
	before := publish(t, s, now, a.tenant.ID, "contact.created")

	at := now.Add(time.Minute)
	ten, err := s.DisableTenant(ctx, a.tenant.ID, true, at)
	if err != nil {
		t.Fatalf("DisableTenant: %v", err)
	}
	if !sameTime(ten.DisabledAt, at) {
		t.Errorf("DisabledAt = %v, want %v", ten.DisabledAt, at)
	}
	if got, _ := s.GetTenant(ctx, a.tenant.ID); got == nil || !sameTime(got.DisabledAt, at) {
		t.Errorf("GetTenant after disable = %+v, want disabled at %v", got, at)
	}
	if again, err := s.DisableTenant(ctx, a.tenant.ID, true, at.Add(time.Hour)); err != nil || !sameTime(again.DisabledAt, at) {
		t.Errorf("DisableTenant again = %+v, %v; want still disabled at %v", again, err, at)
	}
	_, err = s.TokenByHash(ctx, a.token.Hash)
	wantCode(t, "TokenByHash(disabled tenant's token)", err, hookhub.ENOTFOUND)
	_, err = s.GetToken(ctx, a.tenant.ID, a.token.ID)
	wantCode(t, "GetToken(disabled tenant's token)", err, hookhub.ENOTFOUND)
	if _, err := s.TokenByHash(ctx, other.token.Hash); err != nil {
		t.Errorf("TokenByHash(other tenant's token): %v", err)
	}
	for _, d := range deliveriesOf(t, s, a.tenant.ID, before.Event.ID) {
		if d.State != hookhub.DeliveryHeld {
			t.Errorf("delivery %d to webhook %d after disable: %s, want held", d.ID, d.WebhookID, d.State)
		}
	}

	// Published while disabled (an inbound request may still publish): kept,
	// not sent.
	during := publish(t, s, at, a.tenant.ID, "contact.updated")
	publish(t, s, at, other.tenant.ID, "contact.created")
	cs := claim(t, s, at.Add(time.Hour), 100)
	if len(cs) != 1 || cs[0].TenantID != other.tenant.ID {
		t.Fatalf("claimed %d deliveries while a tenant is disabled (%v), want only the other tenant's one", len(cs), cs)
	}
	complete(t, s, at.Add(time.Hour), succeeded(cs[0], at.Add(time.Hour)))

	back := at.Add(2 * time.Hour)
	ten, err = s.DisableTenant(ctx, a.tenant.ID, false, back)
	if err != nil {
		t.Fatalf("DisableTenant(enable): %v", err)
	}
	if !ten.DisabledAt.IsZero() {
		t.Errorf("DisabledAt after enable = %v, want zero", ten.DisabledAt)
	}
	if _, err := s.TokenByHash(ctx, a.token.Hash); err != nil {
		t.Errorf("TokenByHash after enable: %v", err)
	}
	if _, err := s.GetToken(ctx, a.tenant.ID, a.token.ID); err != nil {
		t.Errorf("GetToken after enable: %v", err)
	}
	for _, d := range deliveriesOf(t, s, a.tenant.ID, before.Event.ID) {
		want := hookhub.DeliveryPending
		if d.WebhookID == stopped.ID {
			want = hookhub.DeliveryHeld
		}
		if d.State != want {
			t.Errorf("delivery %d to webhook %d after enable: %s, want %s", d.ID, d.WebhookID, d.State, want)
		}
	}
	got := map[int64]bool{}
	for _, c := range claim(t, s, back, 100) {
		if c.TenantID != a.tenant.ID || c.WebhookID != a.webhook.ID {
			t.Errorf("claimed delivery %d of tenant %s, webhook %d; want tenant %s, webhook %d", c.ID, c.TenantID, c.WebhookID, a.tenant.ID, a.webhook.ID)
		}
		got[c.EventID] = true
	}
	if !got[before.Event.ID] || !got[during.Event.ID] || len(got) != 2 {
		t.Errorf("claimed events %v after enable, want %d and %d", got, before.Event.ID, during.Event.ID)
	}

	_, err = s.DisableTenant(ctx, hookhub.NewID("ten"), true, at)
	wantCode(t, "DisableTenant(unknown)", err, hookhub.ENOTFOUND)
}

// testTenantDelete: deleting a tenant deletes all its objects and nothing
// of another tenant's.
func testTenantDelete(t *testing.T, s Store) {
	ctx := t.Context()
	a, other := setup(t, s), setup(t, s)
	for _, b := range []*bundle{a, other} {
		publish(t, s, now, b.tenant.ID, "contact.created")
		cs := claim(t, s, now, 100)
		for _, c := range cs {
			complete(t, s, now, succeeded(c, now))
		}
		publish(t, s, now, b.tenant.ID, "contact.updated") // one left pending
	}

	if err := s.DeleteTenant(ctx, a.tenant.ID); err != nil {
		t.Fatalf("DeleteTenant: %v", err)
	}
	_, err := s.GetTenant(ctx, a.tenant.ID)
	wantCode(t, "GetTenant(deleted)", err, hookhub.ENOTFOUND)
	err = s.DeleteTenant(ctx, a.tenant.ID)
	wantCode(t, "DeleteTenant(deleted)", err, hookhub.ENOTFOUND)
	_, err = s.TokenByHash(ctx, a.token.Hash)
	wantCode(t, "TokenByHash(deleted tenant's token)", err, hookhub.ENOTFOUND)
	_, err = s.GetWebhook(ctx, a.tenant.ID, a.webhook.ID)
	wantCode(t, "GetWebhook(deleted tenant's webhook)", err, hookhub.ENOTFOUND)

	count := func(tenantID string) (n int) {
		t.Helper()
		ws, err1 := s.ListWebhooks(ctx, tenantID, hookhub.WebhookFilter{})
		es, err2 := s.ListEvents(ctx, tenantID, hookhub.EventFilter{})
		ds, err3 := s.ListDeliveries(ctx, tenantID, hookhub.DeliveryFilter{})
		as, err4 := s.ListAttempts(ctx, tenantID, hookhub.AttemptFilter{})
		ts, err5 := s.ListTokens(ctx, tenantID)
		for _, err := range []error{err1, err2, err3, err4, err5} {
			if err != nil {
				t.Fatalf("list tenant %s's objects: %v", tenantID, err)
			}
		}
		return len(ws) + len(es) + len(ds) + len(as) + len(ts)
	}
	if n := count(a.tenant.ID); n != 0 {
		t.Errorf("the deleted tenant has %d objects left, want 0", n)
	}
	// The other tenant: a webhook, two events, two deliveries, one attempt
	// and a token.
	if got, want := count(other.tenant.ID), 7; got != want {
		t.Errorf("the other tenant has %d objects, want %d", got, want)
	}
	if cs := claim(t, s, now.Add(time.Hour), 100); len(cs) != 1 || cs[0].TenantID != other.tenant.ID {
		t.Errorf("claimed %v after the delete, want the other tenant's pending delivery only", cs)
	}
}

// testAdminToken: admin tokens are found by the hash of their secret.
func testAdminToken(t *testing.T, s Store) {
	ctx := t.Context()
	_, hash := hookhub.NewAdminTokenSecret()
	want := &hookhub.AdminToken{ID: hookhub.NewID("adm"), Name: "ops", Hash: hash, CreatedAt: now}
	if err := s.CreateAdminToken(ctx, want); err != nil {
		t.Fatalf("CreateAdminToken: %v", err)
	}
	got, err := s.AdminTokenByHash(ctx, hash)
	if err != nil {
		t.Fatalf("AdminTokenByHash: %v", err)
	}
	if got.ID != want.ID || got.Name != want.Name || !bytes.Equal(got.Hash, hash) || !sameTime(got.CreatedAt, now) {
		t.Errorf("AdminTokenByHash = %+v, want %+v", got, want)
	}
	_, other := hookhub.NewAdminTokenSecret()
	_, err = s.AdminTokenByHash(ctx, other)
	wantCode(t, "AdminTokenByHash(unknown)", err, hookhub.ENOTFOUND)
	// A tenant's token is not an admin token, nor the other way round.
	b := setup(t, s)
	_, err = s.AdminTokenByHash(ctx, b.token.Hash)
	wantCode(t, "AdminTokenByHash(a tenant's token)", err, hookhub.ENOTFOUND)
	_, err = s.TokenByHash(ctx, hash)
	wantCode(t, "TokenByHash(an admin token)", err, hookhub.ENOTFOUND)
}
