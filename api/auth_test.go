package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestAuth(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	var revoked, expiring, reader struct {
		ID    string `json:"id"`
		Token string `json:"token"`
	}
	e.must(t, 201, "POST", "/v1/tokens", e.a, map[string]any{"name": "revoked", "scopes": []string{"webhooks.read"}}, &revoked)
	e.must(t, 204, "DELETE", "/v1/tokens/"+revoked.ID, e.a, nil, nil)
	e.must(t, 201, "POST", "/v1/tokens", e.a, map[string]any{
		"name": "expiring", "scopes": []string{"webhooks.read"}, "expires_at": e.clock.Now().Add(time.Hour).Format(time.RFC3339),
	}, &expiring)
	e.must(t, 200, "GET", "/v1/webhooks", expiring.Token, nil, nil)
	e.clock.Add(2 * time.Hour)
	e.must(t, 201, "POST", "/v1/tokens", e.a, map[string]any{"name": "reader", "scopes": []string{"webhooks.read"}}, &reader)

	for _, tt := range []struct {
		name, header string
		status       int
		detail       string
	}{
		{"none", "", 401, "invalid or expired token"},
		{"bad", "Bearer hh_nope", 401, "invalid or expired token"},
		{"not bearer", "Basic " + e.a, 401, "invalid or expired token"},
		{"empty bearer", "Bearer ", 401, "invalid or expired token"},
		{"revoked", "Bearer " + revoked.Token, 401, "invalid or expired token"},
		{"expired", "Bearer " + expiring.Token, 401, "invalid or expired token"},
		{"missing scope", "Bearer " + reader.Token, 403, "webhooks.create"},
		{"lower-case scheme", "bearer " + e.a, 201, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest("POST", e.url+"/v1/webhooks", strings.NewReader(`{"url":"https://r.example.com","events":["*"]}`))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			status, h, b := send(t, req)
			if tt.status == 201 {
				if status != 201 {
					t.Fatalf("status = %d %s", status, b)
				}
				return
			}
			p := wantProblem(t, status, h, b, tt.status, "")
			if !strings.Contains(p.Detail, tt.detail) {
				t.Errorf("detail = %q, want it to contain %q", p.Detail, tt.detail)
			}
			if tt.status == 401 && h.Get("WWW-Authenticate") == "" {
				t.Error("no WWW-Authenticate header")
			}
		})
	}
}

// TestAuthEveryRoute checks that no /v1 route answers without a token.
func TestAuthEveryRoute(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	for _, r := range routes {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			t.Parallel()
			s, h, b := e.do(t, r.method, strings.ReplaceAll(r.path, "{id}", "1"), "", r.body)
			wantProblem(t, s, h, b, 401, "")
		})
	}
}

// routes lists every /v1 route, with a body where one is needed.
var routes = []struct {
	method, path string
	body         any
}{
	{"POST", "/v1/tokens", map[string]any{"scopes": []string{"webhooks.read"}}},
	{"GET", "/v1/tokens", nil},
	{"DELETE", "/v1/tokens/{id}", nil},
	{"GET", "/v1/event-types", nil},
	{"POST", "/v1/event-types", map[string]any{"name": "invoice.created"}},
	{"DELETE", "/v1/event-types/{id}", nil},
	{"POST", "/v1/webhooks", map[string]any{"url": "https://r.example.com", "events": []string{"*"}}},
	{"GET", "/v1/webhooks", nil},
	{"GET", "/v1/webhooks/{id}", nil},
	{"PATCH", "/v1/webhooks/{id}", map[string]any{"name": "x"}},
	{"DELETE", "/v1/webhooks/{id}", nil},
	{"POST", "/v1/webhooks/{id}/rotate-secret", nil},
	{"POST", "/v1/webhooks/{id}/test", nil},
	{"POST", "/v1/webhooks/{id}/recover", map[string]any{"since": "2026-01-01T00:00:00Z"}},
	{"POST", "/v1/events", map[string]any{"type": "contact.created", "data": 1}},
	{"GET", "/v1/events", nil},
	{"GET", "/v1/events/{id}", nil},
	{"GET", "/v1/events/{id}/deliveries", nil},
	{"GET", "/v1/deliveries", nil},
	{"GET", "/v1/deliveries/{id}", nil},
	{"GET", "/v1/deliveries/{id}/attempts", nil},
	{"POST", "/v1/deliveries/{id}/retry", nil},
	{"GET", "/v1/attempts", nil},
	{"GET", "/v1/mail", nil},
	{"GET", "/v1/stats", nil},
}
