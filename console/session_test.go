package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/console"
)

func TestSignIn(t *testing.T) {
	t.Parallel()
	b := setup(t, console.Options{})
	c := b.client(t)

	p := c.get("/webhooks?state=active")
	if !p.signedOut() || p.location != "/signin?next=%2Fwebhooks%3Fstate%3Dactive" {
		t.Fatalf("a page without a session = %d to %q, want the sign-in page with next", p.status, p.location)
	}
	c.get("/signin").want(t, http.StatusOK).has(t, `name="token"`, `name="next" value="/"`)
	c.post("/signin", url.Values{"token": {"hh_not-a-token"}}).want(t, http.StatusUnauthorized).
		has(t, "This token is unknown, revoked or expired.")

	p = c.post("/signin", url.Values{"token": {b.aSecret}, "next": {"/webhooks?state=active"}}).want(t, http.StatusSeeOther)
	if p.location != "/webhooks?state=active" {
		t.Errorf("after sign-in, location = %q, want the page asked for", p.location)
	}
	cookie := sessionCookie(t, p)
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Secure || cookie.Path != "/" {
		t.Errorf("session cookie = %+v, want HttpOnly, SameSite=Lax, Path=/, not Secure over http", cookie)
	}
	if !strings.HasPrefix(cookie.Value, "hhs_") || strings.Contains(cookie.Value, b.aSecret) {
		t.Errorf("session cookie value %q, want a session secret of its own, not the token", cookie.Value)
	}
	c.get("/").want(t, http.StatusOK).has(t, "Dashboard", "Acme")

	// Somebody signed in who opens the sign-in page goes on.
	if p := c.get("/signin?next=/events"); p.status != http.StatusSeeOther || p.location != "/events" {
		t.Errorf("sign-in page while signed in = %d to %q, want 303 to /events", p.status, p.location)
	}
	// next never leads off the site.
	for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example"} {
		c2 := b.client(t)
		c2.get("/signin")
		p := c2.post("/signin", url.Values{"token": {b.aSecret}, "next": {next}})
		if p.location != "/" {
			t.Errorf("sign-in with next %q went to %q, want /", next, p.location)
		}
	}
}

func TestSecureCookies(t *testing.T) {
	t.Parallel()
	b := setup(t, console.Options{Secure: true})
	c := b.client(t)
	c.get("/signin")
	p := c.post("/signin", url.Values{"token": {b.aSecret}})
	if cookie := sessionCookie(t, p); !cookie.Secure {
		t.Errorf("session cookie = %+v, want Secure when the console is served over https", cookie)
	}
}

func sessionCookie(t *testing.T, p page) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: p.header}).Cookies() {
		if c.Name == "hookhub_session" {
			return c
		}
	}
	t.Fatalf("no session cookie in %v", p.header["Set-Cookie"])
	return nil
}

