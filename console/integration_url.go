package console

import "net/http"

// rotateIntegrationURL gives an integration a new URL; the old one stops
// working at once.
func (h *handler) rotateIntegrationURL(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.svc.RotateIntegrationURL(r.Context(), actor(r), id); err != nil {
		return err
	}
	return h.seeOther(w, r, "/integrations/"+itoa(id), "The integration has a new URL: the old one no longer works. Copy the new one into the platform.")
}
