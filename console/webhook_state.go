package console

import (
	"net/http"

	"github.com/hookhub/hookhub"
)

// setWebhookState switches a webhook on or off. Switching on one that
// stopped after too many errors re-activates it: its held deliveries go out.
func (h *handler) setWebhookState(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	state := hookhub.WebhookState(r.PostFormValue("state"))
	if state != hookhub.StateActive && state != hookhub.StateStopped {
		return hookhub.Invalid("state", "must be active or stopped")
	}
	var was hookhub.WebhookState
	wh, err := h.svc.UpdateWebhook(r.Context(), actor(r), id, func(wh *hookhub.Webhook) error {
		was, wh.State = wh.State, state
		return nil
	})
	if err != nil {
		return err
	}
	notice := "“" + displayName(wh) + "” is stopped: its events wait until it is on again."
	switch {
	case was == hookhub.StateTooManyErrors && state == hookhub.StateActive:
		notice = "“" + displayName(wh) + "” is re-activated: its waiting events go out now."
	case state == hookhub.StateActive:
		notice = "“" + displayName(wh) + "” is on."
	}
	return h.seeOther(w, r, localPath(r.PostFormValue("next"), webhookPath(wh)), notice)
}

func displayName(w *hookhub.Webhook) string {
	if w.Name != "" {
		return w.Name
	}
	return w.URL
}
