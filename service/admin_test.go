package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/service"
)

func newAdmin(t *testing.T, svc *service.Service) *hookhub.AdminToken {
	t.Helper()
	_, secret, err := svc.CreateAdminToken(context.Background(), "ops")
	if err != nil {
		t.Fatal(err)
	}
	a, err := svc.AuthenticateAdmin(context.Background(), secret)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestDisableTenantCachedToken: a token looked up a moment ago (so in the
// cache) stops working at once when its tenant is disabled through this
// node, and works again when the tenant is enabled; the other tenant's
// token is not touched.
func TestDisableTenantCachedToken(t *testing.T) {
	t.Parallel()
	svc, b := setup(t, options{})
	ctx := context.Background()
	admin := newAdmin(t, svc)
	ten, secret, err := svc.AdminCreateTenant(ctx, admin, "Cached")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, secret); err != nil { // cached now
		t.Fatalf("Authenticate: %v", err)
	}
	if _, err := svc.DisableTenant(ctx, admin, ten.ID, true); err != nil {
		t.Fatalf("DisableTenant: %v", err)
	}
	_, err = svc.Authenticate(ctx, secret)
	if got := hookhub.ErrorCode(err); got != hookhub.EUNAUTHORIZED {
		t.Errorf("Authenticate after disable: %q (%v), want %q", got, err, hookhub.EUNAUTHORIZED)
	}
	if _, err := svc.ListWebhooks(ctx, b.a, hookhub.WebhookFilter{}); err != nil {
		t.Errorf("another tenant's call after the disable: %v", err)
	}
	if _, err := svc.DisableTenant(ctx, admin, ten.ID, false); err != nil {
		t.Fatalf("DisableTenant(enable): %v", err)
	}
	if _, err := svc.Authenticate(ctx, secret); err != nil {
		t.Errorf("Authenticate after enable: %v", err)
	}

	if err := svc.DeleteTenant(ctx, admin, ten.ID); err != nil {
		t.Fatalf("DeleteTenant: %v", err)
	}
	_, err = svc.Authenticate(ctx, secret)
	if got := hookhub.ErrorCode(err); got != hookhub.EUNAUTHORIZED {
		t.Errorf("Authenticate after delete: %q (%v), want %q", got, err, hookhub.EUNAUTHORIZED)
	}
}

// TestAdminTokens: the configured admin token and made ones authenticate as
// admins and not as tenants; tenants' tokens are not admin tokens; a token
// made for a tenant by an admin acts for that tenant.
func TestAdminTokens(t *testing.T) {
	t.Parallel()
	svc, b := setup(t, options{adminToken: "configured-admin-secret-0123456789"})
	ctx := context.Background()
	if a, err := svc.AuthenticateAdmin(ctx, "configured-admin-secret-0123456789"); err != nil || a.ID == "" {
		t.Errorf("AuthenticateAdmin(configured) = %+v, %v", a, err)
	}
	_, made, err := svc.CreateAdminToken(ctx, "ops")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := svc.AuthenticateAdmin(ctx, made)
	if err != nil {
		t.Fatalf("AuthenticateAdmin(made): %v", err)
	}
	for _, secret := range []string{"configured-admin-secret-0123456789", made} {
		_, err := svc.Authenticate(ctx, secret)
		if got := hookhub.ErrorCode(err); got != hookhub.EUNAUTHORIZED {
			t.Errorf("Authenticate(admin secret) = %q, want %q", got, hookhub.EUNAUTHORIZED)
		}
	}
	for _, secret := range []string{"", "configured-admin-secret", "hha_nope"} {
		_, err := svc.AuthenticateAdmin(ctx, secret)
		if got := hookhub.ErrorCode(err); got != hookhub.EUNAUTHORIZED {
			t.Errorf("AuthenticateAdmin(%q) = %q, want %q", secret, got, hookhub.EUNAUTHORIZED)
		}
	}
	if _, err := svc.ListTenants(ctx, nil, hookhub.TenantFilter{}); hookhub.ErrorCode(err) != hookhub.EUNAUTHORIZED {
		t.Errorf("ListTenants(no admin) = %v, want unauthorized", err)
	}

	tok, secret, err := svc.CreateTenantToken(ctx, admin, b.a.TenantID, "recovered", nil, time.Time{})
	if err != nil {
		t.Fatalf("CreateTenantToken: %v", err)
	}
	if tok.TenantID != b.a.TenantID || len(tok.Scopes) != len(hookhub.AllScopes) {
		t.Errorf("CreateTenantToken = tenant %s, scopes %v; want %s with every scope", tok.TenantID, tok.Scopes, b.a.TenantID)
	}
	if got, err := svc.Authenticate(ctx, secret); err != nil || got.TenantID != b.a.TenantID {
		t.Errorf("Authenticate(made by admin) = %+v, %v", got, err)
	}
	_, _, err = svc.CreateTenantToken(ctx, admin, hookhub.NewID("ten"), "x", nil, time.Time{})
	if got := hookhub.ErrorCode(err); got != hookhub.ENOTFOUND {
		t.Errorf("CreateTenantToken(unknown tenant) = %q, want %q", got, hookhub.ENOTFOUND)
	}
	_, _, err = svc.AdminCreateTenant(ctx, admin, " a ")
	if got := hookhub.ErrorCode(err); got != hookhub.ECONFLICT {
		t.Errorf("AdminCreateTenant(a name taken, other case) = %q (%v), want %q", got, err, hookhub.ECONFLICT)
	}
	_, err = svc.RenameTenant(ctx, admin, b.a.TenantID, "")
	if got := hookhub.ErrorCode(err); got != hookhub.EINVALID {
		t.Errorf("RenameTenant(empty) = %q, want %q", got, hookhub.EINVALID)
	}
}
