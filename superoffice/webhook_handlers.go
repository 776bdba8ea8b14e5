package superoffice

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
)

// This file holds the HTTP handlers of the webhook API, both styles;
// webhook_wire.go holds the Webhook object as SuperOffice shows it.

// saveWebhook is SaveWebhook: WebhookId 0 (or none) creates, any other id
// updates that webhook.
func (h *handler) saveWebhook(ctx context.Context, c *call) (reply, error) {
	in, err := h.readWebhook(c)
	if err != nil {
		return reply{}, err
	}
	var w *hookhub.Webhook
	if in.WebhookID == nil || *in.WebhookID == 0 {
		w, err = h.create(ctx, c, in)
	} else {
		w, err = h.update(ctx, c, *in.WebhookID, in)
	}
	if err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusOK, v: toWebhook(w, c.loc)}, nil
}

// postWebhook is POST /api/v1/Webhook: it creates, whatever WebhookId says.
func (h *handler) postWebhook(ctx context.Context, c *call) (reply, error) {
	in, err := h.readWebhook(c)
	if err != nil {
		return reply{}, err
	}
	w, err := h.create(ctx, c, in)
	if err != nil {
		return reply{}, err
	}
	loc := http.Header{"Location": {restPath + "/" + strconv.FormatInt(w.ID, 10)}}
	return reply{status: http.StatusCreated, v: toWebhook(w, c.loc), header: loc}, nil
}

// putWebhook is PUT /api/v1/Webhook/{id}: it updates the webhook the path
// names, whatever WebhookId says.
func (h *handler) putWebhook(ctx context.Context, c *call) (reply, error) {
	id, err := webhookID(c)
	if err != nil {
		return reply{}, err
	}
	in, err := h.readWebhook(c)
	if err != nil {
		return reply{}, err
	}
	w, err := h.update(ctx, c, id, in)
	if err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusOK, v: toWebhook(w, c.loc)}, nil
}

func (h *handler) getWebhook(ctx context.Context, c *call) (reply, error) {
	w, err := h.load(ctx, c)
	if err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusOK, v: toWebhook(w, c.loc)}, nil
}

func (h *handler) deleteWebhook(ctx context.Context, c *call) (reply, error) {
	id, err := webhookID(c)
	if err != nil {
		return reply{}, err
	}
	if err := h.svc.DeleteWebhookIf(ctx, c.actor, id, ours); err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusNoContent}, nil
}

// getAllWebhooks lists the tenant's SuperOffice webhooks, oldest first,
// filtered by name (a part of it, any case), event name and status, given
// in the query (name, eventName or event, status) or, for POST, in the
// body (Name, EventName, Status).
func (h *handler) getAllWebhooks(ctx context.Context, c *call) (reply, error) {
	q := lowerQuery(c.r)
	name, event, status := q["name"], q["eventname"], q["status"]
	if event == "" {
		event = q["event"]
	}
	b, err := readBody(c.r)
	if err != nil {
		return reply{}, err
	}
	var p hookhub.Problems
	if b.v != nil {
		f, err := objectFields(b.v, b.xml, "a filter (Name, EventName, Status)", &p)
		if err != nil {
			return reply{}, err
		}
		for _, v := range []struct {
			dst  *string
			name string
		}{{&name, "Name"}, {&event, "EventName"}, {&event, "Event"}} {
			if s := f.str(v.name); s != nil && *s != "" {
				*v.dst = *s
			}
		}
		if st := readState(f, "Status"); st != nil {
			status = string(*st)
		}
	}
	filter := hookhub.WebhookFilter{Name: strings.TrimSpace(name), Event: strings.TrimSpace(event), Format: Format}
	if st, ok := parseState(status); !ok {
		p.Add("status", "must be Active, Stopped or TooManyErrors (or 1, 2, 3), not %q", status)
	} else if st != nil {
		filter.State = *st
	}
	if err := p.Err(); err != nil {
		return reply{}, err
	}
	ws, err := h.svc.ListWebhooks(ctx, c.actor, filter)
	if err != nil {
		return reply{}, err
	}
	out := make([]webhookJSON, len(ws))
	for i, w := range ws {
		out[i] = toWebhook(w, c.loc)
	}
	return reply{status: http.StatusOK, v: out}, nil
}

