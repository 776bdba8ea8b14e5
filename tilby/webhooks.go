package tilby

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/textcheck"
)

// Tilby's delivery policy: the first try at once, then 3 retries 15
// minutes apart, without jitter; only HTTP 200 succeeds; every failed try
// is e-mailed with the request body, and after the last one a separate
// e-mail says the message reached the retry limit.
var retrySchedule = []time.Duration{0, 15 * time.Minute, 15 * time.Minute, 15 * time.Minute}

// failureThreshold is as high as hookhub allows: Tilby's webhooks have no
// way to be switched back on, so they are switched off only after a very
// long streak of failures (see docs/tilby.md).
const failureThreshold = 1000

// webhookIn is the body of POST /v2/webhooks.
type webhookIn struct {
	URL        string `json:"url"`
	EntityName string `json:"entity_name"`
	EventType  string `json:"event_type"`
	Email      string `json:"email"`
}

// webhookJSON is a webhook as this API shows it.
type webhookJSON struct {
	ID            int64  `json:"id"`
	URL           string `json:"url"`
	EntityName    string `json:"entity_name"`
	EventType     string `json:"event_type"`
	Email         string `json:"email"`
	EnvironmentID string `json:"environment_id"`
	ClientID      string `json:"client_id"`
	State         string `json:"state"`
	CreatedAt     string `json:"created_at"`
}

func toWebhook(w *hookhub.Webhook) webhookJSON {
	name, event := "", ""
	if len(w.Events) > 0 {
		name, event = splitType(w.Events[0])
	}
	return webhookJSON{
		ID: w.ID, URL: w.URL, EntityName: name, EventType: event, Email: w.ErrorsEmail,
		EnvironmentID: w.TenantID, ClientID: w.RegisteredBy, State: string(w.State),
		CreatedAt: w.RegisteredAt.UTC().Format(TimeLayout),
	}
}

// createWebhook checks the request, refuses a second webhook for the same
// entity and event type, sends the verification request, and saves the
// webhook only when the URL answered it with HTTP 200.
func (h *handler) createWebhook(ctx context.Context, c *call) (int, any, error) {
	in, p, err := decodeWebhook(c.r)
	if err != nil {
		return 0, nil, err
	}
	w, err := h.webhook(in, p)
	if err != nil {
		return 0, nil, err
	}
	// Tilby signs every request with the token that configured the
	// webhook; it is kept, encrypted at rest, as the webhook's secret.
	w.Secret = c.secret
	if !c.actor.Has(hookhub.ScopeWebhooksCreate) {
		// Checked by the service too; here so that nothing is posted for
		// a token that may not create webhooks.
		return 0, nil, hookhub.Errorf(hookhub.EFORBIDDEN, "this token lacks the %s scope", hookhub.ScopeWebhooksCreate)
	}
	q := unique(in.EntityName, in.EventType)
	if c.actor.Has(hookhub.ScopeWebhooksRead) {
		// A duplicate is refused before its URL is bothered; the quota
		// below is what makes the rule hold under concurrent creates.
		ws, err := h.svc.ListWebhooks(ctx, c.actor, hookhub.WebhookFilter{Format: Format})
		if err != nil {
			return 0, nil, err
		}
		for _, o := range ws {
			if q.Counts(o) {
				return 0, nil, hookhub.Errorf(hookhub.ECONFLICT, "%s (webhook %d)", q.Message, o.ID)
			}
		}
	}
	w.TenantID = c.actor.TenantID
	body := SubscribedBody(in.EntityName, c.actor.TenantID, c.actor.ID, h.opts.Now())
	a, err := h.svc.Probe(ctx, c.actor, w, body, signedHeader(w.Secret, body))
	if err != nil {
		return 0, nil, err
	}
	if a.Status != http.StatusOK {
		return 0, nil, &handshakeError{a}
	}
	w, err = h.svc.CreateWebhookWithin(ctx, c.actor, w, q)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toWebhook(w), nil
}

