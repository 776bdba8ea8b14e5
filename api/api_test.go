package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub/api"
	"github.com/hookhub/hookhub/egress"
	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/server"
	"github.com/hookhub/hookhub/service"
)

// env is a running API over a fresh SQLite store with two tenants.
type env struct {
	url   string
	svc   *service.Service
	store service.Store
	clock *hookhubtest.Clock
	a, b  string // the tenants' all-scope token secrets
}

type options struct {
	allowPrivate bool
	maxBody      int64
	adminToken   string
}

func setup(t testing.TB, opts options) *env {
	t.Helper()
	db := hookhubtest.OpenSQLite(t)
	e := &env{store: db, clock: hookhubtest.NewClock(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC))}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	e.svc = service.New(service.Config{Store: db, Egress: egress.Policy{AllowPrivate: opts.allowPrivate}, Now: e.clock.Now, Logger: logger, Catalog: server.Catalog(), AdminToken: opts.adminToken})
	t.Cleanup(e.svc.Close)
	srv := httptest.NewServer(api.New(e.svc, api.Options{MaxBody: opts.maxBody}))
	t.Cleanup(srv.Close)
	e.url = srv.URL
	_, e.a = hookhubtest.Tenant(t, e.svc, "tenant a")
	_, e.b = hookhubtest.Tenant(t, e.svc, "tenant b")
	return e
}

// do sends a request; body is sent as is when it is a string, as JSON
// otherwise, and not at all when nil.
func (e *env) do(t testing.TB, method, path, token string, body any) (int, http.Header, []byte) {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.url+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if r != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return send(t, req)
}

// send sends req and returns the answer.
func send(t testing.TB, req *http.Request) (int, http.Header, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// must sends a request and fails unless it answers want; it decodes the
// answer into out when out is not nil.
func (e *env) must(t testing.TB, want int, method, path, token string, body, out any) {
	t.Helper()
	status, _, b := e.do(t, method, path, token, body)
	if status != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, status, b, want)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
}

// problem is an RFC 9457 answer.
type problem struct {
	Status int    `json:"status"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Errors []struct {
		Location string `json:"location"`
		Message  string `json:"message"`
		Value    any    `json:"value"`
	} `json:"errors"`
}

// wantProblem fails unless the answer is a problem with the status and,
// when location is not empty, an error at that location.
func wantProblem(t *testing.T, status int, h http.Header, b []byte, wantStatus int, location string) problem {
	t.Helper()
	if status != wantStatus {
		t.Fatalf("status = %d %s, want %d", status, b, wantStatus)
	}
	if ct := h.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q, want application/problem+json", ct)
	}
	var p problem
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("decode problem %s: %v", b, err)
	}
	if p.Status != wantStatus || p.Detail == "" {
		t.Errorf("problem = %s", b)
	}
	if location == "" {
		return p
	}
	for _, e := range p.Errors {
		if e.Value != nil {
			t.Errorf("problem echoes a value: %s", b)
		}
		if e.Location == location {
			return p
		}
	}
	t.Fatalf("problem %s names no %s", b, location)
	return p
}

type webhook struct {
	ID            int64             `json:"id"`
	Name          string            `json:"name"`
	URL           string            `json:"url"`
	Events        []string          `json:"events"`
	State         string            `json:"state"`
	Format        string            `json:"format"`
	SigningScheme string            `json:"signing_scheme"`
	Secret        string            `json:"secret"`
	PublicKey     string            `json:"public_key"`
	Headers       map[string]string `json:"headers"`
	Properties    json.RawMessage   `json:"properties"`
	TimeoutMS     int64             `json:"timeout_ms"`
	Retry         struct {
		ScheduleSeconds []float64 `json:"schedule_seconds"`
		Jitter          float64   `json:"jitter"`
	} `json:"retry"`
	SuccessCodes        []int      `json:"success_codes"`
	MaxInFlight         int        `json:"max_in_flight"`
	FailureThreshold    int        `json:"failure_threshold"`
	ErrorsEmail         string     `json:"errors_email"`
	PreviousSecretUntil *time.Time `json:"previous_secret_until"`
	RegisteredAt        time.Time  `json:"registered_at"`
	RegisteredBy        string     `json:"registered_by"`
	UpdatedAt           time.Time  `json:"updated_at"`
}

type published struct {
	ID         int64 `json:"id"`
	Duplicate  bool  `json:"duplicate"`
	Deliveries int   `json:"deliveries"`
}

type list[T any] struct {
	Data       []T    `json:"data"`
	NextCursor string `json:"next_cursor"`
}

// createWebhook registers a webhook for all events.
func (e *env) createWebhook(t testing.TB, token string) webhook {
	t.Helper()
	var w webhook
	e.must(t, 201, "POST", "/v1/webhooks", token, map[string]any{"url": "https://receiver.example.com/hook", "events": []string{"*"}}, &w)
	return w
}

func (e *env) publish(t *testing.T, token, typ string) published {
	t.Helper()
	var p published
	e.must(t, 202, "POST", "/v1/events", token, map[string]any{"type": typ, "data": map[string]any{"id": 1}}, &p)
	return p
}

func TestOpenAPI(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	status, _, b := e.do(t, "GET", "/openapi.json", "", nil)
	if status != 200 {
		t.Fatalf("status = %d", status)
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Info    struct {
			Title string `json:"title"`
		} `json:"info"`
		Paths      map[string]map[string]any `json:"paths"`
		Components struct {
			SecuritySchemes map[string]struct {
				Type, Scheme string
			} `json:"securitySchemes"`
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") || doc.Info.Title != "hookhub" {
		t.Errorf("openapi %q title %q", doc.OpenAPI, doc.Info.Title)
	}
	if s := doc.Components.SecuritySchemes["bearer"]; s.Type != "http" || s.Scheme != "bearer" {
		t.Errorf("security scheme = %+v", s)
	}
	for _, p := range []string{"/v1/webhooks", "/v1/webhooks/{id}", "/v1/events", "/v1/deliveries/{id}/retry", "/v1/stats"} {
		if doc.Paths[p] == nil {
			t.Errorf("no path %s", p)
		}
	}
	for _, s := range []string{"Webhook", "WebhookCreate", "WebhookPatch", "Event", "Delivery", "Attempt", "ListWebhook"} {
		if doc.Components.Schemas[s] == nil {
			t.Errorf("no schema %s", s)
		}
	}
	var props map[string]any
	wh, _ := json.Marshal(doc.Components.Schemas["Webhook"])
	var schema struct{ Properties map[string]any }
	json.Unmarshal(wh, &schema)
	props = schema.Properties
	for _, f := range []string{"signing_scheme", "timeout_ms", "retry", "last_triggered_at", "registered_by"} {
		if props[f] == nil {
			t.Errorf("Webhook schema has no %s", f)
		}
	}
}

// TestInternalError checks that a failing store is a 500 with a generic
// message, its detail kept for the log.
func TestInternalError(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	e.store.Close()
	s, h, b := e.do(t, "GET", "/v1/webhooks", e.a, nil)
	p := wantProblem(t, s, h, b, 500, "")
	if p.Detail != "internal error" || len(p.Errors) != 0 {
		t.Errorf("problem = %s", b)
	}
}
