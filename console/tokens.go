package console

import (
	"net/http"

	"github.com/hookhub/hookhub"
)

type tokensData struct {
	Tokens  []*hookhub.Token
	Current string // the id of the token this session acts as
	Scopes  []hookhub.Scope
	Form    tokenForm
}

type tokenForm struct {
	Name    string
	Scopes  []string
	Expires string
	Errors  formErrors
}

// Has reports whether the form has scope checked.
func (f tokenForm) Has(s hookhub.Scope) bool {
	for _, x := range f.Scopes {
		if x == string(s) {
			return true
		}
	}
	return false
}

// tokens lists the tenant's tokens, newest first, with the form that makes
// one. A tenant has few tokens, and the store gives them whole.
func (h *handler) tokens(w http.ResponseWriter, r *http.Request) error {
	return h.showTokens(w, r, http.StatusOK, tokenForm{})
}

func (h *handler) showTokens(w http.ResponseWriter, r *http.Request, status int, f tokenForm) error {
	list, err := h.svc.ListTokens(r.Context(), actor(r))
	if err != nil {
		return err
	}
	d := tokensData{Tokens: list, Current: actor(r).ID, Scopes: actor(r).Scopes, Form: f}
	return h.render(w, r, status, "tokens", d)
}
