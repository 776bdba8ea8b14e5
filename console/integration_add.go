package console

import (
	"net/http"
	"strings"

	"github.com/hookhub/hookhub"
)

type addIntegrationData struct {
	Q     string
	Kinds []hookhub.IntegrationKind
}

// addIntegration is the catalogue of integration kinds with its search box
// ("thiio" finds Thiio), each kind with its Configure button.
func (h *handler) addIntegration(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	list, err := h.svc.IntegrationKinds(r.Context(), actor(r), q)
	if err != nil {
		return err
	}
	return h.ok(w, r, "integration_add", addIntegrationData{Q: q, Kinds: list})
}
