package console

import (
	"context"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/textcheck"
)

// The console's cookies. The session cookie holds the session's secret;
// the sign-in cookie holds the CSRF secret of the sign-in form, before
// there is a session; the flash cookie holds a one-time notice.
const (
	sessionCookie = "hookhub_session"
	signInCookie  = "hookhub_signin"
	flashCookie   = "hookhub_flash"
)

// visit is the signed-in session a request belongs to.
type visit struct {
	session *hookhub.Session
	actor   *hookhub.Token
	tenant  string               // the tenant's name, read on first use
	app     *hookhub.Application // the application of an app portal session
}

type visitKey struct{}

func visitOf(r *http.Request) *visit {
	v, _ := r.Context().Value(visitKey{}).(*visit)
	return v
}

// actor is the token the request acts as.
func actor(r *http.Request) *hookhub.Token { return visitOf(r).actor }

// pageFunc is a page or an action: it writes its answer, or returns an
// error for fail to show.
type pageFunc func(w http.ResponseWriter, r *http.Request) error

var errCSRF = hookhub.Errorf(hookhub.EFORBIDDEN,
	"this form has expired or did not come from this console: go back, reload the page and send it again")

// signedIn serves fn to signed-in people only, acting as their session's
// token. A form must come from this console's own pages: the browser's
// cross-origin headers say so, and it carries the session's CSRF secret.
func (h *handler) signedIn(fn pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		se, tok, err := h.svc.Session(r.Context(), cookieValue(r, sessionCookie), h.opts.Limits)
		if err == nil && tok.AppID != "" { // an app portal session sees its portal only
			http.Redirect(w, r, "/portal/", http.StatusSeeOther)
			return
		}
		if err == nil {
			r = r.WithContext(context.WithValue(r.Context(), visitKey{}, &visit{session: se, actor: tok}))
			err = h.checkForm(w, r, se.CSRF)
		}
		if err == nil {
			err = fn(w, r)
		}
		if err != nil {
			h.fail(w, r, err)
		}
	}
}

// public serves fn to anybody; forms are checked against csrf(r), the
// secret the form's page handed out.
func (h *handler) public(fn pageFunc, csrf func(r *http.Request) string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := h.checkForm(w, r, csrf(r))
		if err == nil {
			err = fn(w, r)
		}
		if err != nil {
			h.fail(w, r, err)
		}
	}
}

// checkForm reads a POST's form within the size limit and checks that it
// came from one of the console's pages: not cross-origin, and carrying the
// secret want in its csrf field (compared in constant time). The text of
// every request, path and query and form, must be storable as it came
// (textcheck).
func (h *handler) checkForm(w http.ResponseWriter, r *http.Request, want string) error {
	if e := textcheck.Request(r); e != nil {
		return e.Invalid()
	}
	if r.Method != http.MethodPost {
		return nil
	}
	if err := h.cross.Check(r); err != nil {
		return errCSRF
	}
	r.Body = http.MaxBytesReader(w, r.Body, h.opts.MaxBody)
	if err := r.ParseForm(); err != nil {
		return hookhub.Errorf(hookhub.EINVALID, "the form could not be read: it is malformed or larger than %d bytes", h.opts.MaxBody)
	}
	if e := textcheck.Values(r.PostForm); e != nil {
		return e.Invalid()
	}
	got := r.PostFormValue("csrf")
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return errCSRF
	}
	return nil
}

func cookieValue(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	return c.Value
}

// setCookie sets an HttpOnly, SameSite=Lax cookie for the whole console,
// Secure over https; maxAge < 0 deletes it, 0 makes it last as long as the
// browser's session.
func (h *handler) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.opts.Secure || r.TLS != nil,
	})
}

// localPath returns next when it is a path of this site ("/webhooks?x=1"),
// else fallback: redirects never leave the console.
func localPath(next, fallback string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return fallback
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return fallback
	}
	return next
}
