package console

import (
	"net/http"
	"strings"

	"github.com/hookhub/hookhub"
)

type tokenSecretData struct {
	T      *hookhub.Token
	Secret string
}

// createToken makes a token with the scopes ticked (only scopes the
// signed-in token has) and shows its secret, once.
func (h *handler) createToken(w http.ResponseWriter, r *http.Request) error {
	f := tokenForm{Name: strings.TrimSpace(r.PostFormValue("name")), Scopes: r.PostForm["scopes"], Expires: r.PostFormValue("expires")}
	scopes := make([]hookhub.Scope, len(f.Scopes))
	for i, s := range f.Scopes {
		scopes[i] = hookhub.Scope(s)
	}
	expires, err := timeField(r, "expires")
	var tok *hookhub.Token
	var secret string
	if err == nil {
		tok, secret, err = h.svc.CreateToken(r.Context(), actor(r), f.Name, scopes, expires)
	}
	if err != nil {
		var ok bool
		if f.Errors, ok = problems(err, []string{"name", "scopes", "expires"}, map[string]string{"expires_at": "expires"}); !ok {
			return err
		}
		return h.showTokens(w, r, http.StatusUnprocessableEntity, f)
	}
	return h.ok(w, r, "token_secret", tokenSecretData{T: tok, Secret: secret})
}
