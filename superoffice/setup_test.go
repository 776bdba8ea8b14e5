package superoffice_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/mail/smtptest"
	"github.com/hookhub/hookhub/server"
)

// env is a whole hookhub (server.New on a fresh database, running: API,
// delivery engine, mailer) with a tenant "acme" and its all-scope token,
// e-mail going to a real in-process SMTP server. Retry delays are scaled
// down 100 000 times, so that the SuperOffice schedule (46 hours over nine
// tries) takes about two seconds.
type env struct {
	url    string
	token  string
	tenant string
	srv    *server.Server
	smtp   *smtptest.Server
}

// setup starts hookhub on SQLite; allowPrivate allows loopback targets
// (and http).
func setup(t *testing.T, allowPrivate bool) *env {
	t.Helper()
	return setupOn(t, "sqlite", allowPrivate)
}

// setupOn starts hookhub on db, "sqlite" or "postgres" (a fresh database
// of the local server, see pgtest).
func setupOn(t *testing.T, db string, allowPrivate bool) *env {
	t.Helper()
	smtp := smtptest.NewServer(t)
	srv := hookhubtest.NewServer(t, hookhubtest.ServerOptions{DB: db, Config: func(c *server.Config) {
		c.AllowPrivateTargets, c.RetryScale = allowPrivate, 0.00001
		c.SMTPURL, c.MailFrom = smtp.URL(), "hookhub@example.com"
	}})
	e := &env{url: srv.URL, srv: srv.Server, smtp: smtp}
	e.tenant, e.token = e.newTenant(t, "acme")
	return e
}

// newTenant makes a tenant and returns its id and first token.
func (e *env) newTenant(t *testing.T, name string) (id, token string) {
	t.Helper()
	return hookhubtest.Tenant(t, e.srv.Service(), name)
}

func basic(user, token string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+token))
}

func bearer(token string) string { return "Bearer " + token }

// req is one request to hookhub.
type req struct {
	method, path string
	auth         string // the Authorization header; "" for none
	body         string
	contentType  string // application/json when there is a body and none is given
	accept       string
	header       map[string]string
}

