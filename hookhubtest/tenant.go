package hookhubtest

import (
	"testing"

	"github.com/hookhub/hookhub/service"
)

// Tenant creates a tenant named name and returns its id and its first
// token, which has every scope.
func Tenant(t testing.TB, svc *service.Service, name string) (id, token string) {
	t.Helper()
	ten, token, err := svc.CreateTenant(t.Context(), name)
	if err != nil {
		t.Fatalf("create tenant %q: %v", name, err)
	}
	return ten.ID, token
}