// webhook checks a create request and returns the core webhook it asks
// for, or every problem of the request in one error. entity_name and
// event_type are accepted in any case, as Tilby's entities page writes
// them ("CLOSED"), and kept in lower case. p holds the problems decoding
// found already.
func (h *handler) webhook(in *webhookIn, p hookhub.Problems) (*hookhub.Webhook, error) {
	in.URL, in.Email = strings.TrimSpace(in.URL), strings.TrimSpace(in.Email)
	in.EntityName = strings.ToLower(strings.TrimSpace(in.EntityName))
	in.EventType = strings.ToLower(strings.TrimSpace(in.EventType))
	switch {
	case p.Has("url"):
	case in.URL == "":
		p.Add("url", "is required")
	default:
		if r := h.svc.CheckHTTPS(in.URL); r != "" {
			p.Add("url", "%s", r)
		}
	}
	switch {
	case p.Has("entity_name") || p.Has("event_type"):
	case in.EntityName == "":
		p.Add("entity_name", "is required; the entities are items, customers, suppliers, sales, daily_closings, bookings")
	case in.EventType == "":
		p.Add("event_type", "is required")
	default:
		checkPair(&p, in.EntityName, in.EventType)
	}
	if in.Email == "" && !p.Has("email") {
		p.Add("email", "is required: it is told of every failed request")
	}
	typ := in.EntityName + "." + in.EventType
	w := &hookhub.Webhook{
		Name: "Tilby " + typ, URL: in.URL, Events: []string{typ}, State: hookhub.StateActive, Format: Format,
		Timeout: h.opts.Timeout, Retry: hookhub.RetryPolicy{Schedule: retrySchedule},
		SuccessCodes: []int{http.StatusOK}, FailureThreshold: failureThreshold,
		ErrorsEmail: in.Email, EmailEachFailure: true,
	}
	w.ApplyDefaults()
	// The service checks again when it saves; checking now spares the
	// receiver a verification request for a webhook that cannot be saved.
	// Its problems join the others, under the names this API uses.
	var he *hookhub.Error
	if err := w.Validate(); errors.As(err, &he) {
		for _, f := range he.Fields {
			if name := field(f.Field); !p.Has(name) {
				p.Add(name, "%s", f.Reason)
			}
		}
	} else if err != nil {
		return nil, err
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return w, nil
}

// unique is the rule of one webhook per entity and event type per shop.
func unique(entity, event string) hookhub.WebhookLimit {
	typ := entity + "." + event
	return hookhub.WebhookLimit{
		Max: 1,
		Counts: func(w *hookhub.Webhook) bool {
			return w.Format == Format && len(w.Events) == 1 && w.Events[0] == typ
		},
		Message: fmt.Sprintf("this shop has a webhook for entity_name %s and event_type %s already; "+
			"there may be one per pair: to change it, delete it and create it again", entity, event),
	}
}

func (h *handler) listWebhooks(ctx context.Context, c *call) (int, any, error) {
	ws, err := h.svc.ListWebhooks(ctx, c.actor, hookhub.WebhookFilter{Format: Format})
	if err != nil {
		return 0, nil, err
	}
	out := make([]webhookJSON, len(ws))
	for i, w := range ws {
		out[i] = toWebhook(w)
	}
	return http.StatusOK, out, nil
}

func (h *handler) getWebhook(ctx context.Context, c *call) (int, any, error) {
	id, err := pathID(c)
	if err != nil {
		return 0, nil, err
	}
	w, err := h.svc.GetWebhook(ctx, c.actor, id)
	if err != nil {
		return 0, nil, err
	}
	if err := ours(w); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toWebhook(w), nil
}

// deleteWebhook removes the webhook and answers it as it was.
func (h *handler) deleteWebhook(ctx context.Context, c *call) (int, any, error) {
	id, err := pathID(c)
	if err != nil {
		return 0, nil, err
	}
	var gone *hookhub.Webhook
	err = h.svc.DeleteWebhookIf(ctx, c.actor, id, func(w *hookhub.Webhook) error {
		gone = w
		return ours(w)
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toWebhook(gone), nil
}

// ours refuses the tenant's webhooks made through another API: they are not
// found here.
func ours(w *hookhub.Webhook) error {
	if w.Format != Format {
		return hookhub.Errorf(hookhub.ENOTFOUND, "webhook %d not found", w.ID)
	}
	return nil
}

func pathID(c *call) (int64, error) {
	v := c.r.PathValue("id")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		return 0, hookhub.Errorf(hookhub.ENOTFOUND, "webhook %q not found", v)
	}
	return id, nil
}

// decodeWebhook reads the body of a create: a JSON object whose members
// are read one by one, so that every member of the wrong type is named,
// together with the problems found later.
func decodeWebhook(r *http.Request) (*webhookIn, hookhub.Problems, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, nil, err // *http.MaxBytesError, or the client went away
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil, nil, hookhub.Invalid("body", "is required: a JSON object with url, entity_name, event_type and email")
	}
	if e := textcheck.JSON(b); e != nil {
		return nil, nil, e.Invalid()
	}
	var obj map[string]json.RawMessage
	err = json.Unmarshal(b, &obj)
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		return nil, nil, hookhub.Invalid("body", "is not valid JSON: %s (byte %d)", syn.Error(), syn.Offset)
	case err != nil || obj == nil:
		return nil, nil, hookhub.Invalid("body", "must be a JSON object with url, entity_name, event_type and email")
	}
	in := &webhookIn{}
	var p hookhub.Problems
	for _, m := range []struct {
		name string
		dst  *string
	}{{"url", &in.URL}, {"entity_name", &in.EntityName}, {"event_type", &in.EventType}, {"email", &in.Email}} {
		raw, ok := obj[m.name]
		if !ok || string(raw) == "null" {
			continue
		}
		if err := json.Unmarshal(raw, m.dst); err != nil {
			p.Add(m.name, "must be a string, not %s", jsonKind(raw))
		}
	}
	return in, p, nil
}

// jsonKind names the kind of a JSON value: "a number", "an object".
func jsonKind(raw json.RawMessage) string {
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

// handshakeError is a verification request that was not answered with
// HTTP 200.
type handshakeError struct {
	a *hookhub.Attempt
}

func (e *handshakeError) Error() string {
	if e.a.Status == 0 {
		return fmt.Sprintf("the url did not answer the verification request (SUBSCRIBED): %s; it must answer HTTP 200", e.a.Error)
	}
	return fmt.Sprintf("the url answered the verification request (SUBSCRIBED) with HTTP %d %s; it must answer HTTP 200",
		e.a.Status, http.StatusText(e.a.Status))
}

// receiverJSON is what the receiver answered to a verification request.
type receiverJSON struct {
	Status int    `json:"status,omitempty"`
	Body   string `json:"body,omitempty"`
	Error  string `json:"error,omitempty"`
}

// receiver reports the answer, with at most 1 KiB of its body.
func (e *handshakeError) receiver() *receiverJSON {
	out := &receiverJSON{Status: e.a.Status}
	if e.a.Status == 0 {
		out.Error = e.a.Error
	}
	body := e.a.ResponseBody
	if len(body) > 1024 {
		body = body[:1024]
	}
	out.Body = strings.ToValidUTF8(string(body), "\uFFFD")
	return out
}
