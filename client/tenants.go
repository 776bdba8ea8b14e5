package client

import (
	"context"
	"net/url"
	"time"
)

// The admin API: these methods need a Client made with an admin token
// (HOOKHUB_ADMIN_TOKEN, or one from "hookhub admin-token create").

// Tenant is an account of hookhub.
type Tenant struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	Disabled   bool       `json:"disabled"`
	DisabledAt *time.Time `json:"disabled_at"`
}

// NewTenant is a tenant just made and its first token (every scope),
// shown this once.
type NewTenant struct {
	TenantID string `json:"tenant_id"`
	Token    string `json:"token"`
}

// TenantUpdate renames, disables or enables a tenant; nil fields are left.
type TenantUpdate struct {
	Name     *string `json:"name,omitempty"`
	Disabled *bool   `json:"disabled,omitempty"` // true: its tokens stop working and its deliveries are held
}

// CreateTenant makes a tenant with a name no other tenant has (409 when
// one has it, in any case) and its first token.
func (c *Client) CreateTenant(ctx context.Context, name string) (*NewTenant, error) {
	return call[NewTenant](ctx, c, "POST", "/v1/tenants", map[string]string{"name": name})
}

// ListTenants lists tenants by name; name, when not empty, keeps those
// whose name contains it, in any case.
func (c *Client) ListTenants(ctx context.Context, name string) ([]Tenant, error) {
	q := url.Values{}
	setString(q, "name", name)
	var out Page[Tenant]
	return out.Data, c.do(ctx, "GET", "/v1/tenants", q, nil, &out)
}

// GetTenant returns a tenant.
func (c *Client) GetTenant(ctx context.Context, id string) (*Tenant, error) {
	return call[Tenant](ctx, c, "GET", "/v1/tenants/"+url.PathEscape(id), nil)
}

// UpdateTenant renames, disables or enables a tenant.
func (c *Client) UpdateTenant(ctx context.Context, id string, u TenantUpdate) (*Tenant, error) {
	return call[Tenant](ctx, c, "PATCH", "/v1/tenants/"+url.PathEscape(id), u)
}

// DeleteTenant deletes a tenant and all its data.
func (c *Client) DeleteTenant(ctx context.Context, id string) error {
	return c.do(ctx, "DELETE", "/v1/tenants/"+url.PathEscape(id), nil, nil, nil)
}

// CreateTenantToken makes a token for a tenant, as when its tokens are
// lost.
func (c *Client) CreateTenantToken(ctx context.Context, tenantID string, t TokenCreate) (*Token, error) {
	return call[Token](ctx, c, "POST", "/v1/tenants/"+url.PathEscape(tenantID)+"/tokens", t)
}
