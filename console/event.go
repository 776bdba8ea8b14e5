package console

import (
	"net/http"

	"github.com/hookhub/hookhub"
)

type eventData struct {
	E          *hookhub.Event
	Deliveries []*hookhub.Delivery
	Webhooks   map[int64]*hookhub.Webhook // by id; a deleted one is missing
}

// event shows one event and where it went: each webhook's delivery.
func (h *handler) event(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d := eventData{Webhooks: map[int64]*hookhub.Webhook{}}
	if d.E, err = h.svc.GetEvent(r.Context(), actor(r), id); err != nil {
		return err
	}
	f := hookhub.DeliveryFilter{EventID: id, Page: hookhub.Page{Limit: 500}}
	if d.Deliveries, err = h.svc.ListDeliveries(r.Context(), actor(r), f); err != nil {
		return err
	}
	hooks, err := h.svc.ListWebhooks(r.Context(), actor(r), hookhub.WebhookFilter{})
	if _, ferr := forbidden(err); ferr != nil {
		return ferr
	}
	for _, wh := range hooks {
		d.Webhooks[wh.ID] = wh
	}
	return h.ok(w, r, "event", d)
}
