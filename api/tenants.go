package api

import (
	"context"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/hookhub/hookhub"
)

// The admin API: the operator's routes for tenants, reached with an admin
// token only (HOOKHUB_ADMIN_TOKEN or one made by "hookhub admin-token
// create"). A tenant's token is 403 here, and an admin token is 403 on every
// other route.

// tenantRoutes registers /v1/tenants….
func (h *handlers) tenantRoutes(api huma.API) {
	route(api, h, h.adminOp("POST /v1/tenants", "create-tenant", "Create a tenant and its first token", 201), h.createTenant)
	route(api, h, h.adminOp("GET /v1/tenants", "list-tenants", "List tenants", 200), h.listTenants)
	route(api, h, h.adminOp("GET /v1/tenants/{id}", "get-tenant", "Get a tenant", 200), h.getTenant)
	route(api, h, h.adminOp("PATCH /v1/tenants/{id}", "update-tenant", "Rename, disable or enable a tenant", 200), h.updateTenant)
	route(api, h, h.adminOp("DELETE /v1/tenants/{id}", "delete-tenant", "Delete a tenant and all its data", 204), h.deleteTenant)
	route(api, h, h.adminOp("POST /v1/tenants/{id}/tokens", "create-tenant-token", "Make a token for a tenant", 201), h.createTenantToken)
}

// adminOp is op for a route of the admin API.
func (h *handlers) adminOp(pattern, id, summary string, status int) huma.Operation {
	op := h.op(pattern, id, summary, status)
	op.Metadata = map[string]any{adminRoute: true}
	op.Security = []map[string][]string{{"admin": {}}}
	return op
}

// adminRoute marks the operations of the admin API in their Metadata.
const adminRoute = "hookhub-admin"

func isAdminRoute(op *huma.Operation) bool {
	if op == nil {
		return false
	}
	admin, _ := op.Metadata[adminRoute].(bool)
	return admin
}

type adminKey struct{}

// authenticateAdmin is authenticate for the admin routes.
func (h *handlers) authenticateAdmin(api huma.API, ctx huma.Context, next func(huma.Context)) {
	secret := bearer(ctx)
	a, err := h.svc.AuthenticateAdmin(ctx.Context(), secret)
	if err != nil && hookhub.ErrorCode(err) == hookhub.EUNAUTHORIZED {
		if _, terr := h.svc.Authenticate(ctx.Context(), secret); terr == nil {
			err = hookhub.Errorf(hookhub.EFORBIDDEN, "a tenant's token cannot manage tenants; use an admin token")
		} else {
			ctx.SetHeader("WWW-Authenticate", `Bearer realm="hookhub-admin"`)
		}
	}
	if err != nil {
		h.writeProblem(api, ctx, err)
		return
	}
	next(withValue(ctx, adminKey{}, a))
}

// bearer is the secret of the request's Authorization: Bearer header.
func bearer(ctx huma.Context) string {
	scheme, secret, _ := strings.Cut(ctx.Header("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(secret)
}

// admin is the admin token the request acts as.
func admin(ctx context.Context) *hookhub.AdminToken {
	a, _ := ctx.Value(adminKey{}).(*hookhub.AdminToken)
	return a
}

type tenantJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	Disabled   bool       `json:"disabled" doc:"A disabled tenant's tokens do not work and its deliveries are held."`
	DisabledAt *time.Time `json:"disabled_at"`
}

func toTenant(t *hookhub.Tenant) tenantJSON {
	return tenantJSON{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt, Disabled: !t.DisabledAt.IsZero(), DisabledAt: timeOrNil(t.DisabledAt)}
}

type tenantCreateJSON struct {
	Name string `json:"name" minLength:"1" maxLength:"255" doc:"Unique among tenants, ignoring case."`
}

type tenantCreatedJSON struct {
	TenantID string `json:"tenant_id"`
	Token    string `json:"token" doc:"The tenant's first token, with every scope; shown once."`
}

type tenantPatchJSON struct {
	Name     *string `json:"name,omitempty" minLength:"1" maxLength:"255"`
	Disabled *bool   `json:"disabled,omitempty" doc:"true disables the tenant: its tokens stop working and its deliveries are held; false enables it again."`
}

type tenantTokenCreateJSON struct {
	Name      string          `json:"name,omitempty" maxLength:"255"`
	Scopes    []hookhub.Scope `json:"scopes,omitempty" doc:"Scopes the token carries; every scope when absent."`
	ExpiresAt time.Time       `json:"expires_at,omitzero" doc:"When the token stops working; never when absent."`
}

// TenantIDParam is the tenant id in an admin route's path (exported for
// huma, which reads only exported embedded structs).
type TenantIDParam struct {
	ID string `path:"id"`
}

func (h *handlers) createTenant(ctx context.Context, in *struct{ Body tenantCreateJSON }) (*struct{ Body tenantCreatedJSON }, error) {
	t, secret, err := h.svc.AdminCreateTenant(ctx, admin(ctx), in.Body.Name)
	if err != nil {
		return nil, err
	}
	return &struct{ Body tenantCreatedJSON }{Body: tenantCreatedJSON{TenantID: t.ID, Token: secret}}, nil
}

func (h *handlers) listTenants(ctx context.Context, in *struct {
	Name string `query:"name" doc:"Only tenants whose name contains this, ignoring case."`
}) (*struct{ Body listJSON[tenantJSON] }, error) {
	ts, err := h.svc.ListTenants(ctx, admin(ctx), hookhub.TenantFilter{Name: in.Name})
	if err != nil {
		return nil, err
	}
	return all(ts, toTenant), nil
}

func (h *handlers) getTenant(ctx context.Context, in *TenantIDParam) (*struct{ Body tenantJSON }, error) {
	t, err := h.svc.GetTenant(ctx, admin(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &struct{ Body tenantJSON }{Body: toTenant(t)}, nil
}

func (h *handlers) updateTenant(ctx context.Context, in *struct {
	TenantIDParam
	Body tenantPatchJSON
}) (*struct{ Body tenantJSON }, error) {
	a := admin(ctx)
	t, err := h.svc.GetTenant(ctx, a, in.ID)
	if err == nil && in.Body.Name != nil {
		t, err = h.svc.RenameTenant(ctx, a, in.ID, *in.Body.Name)
	}
	if err == nil && in.Body.Disabled != nil {
		t, err = h.svc.DisableTenant(ctx, a, in.ID, *in.Body.Disabled)
	}
	if err != nil {
		return nil, err
	}
	return &struct{ Body tenantJSON }{Body: toTenant(t)}, nil
}

func (h *handlers) deleteTenant(ctx context.Context, in *TenantIDParam) (*struct{}, error) {
	return nil, h.svc.DeleteTenant(ctx, admin(ctx), in.ID)
}

func (h *handlers) createTenantToken(ctx context.Context, in *struct {
	TenantIDParam
	Body tenantTokenCreateJSON
}) (*tokenOut, error) {
	t, secret, err := h.svc.CreateTenantToken(ctx, admin(ctx), in.ID, in.Body.Name, in.Body.Scopes, in.Body.ExpiresAt)
	if err != nil {
		return nil, err
	}
	out := &tokenOut{Body: toToken(t)}
	out.Body.Token = secret
	return out, nil
}
