package console

import "net/http"

// revokeToken revokes a token: it and every session signed in with it stop
// working at once, this one too.
func (h *handler) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := h.svc.RevokeToken(r.Context(), actor(r), id); err != nil {
		return err
	}
	if id == actor(r).ID {
		h.setCookie(w, r, sessionCookie, "", -1)
		return h.seeOther(w, r, "/signin", "You revoked the token you were signed in with.")
	}
	return h.seeOther(w, r, "/tokens", "Token "+id+" is revoked.")
}
