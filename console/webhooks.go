package console

import (
	"net/http"
	"slices"
	"strings"

	"github.com/hookhub/hookhub"
)

type webhooksData struct {
	Q, State string
	States   []hookhub.WebhookState
	Webhooks []*hookhub.Webhook
	Pager    pager
	Here     string // this page, where the switches come back to
}

// webhooks lists the tenant's webhooks, newest first, found by name and
// state, each with its on/off switch.
func (h *handler) webhooks(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := webhooksData{
		Q: strings.TrimSpace(q.Get("q")), State: q.Get("state"), Here: r.URL.RequestURI(),
		States: []hookhub.WebhookState{hookhub.StateActive, hookhub.StateStopped, hookhub.StateTooManyErrors},
	}
	list, err := h.svc.ListWebhooks(r.Context(), actor(r), hookhub.WebhookFilter{Name: d.Q, State: hookhub.WebhookState(d.State)})
	if err != nil {
		return err
	}
	slices.Reverse(list) // the store lists them oldest first
	d.Webhooks, d.Pager = paged(r, before(r, list, webhookID), webhookID)
	return h.ok(w, r, "webhooks", d)
}

func webhookID(w *hookhub.Webhook) int64 { return w.ID }
