package superoffice

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
)

// This file holds the Webhook object as SuperOffice shows it, and its
// translation to and from hookhub's webhook.

// The Type of a webhook: SuperOffice's plugin that handles it.
const (
	TypeWebhook   = "webhook"   // HTTP POST to TargetUrl
	TypeCRMScript = "crmscript" // run a script: a hookhub script webhook (docs/scripts.md)
)

// retrySchedule is the delay before each try of a SuperOffice webhook's
// delivery, which SuperOffice does not let callers set: at once, then 1
// min, 5 min, 15 min, 1 h, 3 h, 6 h, 12 h and 24 h. Nine tries, so that
// one event whose every try fails reaches the nine consecutive failures
// that set TooManyErrors.
var retrySchedule = []time.Duration{0, time.Minute, 5 * time.Minute, 15 * time.Minute,
	time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour}

// failureThreshold is how many failed tries in a row set TooManyErrors.
const failureThreshold = 9

// meta is what hookhub keeps of a SuperOffice webhook beside the core's
// settings (hookhub.Webhook.Meta): its Type and who registered and last
// updated it, by name.
type meta struct {
	Type                string `json:"type"`
	RegisteredAssociate string `json:"registered_associate,omitempty"`
	UpdatedAssociate    string `json:"updated_associate,omitempty"`
}

func readMeta(w *hookhub.Webhook) meta {
	var m meta
	_ = json.Unmarshal(w.Meta, &m) // unreadable meta shows as a plain webhook
	if m.Type == "" {
		m.Type = TypeWebhook
	}
	return m
}

func (m meta) encode() json.RawMessage {
	b, _ := json.Marshal(m) // strings only: cannot fail
	return b
}

// webhookIn is a Webhook body. Every member is nil when absent or null:
// on a create it gets its default, on an update it stays as it is.
// Registered, Updated and their associates are read-only and ignored.
type webhookIn struct {
	WebhookID   *int64
	Name        *string
	Events      []string
	HasEvents   bool
	TargetURL   *string
	Secret      *string
	State       *hookhub.WebhookState
	Type        *string
	Headers     map[string]string
	HasHeaders  bool
	Properties  json.RawMessage
	ErrorsEmail *string
	// Script is hookhub's own member: the JavaScript a crmscript webhook
	// runs. SuperOffice names a CRM script of its own by its id in
	// TargetUrl ("URL for webhooks. Id for CRM scripts"); hookhub has no
	// library of scripts, so the source comes with the webhook and
	// TargetUrl keeps the id the caller gave, shown back as it was.
	Script *string
}

