package console

import (
	"net/http"

	"github.com/hookhub/hookhub"
)

type signInData struct {
	CSRF  string
	Next  string
	Error string
}

// FormCSRF hands the sign-in form its secret: there is no session yet.
func (d signInData) FormCSRF() string { return d.CSRF }

// signInCSRF is the sign-in form's secret, kept in its own cookie.
func signInCSRF(r *http.Request) string { return cookieValue(r, signInCookie) }

// signInPage asks for a token. Somebody still signed in goes on at once.
func (h *handler) signInPage(w http.ResponseWriter, r *http.Request) error {
	next := localPath(r.URL.Query().Get("next"), "/")
	if _, _, err := h.svc.Session(r.Context(), cookieValue(r, sessionCookie), h.opts.Limits); err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	csrf := signInCSRF(r)
	if csrf == "" {
		csrf = hookhub.RandomString(32)
		h.setCookie(w, r, signInCookie, csrf, 3600)
	}
	return h.ok(w, r, "signin", signInData{CSRF: csrf, Next: next})
}

// signIn opens a session for a token and goes where the person was going.
func (h *handler) signIn(w http.ResponseWriter, r *http.Request) error {
	next := localPath(r.PostFormValue("next"), "/")
	if err := h.svc.SignOut(r.Context(), cookieValue(r, sessionCookie)); err != nil { // a session this browser still had
		return err
	}
	_, cookie, err := h.svc.SignIn(r.Context(), r.PostFormValue("token"), h.opts.Limits)
	if hookhub.ErrorCode(err) == hookhub.EUNAUTHORIZED {
		d := signInData{CSRF: signInCSRF(r), Next: next, Error: "This token is unknown, revoked or expired."}
		return h.render(w, r, http.StatusUnauthorized, "signin", d)
	}
	if err != nil {
		return err
	}
	h.setCookie(w, r, sessionCookie, cookie, 0)
	h.setCookie(w, r, signInCookie, "", -1)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// signOut ends the session.
func (h *handler) signOut(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.SignOut(r.Context(), cookieValue(r, sessionCookie)); err != nil {
		return err
	}
	h.setCookie(w, r, sessionCookie, "", -1)
	return h.seeOther(w, r, "/signin", "You are signed out.")
}
