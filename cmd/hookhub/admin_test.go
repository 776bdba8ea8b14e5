package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"testing"
)

// TestAdminAPI runs the admin API as an operator would: an admin token from
// HOOKHUB_ADMIN_TOKEN and one made with "hookhub admin-token create", a
// tenant made over HTTP whose token then works, and a tenant's token
// refused on the admin routes.
func TestAdminAPI(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"HOOKHUB_DB":          filepath.Join(t.TempDir(), "hookhub.db"),
		"HOOKHUB_ADDR":        "127.0.0.1:0",
		"HOOKHUB_ADMIN_TOKEN": "configured-admin-token-0123456789",
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"admin-token", "create", "--name", "ops"}, getenv(env), &out, &errOut); err != nil {
		t.Fatalf("admin-token create: %v\n%s", err, errOut.String())
	}
	var made struct{ ID, Token string }
	if err := json.Unmarshal(out.Bytes(), &made); err != nil || made.Token == "" {
		t.Fatalf("admin-token create printed %q (%v), want {id, token}", out.String(), err)
	}
	hh := startServe(t, env)
	for _, admin := range []string{env["HOOKHUB_ADMIN_TOKEN"], made.Token} {
		var created struct {
			TenantID string `json:"tenant_id"`
			Token    string `json:"token"`
		}
		hh.do(t, "POST", "/v1/tenants", admin, map[string]any{"name": "acme " + admin[:4]}, http.StatusCreated, &created)
		hh.do(t, "GET", "/v1/webhooks", created.Token, nil, http.StatusOK, nil)
		hh.do(t, "GET", "/v1/tenants", created.Token, nil, http.StatusForbidden, nil)
		hh.do(t, "GET", "/v1/webhooks", admin, nil, http.StatusForbidden, nil)
	}
}