// decodeWebhook reads a Webhook body; every member of the wrong type is
// reported, by its name, in one EINVALID error.
func decodeWebhook(b body) (*webhookIn, error) {
	if b.v == nil {
		return nil, badRequest("the body is empty; send a Webhook object (JSON or XML)")
	}
	var p hookhub.Problems
	f, err := objectFields(b.v, b.xml, "a Webhook", &p)
	if err != nil {
		return nil, err
	}
	in := &webhookIn{
		WebhookID: f.integer("WebhookId"), Name: f.str("Name"), TargetURL: f.str("TargetUrl"),
		Secret: f.str("Secret"), Type: f.str("Type"), ErrorsEmail: f.str("ErrorsEmail"),
		Properties: f.object("Properties"), Script: f.str("Script"),
	}
	in.Events, in.HasEvents = f.stringList("Events")
	in.Headers, in.HasHeaders = f.stringMap("Headers")
	in.State = readState(f, "State")
	for _, name := range []string{"Registered", "Updated"} {
		if s := f.str(name); s != nil && strings.TrimSpace(*s) != "" {
			if _, ok := parseDateTime(*s); !ok {
				p.Add(name, "must be a date-time like 2024-03-20T14:15:00+01:00, not %q (it is set by hookhub and ignored)", *s)
			}
		}
	}
	for _, name := range []string{"RegisteredAssociate", "UpdatedAssociate"} {
		switch v := f.get(name).(type) {
		case nil, map[string]any:
		case string:
			if !b.xml || strings.TrimSpace(v) != "" {
				p.Add(name, "must be an Associate object or null, not a string")
			}
		default:
			p.Add(name, "must be an Associate object or null, not %s", kindOf(v))
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return in, nil
}

// readState reads a State: Active, Stopped or TooManyErrors, or 1, 2, 3, as
// a name or a number; Unknown (0) counts as not given.
func readState(f *fields, name string) *hookhub.WebhookState {
	var s string
	switch v := f.get(name).(type) {
	case nil:
		return nil
	case string:
		s = strings.TrimSpace(v)
	case json.Number:
		s = v.String()
	default:
		f.p.Add(name, "must be Active, Stopped or TooManyErrors (or 1, 2, 3), not %s", kindOf(v))
		return nil
	}
	st, ok := parseState(s)
	if !ok {
		f.p.Add(name, "must be Active, Stopped or TooManyErrors (or 1, 2, 3), not %q", s)
	}
	return st
}

// parseState reads a state's name or number, without regard to case; nil
// for Unknown (0) or nothing.
func parseState(s string) (*hookhub.WebhookState, bool) {
	var st hookhub.WebhookState
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "0", "unknown":
		return nil, true
	case "1", "active":
		st = hookhub.StateActive
	case "2", "stopped":
		st = hookhub.StateStopped
	case "3", "toomanyerrors", string(hookhub.StateTooManyErrors):
		st = hookhub.StateTooManyErrors
	default:
		return nil, false
	}
	return &st, true
}

// stateName is SuperOffice's name of a state.
func stateName(s hookhub.WebhookState) string {
	switch s {
	case hookhub.StateActive:
		return "Active"
	case hookhub.StateStopped:
		return "Stopped"
	case hookhub.StateTooManyErrors:
		return "TooManyErrors"
	}
	return "Unknown"
}

// newWebhook is a SuperOffice webhook before the caller's settings.
func newWebhook() *hookhub.Webhook {
	return &hookhub.Webhook{
		Format: Format, State: hookhub.StateActive,
		Retry:            hookhub.RetryPolicy{Schedule: retrySchedule, Jitter: hookhub.DefaultJitter},
		FailureThreshold: failureThreshold,
		Headers:          map[string]string{}, Meta: meta{Type: TypeWebhook}.encode(),
	}
}

// apply sets what the body gives onto w, and returns the problems of the
// rules hookhub's core does not know: the Type (https targets are Rules',
// which the service applies on every save). who names the caller.
func (in *webhookIn) apply(w *hookhub.Webhook, who string, create bool) hookhub.Problems {
	var p hookhub.Problems
	m := readMeta(w)
	if in.Type != nil {
		switch t := strings.ToLower(strings.TrimSpace(*in.Type)); t {
		case TypeWebhook, "":
			m.Type, w.Type, w.Script = TypeWebhook, hookhub.TypeHTTP, ""
		case TypeCRMScript:
			m.Type, w.Type = TypeCRMScript, hookhub.TypeScript
		default:
			p.Add("Type", "must be webhook (HTTP POST notifications) or crmscript, not %q", *in.Type)
		}
	}
	if in.Name != nil {
		w.Name = *in.Name
	}
	if in.HasEvents {
		w.Events = in.Events
	}
	if in.TargetURL != nil {
		w.URL = strings.TrimSpace(*in.TargetURL)
	}
	if in.Secret != nil {
		w.Secret, w.PreviousSecret, w.PreviousUntil = *in.Secret, "", time.Time{}
	}
	if in.State != nil {
		w.State = *in.State
	}
	if in.HasHeaders {
		w.Headers = in.Headers
	}
	if in.Properties != nil {
		w.Properties = in.Properties
	}
	if in.ErrorsEmail != nil {
		w.ErrorsEmail = *in.ErrorsEmail
	}
	if in.Script != nil {
		w.Script = *in.Script
	}
	if create {
		m.RegisteredAssociate = who
	}
	m.UpdatedAssociate = who
	w.Meta = m.encode()
	return p
}

// fieldNames maps the core's names of fields onto SuperOffice's.
var fieldNames = map[string]string{
	"name": "Name", "url": "TargetUrl", "events": "Events", "secret": "Secret", "state": "State",
	"headers": "Headers", "properties": "Properties", "errors_email": "ErrorsEmail", "script": "Script",
}

// fieldName is SuperOffice's name of a field the core or this package
// named: "events[1]" is "Events[1]".
func fieldName(field string) string {
	base, rest := field, ""
	if i := strings.IndexAny(field, "[."); i >= 0 {
		base, rest = field[:i], field[i:]
	}
	if n, ok := fieldNames[base]; ok {
		return n + rest
	}
	return field
}

// reason says a problem the core or this package found with field (core
// name) in SuperOffice's words: its state names, and where its event
// catalogue is rather than how a native client defines an event type.
func reason(field, r string) string {
	switch base, _, _ := strings.Cut(field, "["); {
	case base == "state" && r == "must be one of active, stopped":
		return "must be Active or Stopped (or 1, 2); TooManyErrors is set by hookhub when deliveries keep failing, and can only be kept, not set"
	case base == "events" && strings.HasPrefix(r, "unknown event type "):
		name, err := strconv.QuotedPrefix(strings.TrimPrefix(r, "unknown event type "))
		if err != nil {
			return r
		}
		return name + ` is not an event hookhub knows; SuperOffice's events are listed under "Event names" in docs/superoffice.md, and GET /v1/event-types lists every event hookhub knows`
	}
	return r
}

// associateJSON is who registered or updated a webhook. hookhub has no
// associates: AssociateId is 0, Name is the user name of Basic
// authentication, or the token's name.
type associateJSON struct {
	AssociateID int    `json:"AssociateId"`
	Name        string `json:"Name"`
	FullName    string `json:"FullName"`
}

func associate(name string) *associateJSON {
	if name == "" {
		return nil
	}
	return &associateJSON{Name: name, FullName: name}
}

// webhookJSON is a Webhook as the API shows it: SuperOffice's members in
// its order, then hookhub's statistics.
type webhookJSON struct {
	WebhookID           int64             `json:"WebhookId"`
	Name                string            `json:"Name"`
	Events              []string          `json:"Events"`
	TargetURL           string            `json:"TargetUrl"`
	Secret              string            `json:"Secret"`
	State               string            `json:"State"`
	Type                string            `json:"Type"`
	Headers             map[string]string `json:"Headers"`
	Properties          json.RawMessage   `json:"Properties"`
	Registered          string            `json:"Registered"`
	RegisteredAssociate *associateJSON    `json:"RegisteredAssociate"`
	Updated             string            `json:"Updated"`
	UpdatedAssociate    *associateJSON    `json:"UpdatedAssociate"`
	ErrorsEmail         string            `json:"ErrorsEmail"`

	TotalCalls        int64   `json:"TotalCalls"`
	TotalErrors       int64   `json:"TotalErrors"`
	ConsecutiveErrors int     `json:"ConsecutiveErrors"`
	LastError         string  `json:"LastError"`
	LastTriggered     *string `json:"LastTriggered"`
	Script            string  `json:"Script,omitempty"` // hookhub's: a crmscript webhook's JavaScript
}

// toWebhook converts w, with its date-times in loc.
func toWebhook(w *hookhub.Webhook, loc *time.Location) webhookJSON {
	m := readMeta(w)
	out := webhookJSON{
		WebhookID: w.ID, Name: w.Name, Events: w.Events, TargetURL: w.URL, Secret: w.Secret,
		State: stateName(w.State), Type: m.Type, Headers: w.Headers, Properties: w.Properties,
		Registered: dateTime(w.RegisteredAt, loc), RegisteredAssociate: associate(m.RegisteredAssociate),
		Updated: dateTime(w.UpdatedAt, loc), UpdatedAssociate: associate(m.UpdatedAssociate),
		ErrorsEmail: w.ErrorsEmail, TotalCalls: w.TotalCalls, TotalErrors: w.TotalErrors,
		ConsecutiveErrors: w.ConsecutiveFailures, LastError: w.LastError, Script: w.Script,
	}
	if !w.LastTriggeredAt.IsZero() {
		t := dateTime(w.LastTriggeredAt, loc)
		out.LastTriggered = &t
	}
	if out.Events == nil {
		out.Events = []string{}
	}
	if out.Headers == nil {
		out.Headers = map[string]string{}
	}
	if len(out.Properties) == 0 {
		out.Properties = json.RawMessage("{}")
	}
	return out
}

// writeXML writes the webhook as <name>…</name>.
func (o *webhookJSON) writeXML(x *xmlWriter, name string) error {
	x.open(name)
	x.elem("WebhookId", strconv.FormatInt(o.WebhookID, 10))
	x.elem("Name", o.Name)
	x.strings("Events", o.Events)
	x.elem("TargetUrl", o.TargetURL)
	x.elem("Secret", o.Secret)
	x.elem("State", o.State)
	x.elem("Type", o.Type)
	x.stringMap("Headers", o.Headers)
	if err := x.json("Properties", o.Properties); err != nil {
		return err
	}
	x.elem("Registered", o.Registered)
	o.RegisteredAssociate.writeXML(x, "RegisteredAssociate")
	x.elem("Updated", o.Updated)
	o.UpdatedAssociate.writeXML(x, "UpdatedAssociate")
	x.elem("ErrorsEmail", o.ErrorsEmail)
	x.elem("TotalCalls", strconv.FormatInt(o.TotalCalls, 10))
	x.elem("TotalErrors", strconv.FormatInt(o.TotalErrors, 10))
	x.elem("ConsecutiveErrors", strconv.Itoa(o.ConsecutiveErrors))
	x.elem("LastError", o.LastError)
	if o.LastTriggered != nil {
		x.elem("LastTriggered", *o.LastTriggered)
	} else {
		x.null("LastTriggered")
	}
	if o.Script != "" {
		x.elem("Script", o.Script)
	}
	x.close(name)
	return nil
}

func (a *associateJSON) writeXML(x *xmlWriter, name string) {
	if a == nil {
		x.null(name)
		return
	}
	x.open(name)
	x.elem("AssociateId", strconv.Itoa(a.AssociateID))
	x.elem("Name", a.Name)
	x.elem("FullName", a.FullName)
	x.close(name)
}

// resultJSON is the answer of TestWebhook: SuperOffice's WebhookResult
// (Success, Message), and the receiver's status and answer.
type resultJSON struct {
	Success      bool   `json:"Success"`
	Message      string `json:"Message"`
	StatusCode   int    `json:"StatusCode"`
	ResponseBody string `json:"ResponseBody"`
}

func (o *resultJSON) writeXML(x *xmlWriter, name string) error {
	x.open(name)
	x.elem("Success", strconv.FormatBool(o.Success))
	x.elem("Message", o.Message)
	x.elem("StatusCode", strconv.Itoa(o.StatusCode))
	x.elem("ResponseBody", o.ResponseBody)
	x.close(name)
	return nil
}

// describeAnswer says what a test call got, for a person: the status and
// the start of the receiver's answer, or why no answer came.
func describeAnswer(a *hookhub.Attempt) string {
	if a.Status == 0 {
		return "it got no answer: " + a.Error
	}
	s := fmt.Sprintf("the receiver answered %d %s", a.Status, http.StatusText(a.Status))
	if body := strings.TrimSpace(string(a.ResponseBody)); body != "" {
		if len(body) > 500 {
			body = body[:500] + "…"
		}
		s += ": " + body
	}
	return s
}

// defaultWebhookJSON is CreateDefaultWebhook's answer in JSON: the members
// a new webhook has no value for are null, as SuperOffice answers them
// (https://superofficedocs.github.io/superoffice-docs/en/automation/webhook/subscription.html:
// "Name": null, "TargetUrl": null, "Secret": null, "Headers": null,
// "Properties": null, "RegisteredAssociate": null, …).
type defaultWebhookJSON struct {
	WebhookID           int64           `json:"WebhookId"`
	Name                *string         `json:"Name"`
	Events              []string        `json:"Events"`
	TargetURL           *string         `json:"TargetUrl"`
	Secret              *string         `json:"Secret"`
	State               string          `json:"State"`
	Type                string          `json:"Type"`
	Headers             json.RawMessage `json:"Headers"`
	Properties          json.RawMessage `json:"Properties"`
	Registered          string          `json:"Registered"`
	RegisteredAssociate *associateJSON  `json:"RegisteredAssociate"`
	Updated             string          `json:"Updated"`
	UpdatedAssociate    *associateJSON  `json:"UpdatedAssociate"`
	ErrorsEmail         *string         `json:"ErrorsEmail"`
}

func defaultWebhook(w webhookJSON) defaultWebhookJSON {
	return defaultWebhookJSON{
		Events: w.Events, State: w.State, Type: w.Type,
		Headers: json.RawMessage("null"), Properties: json.RawMessage("null"),
		Registered: w.Registered, Updated: w.Updated,
	}
}
