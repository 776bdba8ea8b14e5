package hookhub

import (
	"context"
	"time"
)

// AdminToken is an operator's token: it manages tenants over the admin API
// and reaches nothing else. Only the SHA-256 of its secret is stored.
type AdminToken struct {
	ID        string
	Name      string
	Hash      []byte
	CreatedAt time.Time
}

// adminTokenPrefix marks admin tokens apart from tenants' tokens ("hh_").
const adminTokenPrefix = "hha_"

// NewAdminTokenSecret returns a new random admin token secret and its hash.
func NewAdminTokenSecret() (secret string, hash []byte) {
	secret = adminTokenPrefix + RandomString(32)
	return secret, HashToken(secret)
}

// TenantFilter narrows a list of tenants. Empty fields match anything.
type TenantFilter struct {
	Name string // substring, case-insensitive
}

// TenantStore is the operator's part of the Store.
type TenantStore interface {
	// ListTenants lists tenants by name.
	ListTenants(ctx context.Context, f TenantFilter) ([]*Tenant, error)
	// RenameTenant renames a tenant; a name another tenant has (ignoring
	// case) is ECONFLICT.
	RenameTenant(ctx context.Context, id, name string) (*Tenant, error)
	// DisableTenant disables a tenant at now, or enables it when disabled
	// is false. While it is disabled, its tokens are not found, its pending
	// deliveries are held and none of its deliveries is claimed; enabling
	// it releases the held deliveries of its active webhooks, due at now.
	DisableTenant(ctx context.Context, id string, disabled bool, now time.Time) (*Tenant, error)
	// DeleteTenant deletes a tenant and every row of every table that
	// belongs to it, in one transaction.
	DeleteTenant(ctx context.Context, id string) error

	CreateAdminToken(ctx context.Context, t *AdminToken) error
	AdminTokenByHash(ctx context.Context, hash []byte) (*AdminToken, error)
}
