package svix

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/hookhub/hookhub"
)

// recoverOut is Svix's RecoverOut: the recovery is done when the answer
// comes, so its task is finished.
type recoverOut struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Task   string `json:"task"`
}

// recoverEndpoint makes every failed delivery to the endpoint since the
// given time due again. Svix's until is not supported: hookhub recovers
// up to now.
func (h *handler) recoverEndpoint(ctx context.Context, c *call) (reply, error) {
	var in struct {
		Since *time.Time `json:"since"`
		Until *time.Time `json:"until"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if in.Since == nil {
		return reply{}, hookhub.Invalid("since", "is required")
	}
	if in.Until != nil {
		return reply{}, hookhub.Invalid("until", "is not supported by hookhub: it recovers every failed message since the given time")
	}
	_, w, err := h.appEndpoint(ctx, c)
	if err != nil {
		return reply{}, err
	}
	if _, err := h.svc.RecoverDeliveries(ctx, c.actor, w.ID, *in.Since); err != nil {
		return reply{}, err
	}
	return reply{http.StatusAccepted, recoverOut{ID: hookhub.NewID("qtask"), Status: "finished", Task: "endpoint.recover"}}, nil
}

// statsOut is Svix's EndpointStats.
type statsOut struct {
	Success int64 `json:"success"`
	Pending int64 `json:"pending"`
	Sending int64 `json:"sending"`
	Fail    int64 `json:"fail"`
}

// endpointStats counts the endpoint's messages by status, of those
// created in [since, until).
func (h *handler) endpointStats(ctx context.Context, c *call) (reply, error) {
	q := c.r.URL.Query()
	_, w, err := h.appEndpoint(ctx, c)
	if err != nil {
		return reply{}, err
	}
	f := hookhub.DeliveryFilter{WebhookID: w.ID, Page: hookhub.Page{Limit: 500}}
	if f.Since, err = parseTime(q, "since"); err != nil {
		return reply{}, err
	}
	if f.Until, err = parseTime(q, "until"); err != nil {
		return reply{}, err
	}
	var out statsOut
	for {
		ds, err := h.svc.ListDeliveries(ctx, c.actor, f)
		if err != nil {
			return reply{}, err
		}
		for _, d := range ds {
			switch deliveryStatus(d) {
			case statusSuccess:
				out.Success++
			case statusFail:
				out.Fail++
			case statusSending:
				out.Sending++
			default:
				out.Pending++
			}
		}
		if len(ds) < f.Limit {
			return reply{http.StatusOK, out}, nil
		}
		f.Before = ds[len(ds)-1].ID
	}
}

// deliveryStatus is Svix's status of a message at one endpoint.
func deliveryStatus(d *hookhub.Delivery) int {
	switch d.State {
	case hookhub.DeliverySucceeded:
		return statusSuccess
	case hookhub.DeliveryFailed:
		return statusFail
	case hookhub.DeliveryInFlight:
		return statusSending
	}
	return statusPending // pending, or held while the endpoint is disabled
}

// sendExample sends an example of an event type to the endpoint only: the
// exampleIndex-th example of the type's schemas (the first by default),
// or {} when they have none.
func (h *handler) sendExample(ctx context.Context, c *call) (reply, error) {
	var in struct {
		EventType    string `json:"eventType"`
		ExampleIndex *int   `json:"exampleIndex"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	app, w, err := h.appEndpoint(ctx, c)
	if err != nil {
		return reply{}, err
	}
	t, err := h.eventType(ctx, c, in.EventType)
	if hookhub.ErrorCode(err) == hookhub.ENOTFOUND {
		return reply{}, hookhub.Invalid("eventType", "%s is not an event type; define it with POST /api/v1/event-type", in.EventType)
	}
	if err != nil {
		return reply{}, err
	}
	payload := json.RawMessage(`{}`)
	var schemas map[string]struct {
		Examples []json.RawMessage `json:"examples"`
	}
	if m := readMeta(t); len(m.Schemas) > 0 && json.Unmarshal(m.Schemas, &schemas) == nil {
		i := 0
		if in.ExampleIndex != nil {
			i = *in.ExampleIndex
		}
		for _, s := range schemas {
			if i >= 0 && i < len(s.Examples) {
				payload = s.Examples[i]
			}
		}
	} else if len(t.Example) > 0 {
		payload = t.Example
	}
	e := &hookhub.Event{Type: t.Name, AppID: app.ID, Data: payload, EntityType: "endpoint", EntityID: strconv.FormatInt(w.ID, 10)}
	res, err := h.svc.SendEvent(ctx, c.actor, w.ID, e)
	if err != nil {
		return reply{}, err
	}
	return reply{http.StatusAccepted, toMessage(&res.Event, true)}, nil
}

// destinationOut is Svix's MessageEndpointOut: an endpoint a message was
// sent to, with the message's status there.
type destinationOut struct {
	ID          string   `json:"id"`
	UID         *string  `json:"uid,omitempty"`
	URL         string   `json:"url"`
	Version     int      `json:"version"`
	Description string   `json:"description"`
	FilterTypes []string `json:"filterTypes,omitempty"`
	Channels    []string `json:"channels,omitempty"`
	Disabled    bool     `json:"disabled"`
	RateLimit   *int     `json:"rateLimit,omitempty"`
	CreatedAt   string   `json:"createdAt"`
	UpdatedAt   string   `json:"updatedAt"`
	Status      int      `json:"status"`
	NextAttempt *string  `json:"nextAttempt,omitempty"`
}

// endpointMessageOut is Svix's EndpointMessageOut: a message sent to an
// endpoint, with its status there.
type endpointMessageOut struct {
	messageOut
	Status      int     `json:"status"`
	NextAttempt *string `json:"nextAttempt,omitempty"`
}

func nextAttempt(d *hookhub.Delivery) *string {
	if d.State != hookhub.DeliveryPending {
		return nil
	}
	s := ts(d.RunAt)
	return &s
}

// deliveries lists a page of deliveries under f after the iterator (a
// delivery's position, which the caller renders as its item's id).
func (h *handler) deliveries(ctx context.Context, c *call, f hookhub.DeliveryFilter) ([]*hookhub.Delivery, page, error) {
	p, err := readPage(c.r.URL.Query())
	if err != nil {
		return nil, p, err
	}
	f.Limit = p.limit + 1
	if p.iterator != "" {
		if f.Before, err = parseID(p.iterator, "dlv_", "iterator"); err != nil {
			return nil, p, hookhub.Invalid("query.iterator", "must be the iterator of a previous page")
		}
	}
	ds, err := h.svc.ListDeliveries(ctx, c.actor, f)
	return ds, p, err
}

// listDestinations lists the endpoints a message was sent to.
func (h *handler) listDestinations(ctx context.Context, c *call) (reply, error) {
	app, err := h.app(ctx, c)
	if err != nil {
		return reply{}, err
	}
	e, err := h.message(ctx, c, app)
	if err != nil {
		return reply{}, err
	}
	ds, p, err := h.deliveries(ctx, c, hookhub.DeliveryFilter{EventID: e.ID})
	if err != nil {
		return reply{}, err
	}
	var out []destinationOut
	var ids []string
	for _, d := range ds {
		w, err := h.svc.GetWebhook(ctx, c.actor, d.WebhookID)
		if hookhub.ErrorCode(err) == hookhub.ENOTFOUND {
			continue // deleted since
		}
		if err != nil {
			return reply{}, err
		}
		o := toEndpoint(w)
		out = append(out, destinationOut{ID: o.ID, UID: o.UID, URL: o.URL, Version: o.Version, Description: o.Description,
			FilterTypes: o.FilterTypes, Channels: o.Channels, Disabled: o.Disabled, RateLimit: o.RateLimit, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt,
			Status: deliveryStatus(d), NextAttempt: nextAttempt(d)})
		ids = append(ids, "dlv_"+strconv.FormatInt(d.ID, 10))
	}
	return reply{http.StatusOK, listBy(out, ids, p.limit, len(ds) > p.limit)}, nil
}

// listEndpointMessages lists the messages sent to an endpoint, newest
// first.
func (h *handler) listEndpointMessages(ctx context.Context, c *call) (reply, error) {
	_, w, err := h.appEndpoint(ctx, c)
	if err != nil {
		return reply{}, err
	}
	ds, p, err := h.deliveries(ctx, c, hookhub.DeliveryFilter{WebhookID: w.ID})
	if err != nil {
		return reply{}, err
	}
	withContent := c.r.URL.Query().Get("with_content") != "false"
	var out []endpointMessageOut
	var ids []string
	for _, d := range ds {
		e, err := h.svc.GetEvent(ctx, c.actor, d.EventID)
		if hookhub.ErrorCode(err) == hookhub.ENOTFOUND {
			continue // purged
		}
		if err != nil {
			return reply{}, err
		}
		out = append(out, endpointMessageOut{messageOut: toMessage(e, withContent), Status: deliveryStatus(d), NextAttempt: nextAttempt(d)})
		ids = append(ids, "dlv_"+strconv.FormatInt(d.ID, 10))
	}
	return reply{http.StatusOK, listBy(out, ids, p.limit, len(ds) > p.limit)}, nil
}

// listBy is list for items whose iterator is not their id: ids[i] is
// items[i]'s; more says whether the store had more than a page.
func listBy[T any](items []T, ids []string, limit int, more bool) listOut[T] {
	out := listOut[T]{Data: items, Done: !more}
	if len(items) > limit {
		out.Data, ids = items[:limit], ids[:limit]
	}
	if out.Data == nil {
		out.Data = []T{}
	}
	if n := len(out.Data); n > 0 {
		out.Iterator = &ids[n-1]
	}
	return out
}
