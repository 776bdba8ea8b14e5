package console

import "net/http"

// sendTestEvent sends a webhook.test event to the webhook and shows its
// deliveries, where it appears.
func (h *handler) sendTestEvent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	res, err := h.svc.SendTest(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return h.seeOther(w, r, "/webhooks/"+itoa(id)+"/deliveries", "Test event #"+itoa(res.Event.ID)+" sent.")
}