// createDefaultWebhook answers a new, unsaved webhook with the defaults:
// active, of type webhook, without events or target.
func (h *handler) createDefaultWebhook(ctx context.Context, c *call) (reply, error) {
	if _, err := h.svc.Tenant(ctx, c.actor); err != nil {
		return reply{}, err
	}
	w := newWebhook()
	if c.out.xml {
		return reply{status: http.StatusOK, v: toWebhook(w, c.loc)}, nil
	}
	return reply{status: http.StatusOK, v: defaultWebhook(toWebhook(w, c.loc))}, nil
}

// testWebhook is TestWebhook: it posts a test event to a webhook now and
// answers what the receiver said, saving nothing. The webhook is the body
// (unsaved, or a saved one's id with changes to try), or the saved one
// ?webhookId= names.
func (h *handler) testWebhook(ctx context.Context, c *call) (reply, error) {
	b, err := readBody(c.r)
	if err != nil {
		return reply{}, err
	}
	in := &webhookIn{}
	if b.v != nil {
		if in, err = decodeWebhook(b); err != nil {
			return reply{}, err
		}
	}
	var id int64
	switch {
	case lowerQuery(c.r)["webhookid"] != "":
		if id, err = webhookID(c); err != nil {
			return reply{}, err
		}
	case in.WebhookID != nil:
		id = *in.WebhookID
	case b.v == nil:
		return reply{}, badRequest("send the Webhook to test as the body, or name a saved one with ?webhookId=")
	}
	w := newWebhook()
	if id != 0 {
		if w, err = h.svc.WebhookToTest(ctx, c.actor, id); err != nil {
			return reply{}, err
		}
		if err := ours(w); err != nil {
			return reply{}, err
		}
	}
	if p := in.apply(w, c.who, id == 0); len(p) > 0 {
		return reply{}, p.Err()
	}
	a, err := h.svc.TestWebhook(ctx, c.actor, w, h.testEvent(c, w))
	if err != nil {
		return reply{}, err
	}
	out := resultJSON{Success: a.Status == http.StatusOK || w.IsScript() && a.Success, Message: describeAnswer(a), StatusCode: a.Status, ResponseBody: string(a.ResponseBody)}
	return reply{status: http.StatusOK, v: out}, nil
}

// create saves a new webhook after its test call.
func (h *handler) create(ctx context.Context, c *call, in *webhookIn) (*hookhub.Webhook, error) {
	w := newWebhook()
	p := in.apply(w, c.who, true)
	if err := h.vet(ctx, c, w, in, p, true); err != nil {
		return nil, err
	}
	return h.svc.CreateWebhook(ctx, c.actor, w)
}

// update changes a saved webhook; a change to what shapes the requests
// (TargetUrl, Secret, Headers, Properties) is tested first. Saving State
// Active re-activates a stopped webhook or one with too many errors: its
// held deliveries go out.
func (h *handler) update(ctx context.Context, c *call, id int64, in *webhookIn) (*hookhub.Webhook, error) {
	return h.svc.UpdateWebhook(ctx, c.actor, id, func(w *hookhub.Webhook) error {
		if err := ours(w); err != nil {
			return err
		}
		old := *w // apply replaces Headers and Properties, never edits them
		p := in.apply(w, c.who, false)
		reshaped := w.URL != old.URL || w.Secret != old.Secret ||
			!maps.Equal(w.Headers, old.Headers) || !sameJSON(w.Properties, old.Properties)
		return h.vet(ctx, c, w, in, p, reshaped)
	})
}

// sameJSON reports whether two JSON values are equal as values, whatever
// their spacing and order of members; an empty one counts as {}.
func sameJSON(a, b json.RawMessage) bool {
	va, errA := decodeJSON(a)
	vb, errB := decodeJSON(b)
	return errA == nil && errB == nil && reflect.DeepEqual(va, vb)
}

