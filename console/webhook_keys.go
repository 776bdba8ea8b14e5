package console

import (
	"net/http"

	"github.com/hookhub/hookhub/salesiq"
)

// createKey makes a SalesIQ webhook a new RSA key pair, replacing its key.
func (h *handler) createKey(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := salesiq.CreateKey(r.Context(), h.svc, actor(r), id); err != nil {
		return err
	}
	return h.seeOther(w, r, "/webhooks/"+itoa(id)+"#keys", "New key pair made: give receivers its public key.")
}

// deleteKey removes a SalesIQ webhook's key: its requests go unsigned.
func (h *handler) deleteKey(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := salesiq.DeleteKey(r.Context(), h.svc, actor(r), id, r.PathValue("keyID")); err != nil {
		return err
	}
	return h.seeOther(w, r, "/webhooks/"+itoa(id)+"#keys", "Key deleted: requests go unsigned until the webhook has a new one.")
}
