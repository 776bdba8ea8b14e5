package console

import "net/http"

// deleteIntegration deletes an integration and the requests it received;
// the contacts and orders it made stay.
func (h *handler) deleteIntegration(w http.ResponseWriter, r *http.Request) error {
	in, err := h.loadIntegration(r)
	if err != nil {
		return err
	}
	if err := h.svc.DeleteIntegration(r.Context(), actor(r), in.ID); err != nil {
		return err
	}
	return h.seeOther(w, r, "/integrations", "“"+in.Name+"” is deleted; the contacts and orders it made stay.")
}
