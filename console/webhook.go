package console

import (
	"net/http"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/salesiq"
	"github.com/hookhub/hookhub/service"
)

type webhookData struct {
	W         *hookhub.Webhook
	PublicKey string       // the whpk_ key of an ed25519 (v1a) webhook
	Key       *salesiq.Key // the RSA key of a SalesIQ webhook
	SalesIQ   bool
	Recent    []*hookhub.Delivery
	RecentErr string
	Here      string
}

// webhook shows one webhook: its settings, figures, recent deliveries and
// what can be done with it.
func (h *handler) webhook(w http.ResponseWriter, r *http.Request) error {
	wh, err := h.loadWebhook(r)
	if err != nil {
		return err
	}
	d := webhookData{W: wh, PublicKey: service.PublicKey(wh), SalesIQ: wh.Format == salesiq.Format, Here: r.URL.Path}
	if d.SalesIQ {
		if d.Key, err = salesiq.WebhookKey(wh); err != nil {
			return err
		}
	}
	f := hookhub.DeliveryFilter{WebhookID: wh.ID, Page: hookhub.Page{Limit: 10}}
	if d.Recent, err = h.svc.ListDeliveries(r.Context(), actor(r), f); err != nil {
		if d.RecentErr, err = forbidden(err); err != nil {
			return err
		}
	}
	return h.ok(w, r, "webhook", d)
}

// loadWebhook reads the webhook the path names; another tenant's is not
// found.
func (h *handler) loadWebhook(r *http.Request) (*hookhub.Webhook, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return h.svc.GetWebhook(r.Context(), actor(r), id)
}