func decodeJSON(raw json.RawMessage) (any, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = json.RawMessage("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// vet reports every problem of a webhook about to be saved: those apply
// found, those of the core's rules, and, when test is set, a test call
// that the receiver did not answer 200. The test call is made whenever
// the fields that shape the request (TargetUrl, Secret, Headers,
// Properties) are fine, so that one answer names every field at fault.
func (h *handler) vet(ctx context.Context, c *call, w *hookhub.Webhook, in *webhookIn, p hookhub.Problems, test bool) error {
	script := w.IsScript()
	if err := h.svc.CheckWebhook(ctx, c.actor, w); err != nil {
		fields, ok := invalidFields(err)
		if !ok {
			return err
		}
		for _, f := range fields {
			if !script || f.Field != "url" { // a script's TargetUrl is its id
				p = append(p, f)
			}
		}
	}
	if test && !script && !touches(p, "url", "secret", "headers", "properties") {
		a, err := h.try(ctx, c, w)
		switch {
		case err != nil:
			fields, ok := invalidFields(err)
			if !ok {
				return err
			}
			p = append(p, fields...)
		case a.Status != http.StatusOK:
			p.Add("url", "the test call (event test, header %s: true) must be answered 200 OK, but %s", TestHeader, describeAnswer(a))
		}
	}
	return p.Err()
}

// try posts the test event to w now.
func (h *handler) try(ctx context.Context, c *call, w *hookhub.Webhook) (*hookhub.Attempt, error) {
	return h.svc.TryWebhook(ctx, c.actor, w, h.testEvent(c, w))
}

// testEvent is the event a save's test call and TestWebhook post.
func (h *handler) testEvent(c *call, w *hookhub.Webhook) *hookhub.Event {
	id := strconv.FormatInt(w.ID, 10)
	// As SuperOffice's test-event page shows it
	// (https://superofficedocs.github.io/superoffice-docs/en/automation/webhook/reference/test-event.html):
	// Entity "test", PrimaryKey 0; the time at the precision of stored
	// events (milliseconds).
	return &hookhub.Event{
		TenantID: c.actor.TenantID, Type: TestEvent, EntityType: TestEvent,
		Data:      []byte(`{"WebhookId":` + id + `,"Message":"A test call from hookhub. Answer 200 OK to accept the webhook."}`),
		CreatedAt: time.Now().UTC().Truncate(time.Millisecond),
	}
}

// invalidFields returns the field errors of an EINVALID error.
func invalidFields(err error) (hookhub.Problems, bool) {
	var e *hookhub.Error
	if errors.As(err, &e) && e.Code == hookhub.EINVALID {
		return hookhub.Problems(e.Fields), true
	}
	return nil, false
}

// touches reports whether a problem is about one of the fields (core names).
func touches(p hookhub.Problems, fields ...string) bool {
	for _, f := range p {
		base, _, _ := strings.Cut(f.Field, "[")
		for _, name := range fields {
			if strings.EqualFold(base, name) || strings.HasPrefix(strings.ToLower(base), name+".") {
				return true
			}
		}
	}
	return false
}

// readWebhook reads the body as a Webhook.
func (h *handler) readWebhook(c *call) (*webhookIn, error) {
	b, err := readBody(c.r)
	if err != nil {
		return nil, err
	}
	return decodeWebhook(b)
}

// load reads the webhook the request names, if it is one of this API's.
func (h *handler) load(ctx context.Context, c *call) (*hookhub.Webhook, error) {
	id, err := webhookID(c)
	if err != nil {
		return nil, err
	}
	w, err := h.svc.GetWebhook(ctx, c.actor, id)
	if err != nil {
		return nil, err
	}
	return w, ours(w)
}

// ours refuses webhooks of other formats (made through another API): they
// are not found here.
func ours(w *hookhub.Webhook) error {
	if w.Format != Format {
		return hookhub.Errorf(hookhub.ENOTFOUND, "webhook %d not found", w.ID)
	}
	return nil
}

// webhookID is the id in the path (REST), else ?webhookId= (the agent).
func webhookID(c *call) (int64, error) {
	if v := c.r.PathValue("id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			return 0, hookhub.Errorf(hookhub.ENOTFOUND, "webhook %q not found", v)
		}
		return id, nil
	}
	v := strings.TrimSpace(lowerQuery(c.r)["webhookid"])
	if v == "" {
		return 0, hookhub.Invalid("webhookId", "is required: name the webhook with ?webhookId=")
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, hookhub.Invalid("webhookId", "must be a whole number, not %q", v)
	}
	if id < 1 {
		return 0, hookhub.Errorf(hookhub.ENOTFOUND, "webhook %d not found", id)
	}
	return id, nil
}

// lowerQuery is the query's first values by lower-case name: SuperOffice
// reads parameter names without regard to case.
func lowerQuery(r *http.Request) map[string]string {
	out := map[string]string{}
	for k, vs := range r.URL.Query() {
		if k = strings.ToLower(k); out[k] == "" && len(vs) > 0 {
			out[k] = vs[0]
		}
	}
	return out
}
