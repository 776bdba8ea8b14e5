package salesiq_test

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/server"
)

// env is a whole hookhub (hookhubtest.NewServer) over a fresh store, with a portal "zylker" and its all-scope
// token. Retry delays are scaled down a thousand times: a minute is 60 ms.
type env struct {
	url    string
	token  string
	tenant string // the portal's tenant id
}

// setup is the env over SQLite.
func setup(t *testing.T) *env {
	t.Helper()
	return setupOn(t, "sqlite")
}

// onEachStore runs a test of the main flows as a subtest on each
// database, "sqlite" and "postgres" (a fresh database of pgtest, which
// skips when PostgreSQL cannot be reached, and fails under CI=true).
func onEachStore(t *testing.T, test func(t *testing.T, e *env)) {
	t.Parallel()
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			test(t, setupOn(t, db))
		})
	}
}

// setupOn is the env over the named database.
func setupOn(t *testing.T, database string) *env {
	t.Helper()
	srv := hookhubtest.NewServer(t, hookhubtest.ServerOptions{DB: database, Config: func(c *server.Config) {
		c.AllowPrivateTargets, c.RetryScale = true, 0.001
	}})
	tenant, token := hookhubtest.Tenant(t, srv.Service(), "zylker")
	return &env{url: srv.URL, token: token, tenant: tenant}
}

// do sends a request with the token as Zoho-oauthtoken, body as JSON
// (as is when a string), and returns the status and the answer.
func (e *env) do(t *testing.T, method, path, token string, body any) (int, []byte) {
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
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Zoho-oauthtoken "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// data sends a request that must succeed (200 with SalesIQ's {"url",
// "object", "data"}) and decodes its data into out.
func (e *env) data(t *testing.T, method, path string, body, out any) {
	t.Helper()
	status, b := e.do(t, method, path, e.token, body)
	var env struct {
		URL    string          `json:"url"`
		Object string          `json:"object"`
		Data   json.RawMessage `json:"data"`
		Error  json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatalf("%s %s: %d %s: %v", method, path, status, b, err)
	}
	if status != 200 || env.Error != nil || env.Data == nil || env.Object == "" {
		t.Fatalf("%s %s = %d %s, want 200 with data", method, path, status, b)
	}
	if u, _, _ := strings.Cut(path, "?"); env.URL != u {
		t.Errorf("%s %s: url = %q, want the path", method, path, env.URL)
	}
	if out != nil {
		if err := json.Unmarshal(env.Data, out); err != nil {
			t.Fatalf("%s %s: decode data %s: %v", method, path, env.Data, err)
		}
	}
}

// siqError is SalesIQ's error object.
type siqError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	JSONKey string `json:"json_key"`
}

// wantError sends a request that must fail with the status and SalesIQ's
// code, and returns the error.
func (e *env) wantError(t *testing.T, method, path, token string, body any, status, code int) siqError {
	t.Helper()
	got, b := e.do(t, method, path, token, body)
	var env struct {
		URL   string    `json:"url"`
		Error *siqError `json:"error"`
		Data  any       `json:"data"`
	}
	if err := json.Unmarshal(b, &env); err != nil || env.Error == nil || env.Data != nil {
		t.Fatalf("%s %s = %d %s, want SalesIQ's error shape", method, path, got, b)
	}
	if got != status || env.Error.Code != code || env.Error.Message == "" {
		t.Fatalf("%s %s = %d %s, want %d with code %d", method, path, got, b, status, code)
	}
	return *env.Error
}

// native sends a request to the native API with the bearer token.
func (e *env) native(t *testing.T, method, path string, body, out any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		j, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.url+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s = %d %s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
}

// publish publishes an event through the native API and returns its id.
func (e *env) publish(t *testing.T, typ, app string, data any) int64 {
	t.Helper()
	body := map[string]any{"type": typ, "data": data}
	if app != "" {
		body["app_id"] = app
	}
	var out struct {
		ID int64 `json:"id"`
	}
	e.native(t, "POST", "/v1/events", body, &out)
	return out.ID
}

