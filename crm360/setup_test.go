package crm360_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub/crm360"
	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/mail/smtptest"
	"github.com/hookhub/hookhub/server"
	"github.com/hookhub/hookhub/webhooktest"
)

// env is hookhub served as `hookhub serve` serves it, with a tenant
// (acme) that has a CRM360 name, one source of each platform, and a
// webhook subscribed to every event posting to a real receiver; a second
// tenant (globex) with a name and sources of its own; and a real SMTP
// server.
type env struct {
	base    string
	srv     *server.Server
	cfg     server.Config // the running server's, once started
	db      string        // "sqlite" or "postgres"
	edit    func(*server.Config)
	token   string // acme's token
	other   string // globex's token
	sources map[string]int64
	theirs  map[string]int64 // globex's sources
	rcv     *webhooktest.Receiver
	smtp    *smtptest.Server
	stop    func() // stops the server started last
}

// options change the environment.
type options struct {
	postgres bool
	clock    *hookhubtest.Clock   // the server's clock; the wall clock when nil
	edit     func(*server.Config) // changes the tests' configuration
}

func setup(t *testing.T, opts *options) *env {
	t.Helper()
	if opts == nil {
		opts = &options{}
	}
	e := &env{smtp: smtptest.NewServer(t), sources: map[string]int64{}, theirs: map[string]int64{}}
	e.db, e.edit = "sqlite", opts.edit
	if opts.postgres {
		e.db = "postgres"
	}
	e.start(t, opts.clock)
	e.token, e.other = e.tenant(t, "acme", "FTS Services", "Prod"), e.tenant(t, "globex", "Globex", "Prod")
	for _, r := range crm360.Routes {
		if _, ok := e.sources[r.Platform]; !ok {
			e.sources[r.Platform] = e.source(t, e.token, r.Kind(), r.Platform)
			e.theirs[r.Platform] = e.source(t, e.other, r.Kind(), r.Platform)
		}
	}
	e.rcv = webhooktest.New(t)
	var wh struct{ Secret string }
	e.must(t, e.token, "POST", "/v1/webhooks", map[string]any{"url": e.rcv.URL, "events": []string{"*"}}, 201, &wh)
	e.rcv.SetSecret(t, wh.Secret)
	return e
}

// start runs a server until the test ends (or e.stop is called): on
// e.cfg, a restart or another node on the same database, once e.cfg has a
// database; else on a fresh one of the kind e.db names.
func (e *env) start(t *testing.T, clock *hookhubtest.Clock) {
	t.Helper()
	s := hookhubtest.NewServer(t, hookhubtest.ServerOptions{DB: e.db, Clock: clock, Config: func(c *server.Config) {
		if e.cfg.DB != "" {
			*c = e.cfg
			return
		}
		c.AllowPrivateTargets, c.RetryScale, c.MailFrom, c.SMTPURL = true, 0.001, "hookhub@example.com", e.smtp.URL()
		if e.edit != nil {
			e.edit(c)
		}
	}})
	e.base, e.srv, e.stop, e.cfg = s.URL, s.Server, s.Stop, s.Config
}

// tenant makes a tenant with a CRM360 name and returns its first token.
func (e *env) tenant(t *testing.T, name, customer, alias string) string {
	t.Helper()
	_, secret, err := e.srv.Service().CreateTenant(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	e.must(t, secret, "PUT", "/v1/crm360/account", map[string]any{"customer_name": customer, "database_alias": alias}, 200, nil)
	return secret
}

// source makes a CRM360 integration of a tenant and returns its id.
func (e *env) source(t *testing.T, token, kind, name string) int64 {
	t.Helper()
	var in struct{ ID int64 }
	e.must(t, token, "POST", "/v1/integrations", map[string]any{"kind": kind, "name": name}, 201, &in)
	return in.ID
}

// must calls the native API and checks the status.
func (e *env) must(t *testing.T, token, method, path string, body any, want int, out any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.base+path, r)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, resp.StatusCode, b, want)
	}
	if out != nil {
		mustDecode(t, b, out)
	}
}

// call is one QueueProcess request.
type call struct {
	platform, entity, action string
	params                   map[string]string // more URI parameters
	body                     string
	header                   map[string]string // default: JSON with acme's token
	source                   int64             // default: acme's source of the platform
	customer                 string            // default: acme's name
}

// answer is QueueProcess's answer.
type answer struct {
	status int
	raw    string
	crm360.Answer
}

// queue posts a call to QueueProcess.
func (e *env) queue(t *testing.T, c call) answer {
	t.Helper()
	q := url.Values{}
	q.Set("CustomerName", "FTS Services")
	if c.customer != "" {
		q.Set("CustomerName", c.customer)
	}
	q.Set("DatabaseAlias", "Prod")
	q.Set("ExternalPlatform", c.platform)
	q.Set("ExternalEntity", c.entity)
	q.Set("ExternalAction", c.action)
	source := c.source
	if source == 0 {
		source = e.sources[c.platform]
	}
	q.Set("SourceId", fmt.Sprint(source))
	for k, v := range c.params {
		q.Set(k, v)
	}
	req, _ := http.NewRequest("POST", e.base+crm360.Path+"?"+q.Encode(), strings.NewReader(c.body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+e.token)
	for k, v := range c.header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, raw: string(b)}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("answer Content-Type = %q, want application/json", ct)
	}
	mustDecode(t, b, &a.Answer)
	return a
}

// accept posts a call that must be accepted, waits until its message is
// processed, fails the test unless it is done, and returns it.
func (e *env) accept(t *testing.T, c call) message {
	t.Helper()
	a := e.queue(t, c)
	if a.status != 200 || !a.Success || a.MessageID == 0 || a.Status != "queued" {
		t.Fatalf("QueueProcess %s %s %s = %d %s, want 200 queued", c.platform, c.entity, c.action, a.status, a.raw)
	}
	m := e.wait(t, a.MessageID)
	if m.Status != "done" {
		t.Fatalf("message %d = %s (%s), want done", m.ID, m.Status, m.Reason)
	}
	return m
}

// message is an inbound message as GET /v1/inbound-messages/{id} shows it.
type message struct {
	ID       int64
	Status   string
	Reason   string
	Attempts int
	Entity   string
	Action   string
	Body     string
	Query    string
	Headers  map[string]string
}

// wait waits until a message is done or failed.
func (e *env) wait(t *testing.T, id int64) message {
	t.Helper()
	var m message
	for deadline := time.Now().Add(hookhubtest.WaitTimeout); ; time.Sleep(10 * time.Millisecond) {
		e.must(t, e.token, "GET", fmt.Sprintf("/v1/inbound-messages/%d", id), nil, 200, &m)
		if m.Status == "done" || m.Status == "failed" {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("message %d is still %s after %s", id, m.Status, hookhubtest.WaitTimeout)
		}
	}
}

// list reads a native list's data.
func (e *env) list(t *testing.T, path string, out any) {
	t.Helper()
	var l struct{ Data json.RawMessage }
	e.must(t, e.token, "GET", path, nil, 200, &l)
	mustDecode(t, l.Data, out)
}

// testdata reads a body from testdata.
func testdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustDecode(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// sameJSON reports whether a and b hold the same JSON value.
func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return bytes.Equal(xb, yb)
}