// Every form must carry the session's CSRF secret and come from the
// console's own origin; otherwise nothing changes.
func TestCSRF(t *testing.T) {
	t.Parallel()
	b := setup(t, console.Options{})
	w := b.webhook(t, b.a, "crm")
	c := b.client(t)
	c.signIn(b.aSecret)
	path := "/webhooks/" + itoa(w.ID) + "/state"
	stop := func(csrf string) url.Values { return url.Values{"state": {"stopped"}, "csrf": {csrf}} }

	for _, tt := range []struct {
		name   string
		form   url.Values
		header http.Header
	}{
		{"no secret", url.Values{"state": {"stopped"}}, nil},
		{"empty secret", stop(""), nil},
		{"wrong secret", stop(flipFirst(c.csrf)), nil},
		{"another session's secret", stop(otherCSRF(t, b)), nil},
		{"cross-site", stop(c.csrf), http.Header{"Sec-Fetch-Site": {"cross-site"}}},
		{"same-site but another origin", stop(c.csrf), http.Header{"Sec-Fetch-Site": {"same-site"}}},
		{"other origin", stop(c.csrf), http.Header{"Origin": {"https://evil.example"}}},
	} {
		p := c.postRaw(path, tt.form, tt.header)
		if p.status != http.StatusForbidden || !strings.Contains(p.body, "this form has expired or did not come from this console") {
			t.Errorf("%s: status %d, want 403 with the CSRF message", tt.name, p.status)
		}
	}
	if got, _ := b.svc.GetWebhook(context.Background(), b.a, w.ID); got.State != hookhub.StateActive {
		t.Fatalf("a refused form changed the webhook: state %s", got.State)
	}

	p := c.postRaw(path, stop(c.csrf), http.Header{"Sec-Fetch-Site": {"same-origin"}, "Origin": {b.srv.URL}}).want(t, http.StatusSeeOther)
	if got, _ := b.svc.GetWebhook(context.Background(), b.a, w.ID); got.State != hookhub.StateStopped {
		t.Errorf("the console's own form did not stop the webhook (%d): state %s", p.status, got.State)
	}

	// The sign-in form has a secret of its own, in a cookie of its own.
	fresh := b.client(t)
	fresh.get("/signin")
	fresh.post("/signin", url.Values{"token": {b.aSecret}, "csrf": {"forged"}}).want(t, http.StatusForbidden)
	fresh.postRaw("/signin", url.Values{"token": {b.aSecret}, "csrf": {fresh.csrf}}, http.Header{"Sec-Fetch-Site": {"cross-site"}}).
		want(t, http.StatusForbidden)
	b.client(t).postRaw("/signin", url.Values{"token": {b.aSecret}, "csrf": {fresh.csrf}}, nil).want(t, http.StatusForbidden) // no cookie
}

// flipFirst changes the first character of s.
func flipFirst(s string) string {
	if s[0] == 'x' {
		return "y" + s[1:]
	}
	return "x" + s[1:]
}

// otherCSRF is the CSRF secret of another session of the same token.
func otherCSRF(t *testing.T, b *bundle) string {
	c := b.client(t)
	c.signIn(b.aSecret)
	return c.csrf
}

func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	b := setup(t, console.Options{})

	idle := b.client(t)
	idle.signIn(b.aSecret)
	busy := b.client(t)
	busy.signIn(b.aSecret)

	for range 3 { // 75 minutes: idle's session ends, busy's lives on
		b.clock.Add(25 * time.Minute)
		busy.get("/").want(t, http.StatusOK)
	}
	if p := idle.get("/"); !p.signedOut() {
		t.Errorf("after %v without use: %d, want the sign-in page", limits.Idle, p.status)
	}
	if p := idle.get("/signin"); !strings.Contains(p.body, "Your session has ended") {
		t.Errorf("the sign-in page after an ended session does not say so:\n%s", p.body)
	}
	for range 2 { // 125 minutes since sign-in: past the absolute end
		b.clock.Add(25 * time.Minute)
		if p := busy.get("/"); p.signedOut() {
			break
		}
	}
	if p := busy.get("/"); !p.signedOut() {
		t.Errorf("after %v since sign-in: %d, want the sign-in page", limits.Absolute, p.status)
	}
}

func TestSignOut(t *testing.T) {
	t.Parallel()
	b := setup(t, console.Options{})
	c := b.client(t)
	c.signIn(b.aSecret)
	u, _ := url.Parse(b.srv.URL)
	cookie := c.http.Jar.Cookies(u)[0]

	p := c.post("/signout", url.Values{}).want(t, http.StatusSeeOther)
	if p.location != "/signin" || sessionCookie(t, p).MaxAge >= 0 {
		t.Errorf("sign-out = %q, %v; want to /signin with the cookie deleted", p.location, p.header["Set-Cookie"])
	}
	if p := c.get("/"); !p.signedOut() {
		t.Errorf("after sign-out: %d, want the sign-in page", p.status)
	}
	// A copy of the old cookie is worth nothing: the session is gone on the server.
	thief := b.client(t)
	thief.http.Jar.SetCookies(u, []*http.Cookie{cookie})
	if p := thief.get("/webhooks"); !p.signedOut() {
		t.Errorf("the signed-out session's cookie still works: %d", p.status)
	}
}