// webhook is a webhook as the SalesIQ API shows it.
type webhook struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Webhook struct {
		URL     string `json:"url"`
		Secured bool   `json:"secured"`
	} `json:"webhook"`
	Published         bool     `json:"published"`
	Status            string   `json:"status"` // Zoho's: enabled or disabled
	State             string   `json:"state"`  // hookhub's: active, stopped, too_many_errors
	Module            string   `json:"module"`
	Events            []string `json:"events"`
	AppIDs            []string `json:"app_ids"`
	Key               *key     `json:"key"`
	Failures          int64    `json:"failures"`
	LastTriggeredTime *string  `json:"last_triggered_time"`
	CreatedTime       string   `json:"created_time"`
	ModifiedTime      string   `json:"modified_time"`
}

type key struct {
	ID          string `json:"id"`
	WebhookID   string `json:"webhook_id"`
	PublicKey   string `json:"public_key"`
	Algorithm   string `json:"algorithm"`
	CreatedTime string `json:"created_time"`
}

// create makes a webhook through the SalesIQ API.
func (e *env) create(t *testing.T, body map[string]any) webhook {
	t.Helper()
	var w webhook
	e.data(t, "POST", "/api/v2/zylker/webhooks", body, &w)
	return w
}

// newKey makes the webhook a key and returns it.
func (e *env) newKey(t *testing.T, webhookID string) key {
	t.Helper()
	var k key
	e.data(t, "POST", "/api/v2/zylker/webhooks/"+webhookID+"/keys", nil, &k)
	return k
}

// publicKey reads a PEM public key as the API returns it.
func publicKey(t *testing.T, pemText string) *rsa.PublicKey {
	t.Helper()
	block, _ := pem.Decode([]byte(pemText))
	if block == nil || block.Type != "PUBLIC KEY" {
		t.Fatalf("public key %q is not a PEM public key", pemText)
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok || rk.N.BitLen() < 2048 {
		t.Fatalf("public key is %T, want RSA of 2048 bits or more", k)
	}
	return rk
}

// verify checks a request's x-siqsignature against body with pub.
func verify(t *testing.T, pub *rsa.PublicKey, r request) {
	t.Helper()
	sig, err := base64.StdEncoding.DecodeString(r.header.Get("x-siqsignature"))
	if err != nil || len(sig) == 0 {
		t.Fatalf("x-siqsignature %q is not Base64", r.header.Get("x-siqsignature"))
	}
	sum := sha256.Sum256(r.body)
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		t.Errorf("signature of %s does not verify: %v", r.body, err)
	}
}

// request is one request a receiver got.
type request struct {
	path   string
	header http.Header
	body   []byte
}

// envelope is SalesIQ's body.
type envelope struct {
	Version        string          `json:"version"`
	Event          string          `json:"event"`
	EventTime      json.Number     `json:"event_time"`
	OrgID          string          `json:"org_id"`
	AppID          json.RawMessage `json:"app_id"`
	Attempt        int             `json:"attempt"`
	EntityType     string          `json:"entity_type"`
	EntityID       string          `json:"entity_id"`
	Entity         json.RawMessage `json:"entity"`
	ModifiedFields []string        `json:"modified_fields"`
}

func (r request) envelope(t *testing.T) envelope {
	t.Helper()
	var e envelope
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.UseNumber()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("body %s: %v", r.body, err)
	}
	return e
}

// receiver is a webhook endpoint that records what it gets. It answers
// failing (a status) to the first failures requests of each path, 200 to
// the rest.
type receiver struct {
	srv      *httptest.Server
	mu       sync.Mutex
	got      []request
	failing  atomic.Int32 // status to answer while failures last
	failures atomic.Int32
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, request{path: r.URL.Path, header: r.Header.Clone(), body: b})
		rc.mu.Unlock()
		if rc.failures.Add(-1) >= 0 {
			w.WriteHeader(int(rc.failing.Load()))
			return
		}
		w.WriteHeader(200)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

// fail makes the receiver answer status to the next n requests.
func (rc *receiver) fail(status, n int) {
	rc.failing.Store(int32(status))
	rc.failures.Store(int32(n))
}

// wait waits until the receiver has n requests on path and returns them.
func (rc *receiver) wait(t *testing.T, path string, n int) []request {
	t.Helper()
	deadline := time.Now().Add(hookhubtest.WaitTimeout)
	for {
		got := rc.on(path)
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s got %d requests, want %d", path, len(got), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (rc *receiver) on(path string) []request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []request
	for _, r := range rc.got {
		if r.path == path {
			out = append(out, r)
		}
	}
	return out
}

func path(id string, rest ...string) string {
	return "/api/v2/zylker/webhooks/" + id + strings.Join(rest, "")
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }
