package console

import (
	"net/http"
)

// createKey makes a webhook that signs with RSA (SalesIQ's) a new RSA key pair, replacing its key.
func (h *handler) createKey(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.svc.CreateWebhookKey(r.Context(), actor(r), id); err != nil {
		return err
	}
	return h.seeOther(w, r, "/webhooks/"+itoa(id)+"#keys", "New key pair made: give receivers its public key.")
}

// deleteKey removes a SalesIQ webhook's key. A secured webhook gets a new
// key pair at once, so that its requests stay signed.
func (h *handler) deleteKey(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	replacement, err := h.svc.DeleteWebhookKey(r.Context(), actor(r), id, r.PathValue("keyID"))
	if err != nil {
		return err
	}
	msg := "Key deleted: the webhook's requests go unsigned."
	if replacement != nil {
		msg = "Key deleted. The webhook is secured, so it got a new key pair at once: give receivers its public key."
	}
	return h.seeOther(w, r, "/webhooks/"+itoa(id)+"#keys", msg)
}
