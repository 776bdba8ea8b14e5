package svix_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	svixsdk "github.com/svix/svix-webhooks/go"

	"github.com/hookhub/hookhub"
)

// raw sends one request to hookhub and returns its status and body.
func (e *env) raw(t *testing.T, method, path, token, body string, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestConventions checks Svix's conventions: errors in Svix's shapes and
// statuses, Bearer authentication, the token's scopes, and Idempotency-Key.
func TestConventions(t *testing.T) {
	t.Parallel()
	e := setupOn(t, "sqlite")
	ctx := context.Background()

	for _, tt := range []struct {
		name, method, path, token, body string
		status                          int
		want                            string
	}{
		{"no token", "GET", "/api/v1/app", "", "", 401, `{"code":"authentication_failed","detail":"authentication is required: Authorization: Bearer <a hookhub token>"}`},
		{"bad token", "GET", "/api/v1/app", "nope", "", 401, `"code":"authentication_failed"`},
		{"unknown app", "GET", "/api/v1/app/app_nope", e.token, "", 404, `{"code":"not_found","detail":"application app_nope not found"}`},
		{"no name", "POST", "/api/v1/app", e.token, `{"uid":"bad uid!"}`, 422,
			`{"detail":[{"loc":["body","name"],"msg":"is required","type":"value_error"},{"loc":["body","uid"],"msg":"must be letters, digits, '-', '_' and '.' only","type":"value_error"}]}`},
		{"wrong type", "POST", "/api/v1/app", e.token, `{"name":5}`, 422, `{"detail":[{"loc":["body","name"],"msg":"must be of type string","type":"value_error"}]}`},
		{"not JSON", "POST", "/api/v1/app", e.token, `{`, 422, `"loc":["body","body"]`},
		{"bad limit", "GET", "/api/v1/app?limit=0", e.token, "", 422, `"loc":["query","limit"]`},
		{"unknown path", "GET", "/api/v1/app/x/sink", e.token, "", 404, `"code":"not_found"`},
		{"wrong method", "DELETE", "/api/v1/app", e.token, "", 405, `"code":"method_not_allowed"`},
		{"health", "GET", "/api/v1/health", "", "", 204, ``},
	} {
		status, body := e.raw(t, tt.method, tt.path, tt.token, tt.body, nil)
		if status != tt.status || !strings.Contains(body, tt.want) {
			t.Errorf("%s: %d %s, want %d with %s", tt.name, status, body, tt.status, tt.want)
		}
	}

	// SuperOffice's paths under /api/v1 still answer beside Svix's.
	if status, _ := e.raw(t, "GET", "/api/v1/Webhook", e.token, "", nil); status != http.StatusOK {
		t.Errorf("SuperOffice's GET /api/v1/Webhook = %d, want 200", status)
	}

	// A token without webhooks.create may read, not create.
	actor, err := e.srv.Service().Authenticate(ctx, e.token)
	if err != nil {
		t.Fatal(err)
	}
	_, readOnly, err := e.srv.Service().CreateToken(ctx, actor, "reader", []hookhub.Scope{hookhub.ScopeWebhooksRead}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	reader := e.client(t, readOnly)
	_, err = reader.Application.Create(ctx, &svixsdk.ApplicationIn{Name: "x"})
	wantStatus(t, "create with a read-only token", err, http.StatusForbidden)
	if _, err := reader.Application.List(ctx, nil); err != nil {
		t.Errorf("list with a read-only token: %v", err)
	}

	// Idempotency-Key: a retry gets the first answer; the key reused for
	// another request is 409.
	key := "create-app-1"
	first := must[*svixsdk.ApplicationOut](t, "create")(e.sdk.Application.CreateWithOptions(ctx, &svixsdk.ApplicationIn{Name: "Once"}, &svixsdk.PostOptions{IdempotencyKey: &key}))
	retry := must[*svixsdk.ApplicationOut](t, "retry")(e.sdk.Application.CreateWithOptions(ctx, &svixsdk.ApplicationIn{Name: "Once"}, &svixsdk.PostOptions{IdempotencyKey: &key}))
	if retry.Id != first.Id {
		t.Errorf("a retry with the same Idempotency-Key made %s, want %s again", retry.Id, first.Id)
	}
	_, err = e.sdk.Application.CreateWithOptions(ctx, &svixsdk.ApplicationIn{Name: "Other"}, &svixsdk.PostOptions{IdempotencyKey: &key})
	wantStatus(t, "the key reused for another body", err, http.StatusConflict)
	list := must[*svixsdk.ListResponseApplicationOut](t, "list")(e.sdk.Application.List(ctx, nil))
	if len(list.Data) != 1 {
		b, _ := json.Marshal(list.Data)
		t.Errorf("%d applications after a create and its retry, want 1: %s", len(list.Data), b)
	}
	// Another tenant's key space is its own.
	other := e.client(t, e.newTenant(t, "globex"))
	if o := must[*svixsdk.ApplicationOut](t, "other tenant")(other.Application.CreateWithOptions(ctx, &svixsdk.ApplicationIn{Name: "Once"}, &svixsdk.PostOptions{IdempotencyKey: &key})); o.Id == first.Id {
		t.Error("another tenant's request with the same key got the first tenant's answer")
	}
}