func TestRevokedTokenEndsSession(t *testing.T) {
	t.Parallel()
	b := setup(t, console.Options{})
	ctx := context.Background()
	tok, secret, err := b.svc.CreateToken(ctx, b.a, "console", hookhub.AllScopes, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	c := b.client(t)
	c.signIn(secret)
	c.get("/webhooks").want(t, http.StatusOK)

	admin := b.client(t)
	admin.signIn(b.aSecret)
	admin.post("/tokens/"+tok.ID+"/revoke", url.Values{}).want(t, http.StatusSeeOther)
	if p := c.get("/webhooks"); !p.signedOut() {
		t.Errorf("a session of a revoked token: %d, want the sign-in page", p.status)
	}

	// Revoking one's own token signs one out at once.
	p := admin.post("/tokens/"+b.a.ID+"/revoke", url.Values{}).want(t, http.StatusSeeOther)
	if p.location != "/signin" {
		t.Errorf("revoking the session's own token went to %q, want /signin", p.location)
	}
	if p := admin.get("/"); !p.signedOut() {
		t.Errorf("after revoking its own token: %d, want the sign-in page", p.status)
	}
}

// A token without a scope sees neither the menu entry nor the page.
func TestScopes(t *testing.T) {
	t.Parallel()
	b := setup(t, console.Options{})
	_, secret, err := b.svc.CreateToken(context.Background(), b.a, "reader", []hookhub.Scope{hookhub.ScopeWebhooksRead}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	c := b.client(t)
	c.signIn(secret)
	p := c.get("/").want(t, http.StatusOK)
	p.has(t, `href="/webhooks"`, "this token lacks the events.read scope")
	p.lacks(t, `href="/tokens"`, `href="/integrations"`)
	c.get("/tokens").want(t, http.StatusForbidden).has(t, "this token lacks the tokens.manage scope")
	w := b.webhook(t, b.a, "crm")
	c.get("/webhooks/"+itoa(w.ID)).want(t, http.StatusOK).lacks(t, `action="/webhooks/`+itoa(w.ID)+`/state"`)
	c.post("/webhooks/"+itoa(w.ID)+"/state", url.Values{"state": {"stopped"}}).want(t, http.StatusForbidden)
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	b := setup(t, console.Options{})
	c := b.client(t)
	for _, path := range []string{"/signin", "/", "/nowhere", "/static/console.js"} {
		p := c.get(path)
		for k, want := range map[string]string{
			"X-Frame-Options":        "DENY",
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy":        "same-origin",
		} {
			if got := p.header.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", path, k, got, want)
			}
		}
		csp := p.header.Get("Content-Security-Policy")
		for _, d := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, d) {
				t.Errorf("%s: Content-Security-Policy %q lacks %q", path, csp, d)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: Content-Security-Policy allows inline code: %q", path, csp)
		}
	}
	c.get("/nowhere").want(t, http.StatusNotFound)
	if p := c.get("/signin"); p.header.Get("Cache-Control") != "no-store" || strings.Contains(p.body, "<script>") || strings.Contains(p.body, " style=") {
		t.Errorf("pages must not be cached and must have no inline script or style")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Behind a proxy that changes the Host header, forms from the public URL's
// origin pass; forms from elsewhere still do not.
func TestPublicURLOrigin(t *testing.T) {
	t.Parallel()
	b := setup(t, console.Options{PublicURL: "https://hooks.example.com/"})
	w := b.webhook(t, b.a, "crm")
	c := b.client(t)
	c.signIn(b.aSecret)
	path := "/webhooks/" + itoa(w.ID) + "/state"
	form := url.Values{"state": {"stopped"}, "csrf": {c.csrf}}
	c.postRaw(path, form, http.Header{"Origin": {"https://evil.example"}}).want(t, http.StatusForbidden)
	c.postRaw(path, form, http.Header{"Origin": {"https://hooks.example.com"}}).want(t, http.StatusSeeOther)
}
