package console

import (
	"net/http"
	"time"

	"github.com/hookhub/hookhub"
)

type deliveriesData struct {
	W          *hookhub.Webhook
	State      string
	States     []hookhub.DeliveryState
	Range      timeRange
	Deliveries []*hookhub.Delivery
	Pager      pager
	Recover    string // the recover form's since, UTC
	Errors     formErrors
}

// deliveries lists a webhook's deliveries by state and time, newest first,
// with the form that sends its failed ones again.
func (h *handler) deliveries(w http.ResponseWriter, r *http.Request) error {
	wh, err := h.loadWebhook(r)
	if err != nil {
		return err
	}
	d := &deliveriesData{W: wh, State: r.URL.Query().Get("state"), Recover: inputTime(h.opts.Now().Add(-24 * time.Hour)),
		States: []hookhub.DeliveryState{hookhub.DeliveryPending, hookhub.DeliveryInFlight, hookhub.DeliverySucceeded, hookhub.DeliveryFailed, hookhub.DeliveryHeld}}
	if d.Range, err = readRange(r); err != nil {
		d.Errors, _ = problems(err, []string{"since", "until"}, nil)
		return h.render(w, r, http.StatusBadRequest, "deliveries", d)
	}
	f := hookhub.DeliveryFilter{WebhookID: wh.ID, State: hookhub.DeliveryState(d.State), Since: d.Range.Since, Until: d.Range.Until, Page: pageOf(r)}
	list, err := h.svc.ListDeliveries(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	d.Deliveries, d.Pager = paged(r, list, deliveryID)
	return h.ok(w, r, "deliveries", d)
}

func deliveryID(d *hookhub.Delivery) int64 { return d.ID }

// recoverDeliveries sends again every failed delivery of the webhook made
// since the given time.
func (h *handler) recoverDeliveries(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	since, err := timeField(r, "since")
	if err != nil {
		return err
	}
	n, err := h.svc.RecoverDeliveries(r.Context(), actor(r), id, since)
	if err != nil {
		return err
	}
	notice := itoa(int64(n)) + " failed deliveries are due again now."
	if n == 1 {
		notice = "1 failed delivery is due again now."
	}
	return h.seeOther(w, r, "/webhooks/"+itoa(id)+"/deliveries", notice)
}

// inputTime is a time as a datetime-local field's value, in UTC: the
// script moves it to the viewer's zone (the field has data-utc).
func inputTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(localLayout)
}
