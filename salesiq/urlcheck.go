package salesiq

import (
	"context"
	"net/http"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/delivery"
)

// checkURL says what is wrong with a webhook URL, as the service would say
// when it saves it: the scheme the server allows, and the egress policy
// (private addresses). "" when it is fine.
func (h *handler) checkURL(u string) string {
	if r := h.svc.CheckHTTPS(u); r != "" {
		return r
	}
	if _, err := h.svc.Egress().CheckURL(u); err != nil {
		return err.Error()
	}
	return ""
}

// head checks a new URL as Zoho's update page describes it
// (https://www.zoho.com/salesiq/help/developer-section/update-webhook-v2.html):
// "a HEAD request is made to the webhook url. The webhook should return a
// success response with HTTP Code 200. Else, an exception will be thrown."
// The request follows the egress policy and waits at most the delivery
// timeout; the error names field, the member that carried the URL.
func (h *handler) head(ctx context.Context, field, u string) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, u, nil)
	if err != nil {
		return hookhub.Invalid(field, "cannot be requested: %s", err.Error())
	}
	req.Header.Set("User-Agent", delivery.UserAgent)
	resp, err := h.client.Do(req)
	if err != nil {
		return hookhub.Invalid(field, "the HEAD request to the new URL got no answer (%s); it must answer HTTP 200", err.Error())
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return hookhub.Invalid(field, "the HEAD request to the new URL was answered HTTP %d; it must answer HTTP 200", resp.StatusCode)
	}
	return nil
}
