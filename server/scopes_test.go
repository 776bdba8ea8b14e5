package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/salesiq"
	"github.com/hookhub/hookhub/superoffice"
	"github.com/hookhub/hookhub/tilby"
)

// unscoped are the token-authenticated routes that need no management
// scope, and why.
var unscoped = map[string]string{
	"GET /v1/event-types":                              "the event-type catalogue, which publishers and subscribers both read; any valid token (a scope of its own is left to decide)",
	"GET /v1/integration-kinds":                        "the catalogue of inbound kinds, the same for every tenant",
	"GET /api/v1/Agents/Webhook/CreateDefaultWebhook":  "a blank webhook to fill in; saves and reveals nothing",
	"POST /api/v1/Agents/Webhook/CreateDefaultWebhook": "a blank webhook to fill in; saves and reveals nothing",
	"GET /api/v1/Webhook/default":                      "a blank webhook to fill in; saves and reveals nothing",
	"POST /in/{token}":                                 "an integration's door: the secret in its URL is the credential, not a token",
	"GET /healthz":                                     "operations: whether the process is up, for load balancers",
	"GET /readyz":                                      "operations: whether the node takes work, for load balancers",
	"GET /metrics":                                     "operations: Prometheus scrapes it; keep it on a private network (README)",
}

// TestEveryRouteNeedsAScope calls every route of every surface that takes
// an API token (the native API as its OpenAPI document lists it,
// SuperOffice, SalesIQ, Tilby) with a token of the same tenant that holds
// only inbound.send, and wants each refused with 403: a new route without
// a scope check fails here. Inbound endpoints (Thiio's /in/{token}, CRM360)
// are authenticated by the integration's secret, not a scope.
func TestEveryRouteNeedsAScope(t *testing.T) {
	t.Parallel()
	srv := hookhubtest.NewServer(t, hookhubtest.ServerOptions{DB: "sqlite"})
	base := srv.URL
	svc := srv.Service()
	ten, all, err := svc.CreateTenant(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := svc.Authenticate(t.Context(), all)
	if err != nil {
		t.Fatal(err)
	}
	_, weak, err := svc.CreateToken(t.Context(), admin, "inbound only", []hookhub.Scope{hookhub.ScopeInboundSend}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}

	routes := nativeRoutes(t, base)
	routes = append(routes, superoffice.Routes()...)
	routes = append(routes, salesiq.Routes()...)
	routes = append(routes, tilby.Routes()...)
	if len(routes) < 40 {
		t.Fatalf("found only %d routes: %v", len(routes), routes)
	}
	reader, err := svc.Authenticate(t.Context(), all)
	if err != nil {
		t.Fatal(err)
	}
	_, read, err := svc.CreateToken(t.Context(), reader, "read only",
		[]hookhub.Scope{hookhub.ScopeWebhooksRead, hookhub.ScopeEventsRead, hookhub.ScopeRecordsRead, hookhub.ScopeMailRead}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	gets := map[string]bool{}
	for _, rt := range routes {
		if method, path, _ := strings.Cut(rt, " "); method == http.MethodGet {
			gets[path] = true
		}
	}
	for _, rt := range routes {
		if _, ok := unscoped[rt]; ok {
			continue
		}
		method, path, _ := strings.Cut(rt, " ")
		callRoute(t, base, ten.ID, weak, method, path)
		// Every read scope, and no other: a route that changes something
		// or calls out is refused. Routes that also answer GET (the
		// SuperOffice agent's reading methods) only read.
		if method != http.MethodGet && !gets[path] {
			callRoute(t, base, ten.ID, read, method, path)
		}
	}
}

var param = regexp.MustCompile(`\{[^}]+\}`)

// call sends an empty JSON object to the route with token, and fails
// unless the route refuses it with 403.
func callRoute(t *testing.T, base, tenantID, token, method, path string) {
	t.Helper()
	path = strings.ReplaceAll(path, "{screenname}", tenantID)
	path = param.ReplaceAllString(path, "1")
	// webhookId for SuperOffice's agent methods, which name the webhook
	// in the query; other routes ignore it.
	req, err := http.NewRequest(method, base+path+"?webhookId=1", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// A route may check the request's shape before the scope: an empty
	// body is refused 400, 405 or 422 then, which does no work either.
	// Anything else (a 2xx, a 404 for the missing id) means the route
	// reached the data without asking for a scope.
	switch resp.StatusCode {
	case http.StatusForbidden:
	case http.StatusBadRequest, http.StatusMethodNotAllowed, http.StatusUnprocessableEntity:
		if method == http.MethodGet {
			t.Errorf("%s %s = %d %.200s, want 403", method, path, resp.StatusCode, b)
		}
	default:
		t.Errorf("%s %s = %d %.200s, want 403", method, path, resp.StatusCode, b)
	}
}

// nativeRoutes lists the native API's operations from its OpenAPI document.
func nativeRoutes(t *testing.T, base string) []string {
	t.Helper()
	resp, err := http.Get(base + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatalf("decode openapi.json: %v", err)
	}
	var out []string
	for p, ops := range doc.Paths {
		for m := range ops {
			switch m {
			case "get", "post", "put", "patch", "delete":
				out = append(out, strings.ToUpper(m)+" "+p)
			}
		}
	}
	slices.Sort(out)
	return out
}
