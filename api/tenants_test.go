package api_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/hookhub/hookhub"
)

const adminSecret = "test-admin-token-0123456789abcdef"

type tenantBody struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Disabled bool   `json:"disabled"`
}

// TestTenantsAdminAPI walks the admin API: create (201 {tenant_id, token}),
// a taken name (409), list, get, rename, disable (the tenant's token is 401
// at once and its deliveries are held), enable, a token for the tenant,
// delete (everything gone).
func TestTenantsAdminAPI(t *testing.T) {
	t.Parallel()
	e := setup(t, options{adminToken: adminSecret, allowPrivate: true})

	var created struct{ TenantID, Token string }
	e.must(t, 201, "POST", "/v1/tenants", adminSecret, map[string]any{"name": "Acme"}, &struct {
		TenantID *string `json:"tenant_id"`
		Token    *string `json:"token"`
	}{&created.TenantID, &created.Token})
	if created.TenantID == "" || created.Token == "" {
		t.Fatalf("create tenant = %+v, want tenant_id and token", created)
	}
	e.must(t, 200, "GET", "/v1/webhooks", created.Token, nil, nil) // the new token works

	status, h, b := e.do(t, "POST", "/v1/tenants", adminSecret, map[string]any{"name": "ACME"})
	wantProblem(t, status, h, b, 409, "body.name")
	status, h, b = e.do(t, "POST", "/v1/tenants", adminSecret, map[string]any{"name": ""})
	wantProblem(t, status, h, b, 422, "body.name")

	var list struct{ Data []tenantBody }
	e.must(t, 200, "GET", "/v1/tenants?name=acm", adminSecret, nil, &list)
	if len(list.Data) != 1 || list.Data[0].ID != created.TenantID || list.Data[0].Name != "Acme" {
		t.Errorf("list tenants ?name=acm = %+v, want Acme only", list.Data)
	}
	e.must(t, 200, "GET", "/v1/tenants", adminSecret, nil, &list)
	if len(list.Data) != 3 {
		t.Errorf("list tenants = %d tenants, want 3", len(list.Data))
	}

	var got tenantBody
	e.must(t, 200, "PATCH", "/v1/tenants/"+created.TenantID, adminSecret, map[string]any{"name": "Acme Inc"}, &got)
	if got.Name != "Acme Inc" || got.Disabled {
		t.Errorf("rename = %+v", got)
	}
	status, h, b = e.do(t, "PATCH", "/v1/tenants/"+created.TenantID, adminSecret, map[string]any{"name": "tenant a"})
	wantProblem(t, status, h, b, 409, "body.name")
	status, h, b = e.do(t, "GET", "/v1/tenants/ten_unknown", adminSecret, nil)
	wantProblem(t, status, h, b, 404, "")

	// A webhook and a pending delivery, then disable.
	var wh struct{ ID int64 }
	e.must(t, 201, "POST", "/v1/webhooks", created.Token, map[string]any{"url": "http://127.0.0.1:1/hook", "events": []string{"*"}}, &wh)
	var pub struct{ ID int64 }
	e.must(t, 202, "POST", "/v1/events", created.Token, map[string]any{"type": "contact.created", "data": map[string]any{"id": 1}}, &pub)
	e.must(t, 200, "PATCH", "/v1/tenants/"+created.TenantID, adminSecret, map[string]any{"disabled": true}, &got)
	if !got.Disabled {
		t.Errorf("disable = %+v, want disabled", got)
	}
	status, h, b = e.do(t, "GET", "/v1/webhooks", created.Token, nil)
	wantProblem(t, status, h, b, 401, "")
	ds, err := e.store.ListDeliveries(context.Background(), created.TenantID, hookhub.DeliveryFilter{})
	if err != nil || len(ds) != 1 || ds[0].State != hookhub.DeliveryHeld {
		t.Errorf("deliveries of the disabled tenant = %v, %v; want one held", ds, err)
	}
	e.must(t, 200, "PATCH", "/v1/tenants/"+created.TenantID, adminSecret, map[string]any{"disabled": false}, &got)
	e.must(t, 200, "GET", "/v1/webhooks", created.Token, nil, nil)

	// A token for the tenant, as when its tokens are lost.
	var tok struct {
		Token  string   `json:"token"`
		Scopes []string `json:"scopes"`
	}
	e.must(t, 201, "POST", "/v1/tenants/"+created.TenantID+"/tokens", adminSecret, map[string]any{"name": "recovered"}, &tok)
	if tok.Token == "" || len(tok.Scopes) != len(hookhub.AllScopes) {
		t.Errorf("tenant token = %+v, want a secret with every scope", tok)
	}
	e.must(t, 200, "GET", "/v1/webhooks/"+strconv.FormatInt(wh.ID, 10), tok.Token, nil, nil)
	status, h, b = e.do(t, "POST", "/v1/tenants/ten_unknown/tokens", adminSecret, map[string]any{"name": "x"})
	wantProblem(t, status, h, b, 404, "")

	e.must(t, 204, "DELETE", "/v1/tenants/"+created.TenantID, adminSecret, nil, nil)
	status, h, b = e.do(t, "GET", "/v1/tenants/"+created.TenantID, adminSecret, nil)
	wantProblem(t, status, h, b, 404, "")
	status, h, b = e.do(t, "GET", "/v1/webhooks", tok.Token, nil)
	wantProblem(t, status, h, b, 401, "")
	if ds, _ := e.store.ListDeliveries(context.Background(), created.TenantID, hookhub.DeliveryFilter{}); len(ds) != 0 {
		t.Errorf("deliveries of the deleted tenant = %d, want 0", len(ds))
	}
}

// TestTenantsAdminAuth: tenants' tokens are 403 on the admin routes, no
// token or a bad one 401; an admin token (configured or made) is 403 on
// every tenant route.
func TestTenantsAdminAuth(t *testing.T) {
	t.Parallel()
	e := setup(t, options{adminToken: adminSecret})
	_, made, err := e.svc.CreateAdminToken(context.Background(), "ops")
	if err != nil {
		t.Fatal(err)
	}
	for _, route := range []struct{ method, path string }{
		{"GET", "/v1/tenants"}, {"POST", "/v1/tenants"}, {"GET", "/v1/tenants/x"},
		{"PATCH", "/v1/tenants/x"}, {"DELETE", "/v1/tenants/x"}, {"POST", "/v1/tenants/x/tokens"},
	} {
		status, h, b := e.do(t, route.method, route.path, e.a, map[string]any{"name": "x"})
		wantProblem(t, status, h, b, http.StatusForbidden, "")
		for _, secret := range []string{"", "hh_nope", "hha_nope"} {
			status, h, b = e.do(t, route.method, route.path, secret, map[string]any{"name": "x"})
			wantProblem(t, status, h, b, http.StatusUnauthorized, "")
		}
	}
	for _, route := range []struct{ method, path string }{
		{"GET", "/v1/webhooks"}, {"POST", "/v1/events"}, {"GET", "/v1/tokens"}, {"GET", "/v1/deliveries"},
	} {
		for _, secret := range []string{adminSecret, made} {
			status, h, b := e.do(t, route.method, route.path, secret, map[string]any{"type": "contact.created"})
			wantProblem(t, status, h, b, http.StatusForbidden, "")
		}
	}
	e.must(t, 200, "GET", "/v1/tenants", made, nil, nil)
}
