package console_test

import (
	"context"
	"testing"

	"github.com/hookhub/hookhub/console"
)

// TestDisabledTenantEndsSession: disabling a tenant over the admin API
// ends its console sessions at once, another tenant's stay; enabled again,
// it signs in again.
func TestDisabledTenantEndsSession(t *testing.T) {
	t.Parallel()
	b := setup(t, console.Options{})
	ctx := context.Background()
	_, secret, err := b.svc.CreateAdminToken(ctx, "ops")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := b.svc.AuthenticateAdmin(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	a, other := b.client(t), b.client(t)
	a.signIn(b.aSecret)
	other.signIn(b.bSecret)
	if _, err := b.svc.DisableTenant(ctx, admin, b.a.TenantID, true); err != nil {
		t.Fatal(err)
	}
	if p := a.get("/"); !p.signedOut() {
		t.Errorf("a disabled tenant's session: %d, want the sign-in page", p.status)
	}
	if p := other.get("/"); p.signedOut() {
		t.Error("another tenant's session ended")
	}
	if _, err := b.svc.DisableTenant(ctx, admin, b.a.TenantID, false); err != nil {
		t.Fatal(err)
	}
	b.client(t).signIn(b.aSecret)
}
