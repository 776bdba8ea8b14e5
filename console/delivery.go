package console

import (
	"net/http"

	"github.com/hookhub/hookhub"
)

type deliveryData struct {
	D        *hookhub.Delivery
	W        *hookhub.Webhook // nil when deleted
	E        *hookhub.Event
	Attempts []*hookhub.Attempt
}

// Retryable reports whether the delivery may be sent again now: any but
// one being sent right now.
func (d deliveryData) Retryable() bool { return d.D.State != hookhub.DeliveryInFlight }

// delivery shows one delivery and every try: the exact request and the
// answer.
func (h *handler) delivery(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d := deliveryData{}
	if d.D, err = h.svc.GetDelivery(r.Context(), actor(r), id); err != nil {
		return err
	}
	if d.E, err = h.svc.GetEvent(r.Context(), actor(r), d.D.EventID); err != nil {
		return err
	}
	if d.W, err = h.svc.GetWebhook(r.Context(), actor(r), d.D.WebhookID); err != nil && hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
		if _, err = forbidden(err); err != nil {
			return err
		}
	}
	f := hookhub.AttemptFilter{DeliveryID: id, Page: hookhub.Page{Limit: 100}}
	if d.Attempts, err = h.svc.ListAttempts(r.Context(), actor(r), f); err != nil {
		return err
	}
	return h.ok(w, r, "delivery", d)
}

// retryDelivery makes a delivery due now.
func (h *handler) retryDelivery(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := h.svc.RetryDelivery(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	notice := "Delivery #" + itoa(id) + " is due again now."
	if d.State == hookhub.DeliveryHeld {
		notice = "Delivery #" + itoa(id) + " waits: its webhook is not on."
	}
	return h.seeOther(w, r, "/deliveries/"+itoa(id), notice)
}