// answer is hookhub's answer.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (e *env) do(t *testing.T, r req) answer {
	t.Helper()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr, err := http.NewRequest(r.method, e.url+r.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if r.auth != "" {
		hr.Header.Set("Authorization", r.auth)
	}
	switch {
	case r.contentType != "":
		hr.Header.Set("Content-Type", r.contentType)
	case r.body != "":
		hr.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	if r.accept != "" {
		hr.Header.Set("Accept", r.accept)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(hr)
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

// ok sends a request with the tenant's token (Bearer unless auth is set)
// that must answer want, and decodes a JSON answer into out.
func (e *env) ok(t *testing.T, r req, want int, out any) answer {
	t.Helper()
	if r.auth == "" {
		r.auth = bearer(e.token)
	}
	a := e.do(t, r)
	if a.status != want {
		t.Fatalf("%s %s = %d %s, want %d", r.method, r.path, a.status, a.body, want)
	}
	if out != nil {
		if err := json.Unmarshal(a.body, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", r.method, r.path, a.body, err)
		}
	}
	return a
}

// soError is SuperOffice's error object with hookhub's fields.
type soError struct {
	Error       string
	ErrorType   string
	ErrorSource string
	Fields      []struct{ Field, Message string }
}

// fail sends a request that must answer status in SuperOffice's JSON error
// shape, and returns the error.
func (e *env) fail(t *testing.T, r req, status int) soError {
	t.Helper()
	a := e.do(t, r)
	var se soError
	if err := json.Unmarshal(a.body, &se); err != nil || se.Error == "" || se.ErrorType == "" || se.ErrorSource == "" {
		t.Fatalf("%s %s = %d %s, want SuperOffice's error shape", r.method, r.path, a.status, a.body)
	}
	if a.status != status {
		t.Fatalf("%s %s = %d %s, want %d", r.method, r.path, a.status, a.body, status)
	}
	if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error Content-Type = %q", ct)
	}
	return se
}

// field returns the message for a field, and whether the error names it.
func (se soError) field(name string) (string, bool) {
	for _, f := range se.Fields {
		if f.Field == name {
			return f.Message, true
		}
	}
	return "", false
}

// wantFields fails unless the error names exactly these fields (in any
// order), each also in its Error text.
func (se soError) wantFields(t *testing.T, names ...string) {
	t.Helper()
	var got []string
	for _, f := range se.Fields {
		got = append(got, f.Field)
	}
	slices.Sort(got)
	names = slices.Sorted(slices.Values(names))
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("fields = %v, want %v (error %q)", got, names, se.Error)
	}
	for _, n := range names {
		if !strings.Contains(se.Error, n+": ") {
			t.Errorf("Error %q does not name %s", se.Error, n)
		}
	}
}

// webhook is the Webhook object as the API answers it.
type webhook struct {
	WebhookID           int64 `json:"WebhookId"`
	Name                string
	Events              []string
	TargetURL           string `json:"TargetUrl"`
	Secret              string
	State               string
	Type                string
	Headers             map[string]string
	Properties          json.RawMessage
	Registered          string
	RegisteredAssociate *struct {
		AssociateID int `json:"AssociateId"`
		Name        string
	}
	Updated          string
	UpdatedAssociate *struct {
		AssociateID int `json:"AssociateId"`
		Name        string
	}
	ErrorsEmail       string
	TotalCalls        int64
	TotalErrors       int64
	ConsecutiveErrors int
	LastError         string
	LastTriggered     *string
}

// save saves a webhook (a JSON body) through SaveWebhook and returns it.
func (e *env) save(t *testing.T, body any) webhook {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	var w webhook
	e.ok(t, req{method: "POST", path: "/api/v1/Agents/Webhook/SaveWebhook", body: string(b)}, http.StatusOK, &w)
	return w
}

// get reads a webhook through GetWebhook.
func (e *env) get(t *testing.T, id int64) webhook {
	t.Helper()
	var w webhook
	e.ok(t, req{method: "GET", path: "/api/v1/Agents/Webhook/GetWebhook?webhookId=" + itoa(id)}, http.StatusOK, &w)
	return w
}

// native calls the native /v1 API with the tenant's token.
func (e *env) native(t *testing.T, method, path string, body any, want int, out any) {
	t.Helper()
	b, _ := json.Marshal(body)
	r := req{method: method, path: path}
	if body != nil {
		r.body = string(b)
	}
	e.ok(t, r, want, out)
}

// publish publishes an event through the native API.
func (e *env) publish(t *testing.T, ev map[string]any) {
	t.Helper()
	e.native(t, "POST", "/v1/events", ev, http.StatusAccepted, nil)
}

// receiver is a webhook receiver: it records every request and answers
// with the status set (200 at first) and a short text; under /fail it
// answers 500, under /created 201.
type receiver struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []received
	// status is what it answers
	status int
	text   string
	wake   chan struct{}
}

type received struct {
	path   string
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{status: http.StatusOK, text: "thanks", wake: make(chan struct{}, 1)}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{req.URL.Path, req.Header.Clone(), b})
		status, text := r.status, r.text
		r.mu.Unlock()
		switch {
		case strings.HasPrefix(req.URL.Path, "/fail"):
			status, text = http.StatusInternalServerError, "broken here"
		case strings.HasPrefix(req.URL.Path, "/created"):
			status, text = http.StatusCreated, "created"
		}
		select {
		case r.wake <- struct{}{}:
		default:
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, text)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) answer(status int, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status, r.text = status, text
}

func (r *receiver) all() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// waitFor waits until the receiver has n requests matching keep, and
// returns them.
func (r *receiver) waitFor(t *testing.T, n int, keep func(received) bool) []received {
	t.Helper()
	deadline := time.After(hookhubtest.WaitTimeout)
	for {
		var out []received
		for _, g := range r.all() {
			if keep(g) {
				out = append(out, g)
			}
		}
		if len(out) >= n {
			return out
		}
		select {
		case <-r.wake:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("receiver has %d matching requests, want %d", len(out), n)
		}
	}
}

func isEvent(name string) func(received) bool {
	return func(g received) bool { return g.header.Get("X-SuperOffice-Event") == name }
}

// verify checks X-SuperOffice-Signature with the receiver's own HMAC code:
// Base64(HMAC-SHA256(UTF-8 secret, raw body)).
func verify(secret string, g received) error {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(g.body)
	want := m.Sum(nil)
	got, err := base64.StdEncoding.DecodeString(g.header.Get("X-SuperOffice-Signature"))
	if err != nil {
		return err
	}
	if !hmac.Equal(got, want) {
		return errors.New("signature does not match the body")
	}
	return nil
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }
