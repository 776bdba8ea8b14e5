package svix

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/hookhub/hookhub"
)

// messageIn is Svix's MessageIn.
type messageIn struct {
	EventType              string          `json:"eventType"`
	EventID                *string         `json:"eventId"`
	Payload                json.RawMessage `json:"payload"`
	Channels               []string        `json:"channels"`
	Tags                   []string        `json:"tags"`
	PayloadRetentionPeriod *int            `json:"payloadRetentionPeriod"`
	PayloadRetentionHours  *int            `json:"payloadRetentionHours"`
	Application            *appIn          `json:"application"`
}

// messageOut is Svix's MessageOut.
type messageOut struct {
	ID        string          `json:"id"`
	EventType string          `json:"eventType"`
	EventID   *string         `json:"eventId,omitempty"`
	Payload   json.RawMessage `json:"payload"`
	Channels  []string        `json:"channels,omitempty"`
	Timestamp string          `json:"timestamp"`
}

// eventKey is the idempotency key of an application's message of eventId:
// Svix's eventId is unique within its application.
func eventKey(appID, eventID string) string { return "svix:" + appID + ":" + eventID }

func toMessage(e *hookhub.Event, withContent bool) messageOut {
	out := messageOut{ID: e.MessageID(), EventType: e.Type, Payload: e.Data, Channels: e.Channels, Timestamp: ts(e.CreatedAt)}
	if id, ok := strings.CutPrefix(e.IdempotencyKey, eventKey(e.AppID, "")); ok {
		out.EventID = &id
	}
	if !withContent {
		out.Payload = json.RawMessage(`{}`)
	}
	return out
}

// appOrCreate finds the application the path names or, when there is none
// and the body has one, makes it with the path's name as its uid.
func (h *handler) appOrCreate(ctx context.Context, c *call, in *appIn) (*hookhub.Application, error) {
	app, err := h.app(ctx, c)
	if in == nil || hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
		return app, err
	}
	a := in.app()
	if a.UID == "" {
		a.UID = c.r.PathValue("app_id")
	}
	return h.svc.CreateApplication(ctx, c.actor, a)
}

// createMessage publishes a message to the application's endpoints. A
// second message of the same eventId is 409, as in Svix.
func (h *handler) createMessage(ctx context.Context, c *call) (reply, error) {
	var in messageIn
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	var p hookhub.Problems
	if len(in.Tags) > 0 {
		p.Add("tags", "tags are not supported by hookhub yet")
	}
	if !bytes.HasPrefix(bytes.TrimSpace(in.Payload), []byte("{")) {
		p.Add("payload", "must be a JSON object")
	}
	if in.EventID != nil {
		if r := hookhub.CheckUID(*in.EventID); r != "" {
			p.Add("eventId", "%s", r)
		}
	}
	if r := in.PayloadRetentionPeriod; r != nil && (*r < 1 || *r > 90) {
		p.Add("payloadRetentionPeriod", "must be between 1 and 90 days")
	}
	if r := in.PayloadRetentionHours; r != nil && (*r < 1 || *r > 2160) {
		p.Add("payloadRetentionHours", "must be between 1 and 2160 hours")
	}
	if err := p.Err(); err != nil {
		return reply{}, err
	}
	app, err := h.appOrCreate(ctx, c, in.Application)
	if err != nil {
		return reply{}, err
	}
	e := &hookhub.Event{Type: in.EventType, AppID: app.ID, Data: in.Payload, Channels: in.Channels, EntityType: "message"}
	if in.EventID != nil {
		e.IdempotencyKey = eventKey(app.ID, *in.EventID)
	}
	res, err := h.svc.Publish(ctx, c.actor, e)
	if err != nil {
		return reply{}, err
	}
	if res[0].Duplicate {
		return reply{}, hookhub.Errorf(hookhub.ECONFLICT, "the application has a message with eventId %q already: %s", *in.EventID, res[0].Event.MessageID())
	}
	return reply{http.StatusAccepted, toMessage(&res[0].Event, c.r.URL.Query().Get("with_content") != "false")}, nil
}

// message finds the application's message the path names.
func (h *handler) message(ctx context.Context, c *call, app *hookhub.Application) (*hookhub.Event, error) {
	id, err := parseID(c.r.PathValue("msg_id"), "msg_", "message")
	if err != nil {
		return nil, err
	}
	e, err := h.svc.GetEvent(ctx, c.actor, id)
	if err != nil {
		return nil, err
	}
	if e.AppID != app.ID {
		return nil, hookhub.Errorf(hookhub.ENOTFOUND, "message %s not found", c.r.PathValue("msg_id"))
	}
	return e, nil
}

func (h *handler) getMessage(ctx context.Context, c *call) (reply, error) {
	app, err := h.app(ctx, c)
	if err != nil {
		return reply{}, err
	}
	e, err := h.message(ctx, c, app)
	if err != nil {
		return reply{}, err
	}
	return reply{http.StatusOK, toMessage(e, c.r.URL.Query().Get("with_content") != "false")}, nil
}

// listMessages lists the application's messages, newest first, of one
// event type when event_types names one, created in [after, before).
func (h *handler) listMessages(ctx context.Context, c *call) (reply, error) {
	q := c.r.URL.Query()
	p, err := readPage(q)
	if err != nil {
		return reply{}, err
	}
	app, err := h.app(ctx, c)
	if err != nil {
		return reply{}, err
	}
	f := hookhub.EventFilter{AppID: app.ID, Page: hookhub.Page{Limit: p.limit + 1}}
	if p.iterator != "" {
		if f.Before, err = parseID(p.iterator, "msg_", "iterator"); err != nil {
			return reply{}, hookhub.Invalid("query.iterator", "must be a message id from a previous page")
		}
	}
	switch types := q["event_types"]; len(types) {
	case 0:
	case 1:
		f.Type = types[0]
	default:
		return reply{}, hookhub.Invalid("query.event_types", "hookhub filters by one event type at a time")
	}
	f.Channel = q.Get("channel")
	if q.Get("tag") != "" {
		return reply{}, hookhub.Invalid("query.tag", "tags are not supported by hookhub")
	}
	if f.Since, err = parseTime(q, "after"); err != nil {
		return reply{}, err
	}
	if f.Until, err = parseTime(q, "before"); err != nil {
		return reply{}, err
	}
	es, err := h.svc.ListEvents(ctx, c.actor, f)
	if err != nil {
		return reply{}, err
	}
	out := make([]messageOut, len(es))
	for i, e := range es {
		out[i] = toMessage(e, q.Get("with_content") != "false")
	}
	return reply{http.StatusOK, list(out, p.limit, func(m messageOut) string { return m.ID })}, nil
}
