package console

import (
	"net/http"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/service"
)

type webhookData struct {
	W         *hookhub.Webhook
	PublicKey string           // the whpk_ key of an ed25519 (v1a) webhook
	Key       *service.KeyPair // the RSA key of a webhook whose format signs with one (SalesIQ)
	KeyPairs  bool             // whether its format does
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
	d := webhookData{W: wh, PublicKey: service.PublicKey(wh), KeyPairs: h.svc.HasKeyPairs(wh.Format), Here: r.URL.Path}
	if d.KeyPairs {
		if d.Key, err = h.svc.WebhookKey(wh); err != nil {
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
