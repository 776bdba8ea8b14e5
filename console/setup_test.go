package console_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/console"
	"github.com/hookhub/hookhub/egress"
	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/inbound"
	"github.com/hookhub/hookhub/server"
	"github.com/hookhub/hookhub/service"
)

// limits are the tests' session limits.
var limits = service.SessionLimits{Idle: 30 * time.Minute, Absolute: 2 * time.Hour}

// bundle is a console over a real SQLite store, with the inbound door
// beside it, and two tenants.
type bundle struct {
	srv   *httptest.Server
	svc   *service.Service
	clock *hookhubtest.Clock
	// each tenant's first token (every scope) and its secret
	a, b             *hookhub.Token
	aSecret, bSecret string
}

func setup(t *testing.T, opts console.Options) *bundle {
	t.Helper()
	db := hookhubtest.OpenSQLite(t)
	b := &bundle{clock: hookhubtest.NewClock(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC))}
	var base string
	b.svc = service.New(service.Config{
		Store: db, Egress: egress.Policy{AllowPrivate: true}, Now: b.clock.Now,
		Logger: slog.New(slog.NewTextHandler(testLog{t}, nil)), PublicURL: func() string { return base },
		Rules: server.Rules(), Catalog: server.Catalog(),
	})
	t.Cleanup(b.svc.Close)
	opts.Limits, opts.Now = limits, b.clock.Now
	mux := http.NewServeMux()
	mux.Handle("/in/", inbound.New(b.svc, inbound.Options{Kinds: server.InboundKinds()}))
	mux.Handle("/", console.New(b.svc, opts))
	b.srv = httptest.NewServer(mux)
	t.Cleanup(b.srv.Close)
	base = b.srv.URL
	b.a, b.aSecret = newTenant(t, b.svc, "Acme")
	b.b, b.bSecret = newTenant(t, b.svc, "Globex")
	return b
}

func newTenant(t *testing.T, svc *service.Service, name string) (*hookhub.Token, string) {
	t.Helper()
	_, secret := hookhubtest.Tenant(t, svc, name)
	tok, err := svc.Authenticate(t.Context(), secret)
	if err != nil {
		t.Fatal(err)
	}
	return tok, secret
}

// client is a browser without a script: it keeps cookies, does not follow
// redirects by itself, and sends each form with the CSRF secret of the
// last page it read.
type client struct {
	t    *testing.T
	b    *bundle
	http *http.Client
	csrf string
}

func (b *bundle) client(t *testing.T) *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, b: b, http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// page is an answer.
type page struct {
	status   int
	location string
	body     string
	header   http.Header
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (c *client) do(req *http.Request) page {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	p := page{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(b), header: resp.Header}
	if m := csrfField.FindStringSubmatch(p.body); m != nil {
		c.csrf = m[1]
	}
	return p
}

func (c *client) get(path string) page {
	c.t.Helper()
	req, err := http.NewRequest("GET", c.b.srv.URL+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

// post sends a form with the last page's CSRF secret, unless it has one.
func (c *client) post(path string, form url.Values) page {
	c.t.Helper()
	if !form.Has("csrf") {
		form.Set("csrf", c.csrf)
	}
	return c.postRaw(path, form, nil)
}

// postRaw sends a form as it is, with extra headers.
func (c *client) postRaw(path string, form url.Values, header http.Header) page {
	c.t.Helper()
	req, err := http.NewRequest("POST", c.b.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	return c.do(req)
}

// signIn signs in with a token secret.
func (c *client) signIn(secret string) {
	c.t.Helper()
	c.get("/signin")
	p := c.post("/signin", url.Values{"token": {secret}})
	if p.status != http.StatusSeeOther || p.location != "/" {
		c.t.Fatalf("sign in = %d to %q, want 303 to /\n%s", p.status, p.location, p.body)
	}
	c.get("/") // for the session's CSRF secret
}

// want fails the test unless the page has the status.
func (p page) want(t *testing.T, status int) page {
	t.Helper()
	if p.status != status {
		t.Fatalf("status %d (location %q), want %d\n%s", p.status, p.location, status, p.body)
	}
	return p
}

// signedOut reports whether p sends the browser to the sign-in page.
func (p page) signedOut() bool {
	return p.status == http.StatusSeeOther && strings.HasPrefix(p.location, "/signin")
}

func (p page) has(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(p.body, s) {
			t.Errorf("page lacks %q:\n%s", s, p.body)
		}
	}
}

func (p page) lacks(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(p.body, s) {
			t.Errorf("page shows %q, which it must not", s)
		}
	}
}

// webhook makes a webhook of actor's tenant.
func (b *bundle) webhook(t *testing.T, actor *hookhub.Token, name string) *hookhub.Webhook {
	t.Helper()
	w, err := b.svc.CreateWebhook(context.Background(), actor, &hookhub.Webhook{
		Name: name, URL: "http://127.0.0.1:9/" + name, Events: []string{"contact.*", hookhub.TestEventType},
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// testLog sends the service's and the console's log to the test's.
type testLog struct{ t *testing.T }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
