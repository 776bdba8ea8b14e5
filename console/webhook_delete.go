package console

import "net/http"

// confirmDeleteWebhook asks before a webhook is deleted.
func (h *handler) confirmDeleteWebhook(w http.ResponseWriter, r *http.Request) error {
	wh, err := h.loadWebhook(r)
	if err != nil {
		return err
	}
	return h.ok(w, r, "webhook_delete", wh)
}

// deleteWebhook deletes a webhook and its unsent deliveries.
func (h *handler) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	wh, err := h.loadWebhook(r)
	if err != nil {
		return err
	}
	if err := h.svc.DeleteWebhook(r.Context(), actor(r), wh.ID); err != nil {
		return err
	}
	return h.seeOther(w, r, "/webhooks", "“"+displayName(wh)+"” is deleted.")
}
