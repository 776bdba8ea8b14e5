package console

import (
	"net/http"
	"time"

	"github.com/hookhub/hookhub"
)

type dashboardData struct {
	Since    time.Time
	Stats    hookhub.Stats
	StatsErr string // why the figures cannot be shown (a scope the token lacks)
	Troubled []*hookhub.Webhook
	Webhooks []*hookhub.Webhook
	HooksErr string
}

// dashboard shows the last hour's deliveries, the queue, and each webhook
// with its failures, last call and apps; webhooks with too many errors come
// first, each with a button that re-activates it.
func (h *handler) dashboard(w http.ResponseWriter, r *http.Request) error {
	d := dashboardData{Since: h.opts.Now().Add(-time.Hour)}
	var err error
	if d.Stats, err = h.svc.Stats(r.Context(), actor(r), d.Since); err != nil {
		if d.StatsErr, err = forbidden(err); err != nil {
			return err
		}
	}
	if d.Webhooks, err = h.svc.ListWebhooks(r.Context(), actor(r), hookhub.WebhookFilter{}); err != nil {
		if d.HooksErr, err = forbidden(err); err != nil {
			return err
		}
	}
	for _, wh := range d.Webhooks {
		if wh.State == hookhub.StateTooManyErrors {
			d.Troubled = append(d.Troubled, wh)
		}
	}
	return h.ok(w, r, "dashboard", d)
}
