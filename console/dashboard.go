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
	// Inbound messages accepted and then failed for good in the last
	// day, with their integrations' names; none without the scope.
	FailedSince time.Time
	Failed      []failedInbound
}

// failedInbound is a failed inbound message and the name of its
// integration.
type failedInbound struct {
	*hookhub.InboundMessage
	Integration string
}

// failedShown is how many failed inbound messages the dashboard lists.
const failedShown = 10

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
	if err := h.failedInbound(r, &d); err != nil {
		return err
	}
	return h.ok(w, r, "dashboard", d)
}

// failedInbound fills the inbound messages that failed for good in the
// last day: their senders were told they were received.
func (h *handler) failedInbound(r *http.Request, d *dashboardData) error {
	d.FailedSince = h.opts.Now().Add(-24 * time.Hour)
	msgs, err := h.svc.FailedInbound(r.Context(), actor(r), d.FailedSince, failedShown)
	if err != nil {
		_, err = forbidden(err) // without the scope the section is not shown
		return err
	}
	if len(msgs) == 0 {
		return nil
	}
	names := map[int64]string{}
	for _, m := range msgs {
		if _, ok := names[m.IntegrationID]; !ok {
			in, err := h.svc.GetIntegration(r.Context(), actor(r), m.IntegrationID)
			if err != nil {
				return err
			}
			names[in.ID] = in.Name
		}
		d.Failed = append(d.Failed, failedInbound{InboundMessage: m, Integration: names[m.IntegrationID]})
	}
	return nil
}
