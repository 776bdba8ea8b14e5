package console

import (
	"net/http"

	"github.com/hookhub/hookhub"
)

// editWebhook shows the form of a webhook.
func (h *handler) editWebhook(w http.ResponseWriter, r *http.Request) error {
	wh, err := h.loadWebhook(r)
	if err != nil {
		return err
	}
	cat, err := h.svc.ListEventTypes(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return h.ok(w, r, "webhook_form", formOf(wh, cat))
}

// saveWebhook saves the form. A new signing scheme makes a new secret,
// shown once.
func (h *handler) saveWebhook(w http.ResponseWriter, r *http.Request) error {
	old, err := h.loadWebhook(r)
	if err != nil {
		return err
	}
	cat, err := h.svc.ListEventTypes(r.Context(), actor(r))
	if err != nil {
		return err
	}
	f := readWebhookForm(r, cat)
	f.ID, f.Format = old.ID, old.Format
	if err := h.applyAll(r, f, old); err != nil {
		return h.formFailed(w, r, f, err)
	}
	wh, err := h.svc.UpdateWebhook(r.Context(), actor(r), old.ID, f.apply)
	if err != nil {
		return h.formFailed(w, r, f, err)
	}
	if wh.Secret != old.Secret && wh.Format == hookhub.FormatStandard {
		return h.ok(w, r, "webhook_secret", secretData{W: wh, Secret: wh.Secret})
	}
	return h.seeOther(w, r, webhookPath(wh), "Saved.")
}

func webhookPath(w *hookhub.Webhook) string { return "/webhooks/" + itoa(w.ID) }
