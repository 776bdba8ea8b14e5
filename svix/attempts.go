package svix

import (
	"context"
	"net/http"
	"strconv"

	"github.com/hookhub/hookhub"
)

// attemptOut is Svix's MessageAttemptOut.
type attemptOut struct {
	ID                 string `json:"id"`
	MsgID              string `json:"msgId"`
	EndpointID         string `json:"endpointId"`
	URL                string `json:"url"`
	Response           string `json:"response"`
	ResponseStatusCode int    `json:"responseStatusCode"`
	ResponseDurationMs int64  `json:"responseDurationMs"`
	Status             int    `json:"status"`
	TriggerType        int    `json:"triggerType"`
	Timestamp          string `json:"timestamp"`
}

// Svix's MessageStatus values.
const (
	statusSuccess = 0
	statusPending = 1
	statusFail    = 2
	statusSending = 3
)

func attemptID(a *hookhub.Attempt) string { return "atmpt_" + strconv.FormatInt(a.ID, 10) }

func toAttempt(a *hookhub.Attempt) attemptOut {
	out := attemptOut{
		ID: attemptID(a), MsgID: (&hookhub.Event{ID: a.EventID}).MessageID(), EndpointID: "ep_" + strconv.FormatInt(a.WebhookID, 10),
		URL: a.URL, Response: string(a.ResponseBody), ResponseStatusCode: a.Status,
		ResponseDurationMs: a.Duration.Milliseconds(), Status: statusFail, Timestamp: ts(a.StartedAt),
	}
	if a.Success {
		out.Status = statusSuccess
	}
	if a.Error != "" && len(a.ResponseBody) == 0 {
		out.Response = a.Error
	}
	return out
}

// attempts lists attempts under f, a page of them after the iterator,
// newest first; status=2 keeps the failed ones only.
func (h *handler) attempts(ctx context.Context, c *call, f hookhub.AttemptFilter) (reply, error) {
	q := c.r.URL.Query()
	p, err := readPage(q)
	if err != nil {
		return reply{}, err
	}
	f.Limit = p.limit + 1
	if p.iterator != "" {
		if f.Before, err = parseID(p.iterator, "atmpt_", "iterator"); err != nil {
			return reply{}, hookhub.Invalid("query.iterator", "must be an attempt id from a previous page")
		}
	}
	switch q.Get("status") {
	case "":
	case strconv.Itoa(statusFail):
		f.FailedOnly = true
	default:
		return reply{}, hookhub.Invalid("query.status", "hookhub filters attempts by status 2 (failed) only")
	}
	if f.Since, err = parseTime(q, "after"); err != nil {
		return reply{}, err
	}
	if f.Until, err = parseTime(q, "before"); err != nil {
		return reply{}, err
	}
	as, err := h.svc.ListAttempts(ctx, c.actor, f)
	if err != nil {
		return reply{}, err
	}
	out := make([]attemptOut, len(as))
	for i, a := range as {
		out[i] = toAttempt(a)
	}
	return reply{http.StatusOK, list(out, p.limit, func(a attemptOut) string { return a.ID })}, nil
}

// listAttemptsByMsg lists a message's attempts, to one endpoint when
// endpoint_id names it.
func (h *handler) listAttemptsByMsg(ctx context.Context, c *call) (reply, error) {
	app, err := h.app(ctx, c)
	if err != nil {
		return reply{}, err
	}
	e, err := h.message(ctx, c, app)
	if err != nil {
		return reply{}, err
	}
	f := hookhub.AttemptFilter{EventID: e.ID}
	if ep := c.r.URL.Query().Get("endpoint_id"); ep != "" {
		w, err := h.endpoint(ctx, c, app, ep)
		if err != nil {
			return reply{}, err
		}
		f.WebhookID = w.ID
	}
	return h.attempts(ctx, c, f)
}

func (h *handler) listAttemptsByEndpoint(ctx context.Context, c *call) (reply, error) {
	_, w, err := h.appEndpoint(ctx, c)
	if err != nil {
		return reply{}, err
	}
	return h.attempts(ctx, c, hookhub.AttemptFilter{WebhookID: w.ID})
}

func (h *handler) getAttempt(ctx context.Context, c *call) (reply, error) {
	app, err := h.app(ctx, c)
	if err != nil {
		return reply{}, err
	}
	e, err := h.message(ctx, c, app)
	if err != nil {
		return reply{}, err
	}
	id, err := parseID(c.r.PathValue("attempt_id"), "atmpt_", "attempt")
	if err != nil {
		return reply{}, err
	}
	f := hookhub.AttemptFilter{EventID: e.ID, Page: hookhub.Page{Limit: 1, Before: id + 1}}
	as, err := h.svc.ListAttempts(ctx, c.actor, f)
	if err != nil {
		return reply{}, err
	}
	if len(as) == 0 || as[0].ID != id {
		return reply{}, hookhub.Errorf(hookhub.ENOTFOUND, "attempt %s not found", c.r.PathValue("attempt_id"))
	}
	return reply{http.StatusOK, toAttempt(as[0])}, nil
}

// resend tries the message's delivery to the endpoint again now.
func (h *handler) resend(ctx context.Context, c *call) (reply, error) {
	app, w, err := h.appEndpoint(ctx, c)
	if err != nil {
		return reply{}, err
	}
	e, err := h.message(ctx, c, app)
	if err != nil {
		return reply{}, err
	}
	ds, err := h.svc.ListDeliveries(ctx, c.actor, hookhub.DeliveryFilter{EventID: e.ID, WebhookID: w.ID, Page: hookhub.Page{Limit: 1}})
	if err != nil {
		return reply{}, err
	}
	if len(ds) == 0 {
		return reply{}, hookhub.Errorf(hookhub.ENOTFOUND, "message %s was not sent to endpoint %s", e.MessageID(), endpointID(w))
	}
	if _, err := h.svc.RetryDelivery(ctx, c.actor, ds[0].ID); err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusAccepted}, nil
}
