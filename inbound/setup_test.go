package inbound_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/api"
	"github.com/hookhub/hookhub/inbound"
	"github.com/hookhub/hookhub/service"
	"github.com/hookhub/hookhub/sqlite"
	"github.com/hookhub/hookhub/thiio"
)

// maxBody is the door's body limit in these tests.
const maxBody = 4096

// sample is the Thiio guide's sample payload with a real date in place of
// the format's placeholder.
const sample = `{ "event": "order", "source": "Thiio Custom", "contact": { "first_name": "John", "last_name": "Doe", "email": "john.doe@example.com" }, "phone": { "country": "US", "number": "+15124713434" }, "billing_address": { "first_name": "John", "last_name": "Doe", "line1": "11801 Stonehollow Drive", "line2": "line two", "city": "Austin", "state": "TX", "zip_code": "78758", "country": "US" }, "shipping_address": { "first_name": "John", "last_name": "Doe", "line1": "11801 Stonehollow Drive", "line2": "line two", "city": "Austin", "state": "TX", "zip_code": "78758", "country": "US" }, "order": { "id": 123, "type": "success", "user_id": 10, "date": "2024-05-01 13:45:10", "shipping": 10, "taxes": 10, "total": 120, "items": [ { "name": "Product one", "title": "Product one Red", "quantity": 1, "price": 50 }, { "name": "Product two", "title": "Product two White", "quantity": 1, "price": 50 } ] } }`

// failingKind is a kind whose processing always fails, as when the CRM
// store is down: it takes any JSON body, and answers in plain text.
type failingKind struct{}

const failingKindName = "failingtest"

func (failingKind) Info() hookhub.IntegrationKind {
	return hookhub.IntegrationKind{Name: failingKindName, Title: "Failing", Description: "A kind for the tests whose processing fails."}
}

func (failingKind) Decode(header http.Header, body []byte) (*inbound.Decoded, error) {
	if err := inbound.RequireJSON(header); err != nil {
		return nil, err
	}
	if !json.Valid(body) {
		return nil, inbound.NotJSON(body, json.Unmarshal(body, new(any)))
	}
	return &inbound.Decoded{Entity: "thing", Action: "made"}, nil
}

func (failingKind) Process(context.Context, inbound.Recorder, *hookhub.Integration, *hookhub.InboundMessage, *inbound.Decoded) error {
	return errors.New("records store: connection refused")
}

func (failingKind) Answer(_ []byte, err error) inbound.Answer {
	msg := inbound.Message(err)
	return inbound.Answer{Status: inbound.Status(err), ContentType: "text/plain", Body: []byte(msg), Reason: msg}
}

// env is the inbound door and the native API on one real HTTP server, over
// a fresh SQLite store, with a tenant and its all-scope token.
type env struct {
	url   string
	token string
}

func setup(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	key := make([]byte, 32)
	rand.Read(key)
	db, err := sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(t.TempDir(), "hookhub.db"), Key: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	var srv *httptest.Server
	catalog := hookhub.NewCatalog(thiio.Product, hookhub.Product{IntegrationKinds: []hookhub.IntegrationKind{failingKind{}.Info()}})
	svc := service.New(service.Config{Store: db, Logger: logger, PublicURL: func() string { return srv.URL }, Catalog: catalog})
	t.Cleanup(svc.Close)
	mux := http.NewServeMux()
	mux.Handle("/v1/", api.New(svc, api.Options{Logger: logger}))
	mux.Handle("/in/", inbound.New(svc, inbound.Options{MaxBody: maxBody, Logger: logger, Kinds: []inbound.Kind{thiio.Kind{}, failingKind{}}}))
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	_, token, err := svc.CreateTenant(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	return &env{url: srv.URL, token: token}
}

// call sends a request to the native API with token, body as JSON (none
// when nil), and returns the status and the answer.
func (e *env) call(t *testing.T, token, method, path string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.url+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	a := send(t, req)
	return a.status, a.body
}

// must sends a request with the all-scope token that must answer want,
// and decodes the answer into out when it is not nil.
func (e *env) must(t *testing.T, method, path string, body any, want int, out any) {
	t.Helper()
	status, b := e.call(t, e.token, method, path, body)
	if status != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, status, b, want)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
}

// newToken makes a token with only the given scopes.
func (e *env) newToken(t *testing.T, scopes ...string) string {
	t.Helper()
	var out struct {
		Token string `json:"token"`
	}
	e.must(t, "POST", "/v1/tokens", map[string]any{"name": "scoped", "scopes": scopes}, 201, &out)
	return out.Token
}

type integration struct {
	ID     int64  `json:"id"`
	Kind   string `json:"kind"`
	URL    string `json:"url"`
	Active bool   `json:"active"`
}

// integration makes an integration of the kind.
func (e *env) integration(t *testing.T, kind string) integration {
	t.Helper()
	var in integration
	e.must(t, "POST", "/v1/integrations", map[string]any{"kind": kind, "name": "shop"}, 201, &in)
	if !strings.HasPrefix(in.URL, e.url+"/in/") {
		t.Fatalf("integration URL %q is not under %s/in/", in.URL, e.url)
	}
	return in
}

// thiioWithSample makes a Thiio integration and posts it the sample,
// which makes a contact and an order.
func (e *env) thiioWithSample(t *testing.T) integration {
	t.Helper()
	in := e.integration(t, "thiio")
	if a := post(t, in.URL, "application/json", sample); a.status != 200 {
		t.Fatalf("sample = %d %s", a.status, a.body)
	}
	return in
}

// request is a stored inbound request as the API shows it.
type request struct {
	ID      int64             `json:"id"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
	Entity  string            `json:"entity"`
	Status  string            `json:"status"`
	Reason  string            `json:"reason"`
	Answer  int               `json:"answer"`
}

// requests lists the requests an integration received, newest first.
func (e *env) requests(t *testing.T, in integration) []request {
	t.Helper()
	var out struct{ Data []request }
	e.must(t, "GET", fmt.Sprintf("/v1/integrations/%d/requests", in.ID), nil, 200, &out)
	return out.Data
}

// answer is what a sender got.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// thiio is the Thiio answer's body.
func (a answer) thiio(t *testing.T) (success bool, msg, err string) {
	t.Helper()
	var got struct {
		Success bool   `json:"success"`
		Msg     string `json:"msg"`
		Err     string `json:"err"`
	}
	if e := json.Unmarshal(a.body, &got); e != nil {
		t.Fatalf("answer %d %s is not Thiio's JSON: %v", a.status, a.body, e)
	}
	return got.Success, got.Msg, got.Err
}

// post sends body to an integration's URL as a platform does; no
// Content-Type header when contentType is empty.
func post(t *testing.T, url, contentType, body string) answer {
	t.Helper()
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return send(t, req)
}

// send sends a request and reads its answer.
func send(t *testing.T, req *http.Request) answer {
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
	return answer{resp.StatusCode, resp.Header, b}
}

// withChanges returns the sample with the members of its JSON objects
// changed: path "phone.country" names a member, nil removes it.
func withChanges(t *testing.T, changes map[string]any) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(sample), &doc); err != nil {
		t.Fatal(err)
	}
	for path, v := range changes {
		keys := strings.Split(path, ".")
		o := doc
		for _, k := range keys[:len(keys)-1] {
			o = o[k].(map[string]any)
		}
		if v == nil {
			delete(o, keys[len(keys)-1])
		} else {
			o[keys[len(keys)-1]] = v
		}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
