package console

import (
	"net/http"

	"github.com/hookhub/hookhub"
)

// newWebhook shows the form of a new webhook, with hookhub's defaults.
func (h *handler) newWebhook(w http.ResponseWriter, r *http.Request) error {
	cat, err := h.svc.ListEventTypes(r.Context(), actor(r))
	if err != nil {
		return err
	}
	def := &hookhub.Webhook{}
	def.ApplyDefaults()
	return h.ok(w, r, "webhook_form", formOf(def, cat))
}

// createWebhook registers the webhook the form describes and shows its
// secret, once.
func (h *handler) createWebhook(w http.ResponseWriter, r *http.Request) error {
	cat, err := h.svc.ListEventTypes(r.Context(), actor(r))
	if err != nil {
		return err
	}
	f := readWebhookForm(r, cat)
	in := &hookhub.Webhook{Format: hookhub.FormatStandard, State: hookhub.StateStopped}
	if f.Active {
		in.State = hookhub.StateActive
	}
	err = h.applyAll(r, f, in)
	if err == nil {
		in, err = h.svc.CreateWebhook(r.Context(), actor(r), in)
	}
	if err != nil {
		return h.formFailed(w, r, f, err)
	}
	return h.ok(w, r, "webhook_secret", secretData{W: in, Secret: in.Secret, Created: true})
}

// formFailed shows the form again with its problems beside its fields.
func (h *handler) formFailed(w http.ResponseWriter, r *http.Request, f *webhookForm, err error) error {
	var ok bool
	if f.Errors, ok = problems(err, webhookFields, webhookAliases); !ok {
		return err
	}
	return h.render(w, r, http.StatusUnprocessableEntity, "webhook_form", f)
}
