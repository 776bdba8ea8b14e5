package hookhub

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// WebhookState says whether hookhub posts to a webhook.
type WebhookState string

// The states of a webhook. Deliveries for a webhook that is not active are
// held, not dropped, and go out when it is active again.
const (
	StateActive        WebhookState = "active"
	StateStopped       WebhookState = "stopped"
	StateTooManyErrors WebhookState = "too_many_errors" // set by hookhub only
)

// Valid reports whether s is one of the states.
func (s WebhookState) Valid() bool {
	return s == StateActive || s == StateStopped || s == StateTooManyErrors
}

// Signing schemes of the standard format (Standard Webhooks).
const (
	SchemeHMAC    = "v1"  // HMAC-SHA256 with a whsec_ secret
	SchemeEd25519 = "v1a" // ed25519 with a whsk_ key; receivers verify with whpk_
)

// FormatStandard is the native wire format: the Standard Webhooks envelope
// and headers. Adapters register others ("superoffice", "salesiq", "tilby").
const FormatStandard = "standard"

// Types of webhook: what hookhub does with a matching event.
const (
	TypeHTTP   = "http"   // an HTTP request to URL
	TypeScript = "script" // a run of Script
)

// IsScript reports whether the webhook runs a script instead of posting.
func (w *Webhook) IsScript() bool { return w.Type == TypeScript }

// Defaults for a new webhook.
const (
	DefaultTimeout          = 5 * time.Second
	DefaultFailureThreshold = 9
	DefaultMaxInFlight      = 32
	DefaultJitter           = 0.2
	DefaultSecretGrace      = 24 * time.Hour
)

// DefaultRetrySchedule is the delay before each try: the first at once, then
// 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h.
func DefaultRetrySchedule() []time.Duration {
	return []time.Duration{0, 5 * time.Second, 5 * time.Minute, 30 * time.Minute,
		2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour}
}

// RetryPolicy says when a failed delivery is tried again. Schedule[i] is the
// delay before try i+1 (Schedule[0] is normally 0: the first try at once);
// after len(Schedule) tries the delivery has failed for good. Each delay is
// moved at random by up to ±Jitter of itself.
type RetryPolicy struct {
	Schedule []time.Duration
	Jitter   float64
}

// Webhook is a subscription: where to post which events, how, and what
// happened so far.
type Webhook struct {
	ID       int64
	TenantID string
	Name     string
	URL      string
	Events   []string // exact types or patterns ("conversation.*", "*")
	State    WebhookState
	Format   string // FormatStandard or an adapter's format

	// Apps limits the webhook to events from these apps (Event.AppID): an
	// event of another app, or of no app, does not reach it. Empty: no
	// limit, events of any app or of none.
	Apps []string

	// Channels limits the webhook to events in at least one of these
	// channels (Event.Channels), Svix's free-form routing labels. Empty:
	// events of any channel or of none.
	Channels []string

	// Secret signs requests; its meaning belongs to the format (whsec_ or
	// whsk_ for the standard format, any string for SuperOffice's HMAC). It
	// is encrypted at rest. PreviousSecret still signs until PreviousUntil.
	Secret         string
	SigningScheme  string
	PreviousSecret string
	PreviousUntil  time.Time

	Headers    map[string]string // added to every request
	Properties json.RawMessage   // a JSON object merged into every body

	Timeout          time.Duration
	Retry            RetryPolicy
	SuccessCodes     []int   // empty: any 2xx
	RateLimitPerS    float64 // 0: no limit
	MaxInFlight      int
	FailureThreshold int    // consecutive failures before too_many_errors
	ErrorsEmail      string // told when the webhook fails too often
	EmailEachFailure bool   // also tell ErrorsEmail of every failed try

	// Filter, when set, is a JSON object (see package filter) that an
	// event as published must match to reach the webhook. Transform is
	// JavaScript run on each request before it is signed and sent (HTTP
	// webhooks). A webhook of Type TypeScript runs Script on each event
	// instead of posting to URL. See docs/scripts.md.
	Filter    json.RawMessage
	Transform string
	Type      string // TypeHTTP ("" reads as it) or TypeScript
	Script    string

	// Meta is data an adapter keeps to show the webhook in its product's
	// shape (SuperOffice's Type, SalesIQ's module and key); the core does
	// not read it.
	Meta json.RawMessage

	ConsecutiveFailures int
	TotalCalls          int64
	TotalErrors         int64
	LastError           string
	LastTriggeredAt     time.Time
	FailingSince        time.Time

	RegisteredAt time.Time
	RegisteredBy string // token id
	UpdatedAt    time.Time
	UpdatedBy    string
	// Version counts the changes of the webhook's settings and state; a
	// worker's copy with the same Version is up to date.
	Version int64
}

// Subscribes reports whether the webhook wants events of type t.
func (w *Webhook) Subscribes(t string) bool {
	for _, p := range w.Events {
		if MatchEvent(p, t) {
			return true
		}
	}
	return false
}

// TakesApp reports whether the webhook takes events of app ("" for an
// event of no app); see Apps.
func (w *Webhook) TakesApp(app string) bool {
	return len(w.Apps) == 0 || app != "" && slices.Contains(w.Apps, app)
}

// Wants reports whether the webhook subscribes to e: its type and its app.
func (w *Webhook) Wants(e *Event) bool {
	return w.Subscribes(e.Type) && w.TakesApp(e.AppID) && w.TakesChannels(e.Channels)
}

// TakesChannels reports whether the webhook takes an event in channels;
// see Channels.
func (w *Webhook) TakesChannels(channels []string) bool {
	if len(w.Channels) == 0 {
		return true
	}
	for _, c := range channels {
		if slices.Contains(w.Channels, c) {
			return true
		}
	}
	return false
}

// MaxChannels is the most channels a webhook or an event may have.
const MaxChannels = 10

// checkChannels adds to p what is wrong with a list of channels.
func checkChannels(p *Problems, field string, channels []string) {
	if len(channels) > MaxChannels {
		p.Add(field, "must have at most %d entries", MaxChannels)
	}
	for i, c := range channels {
		if r := CheckUID(c); r != "" {
			p.Add(indexed(field, i), "%q %s", c, r)
		} else if len(c) > 128 {
			p.Add(indexed(field, i), "must be at most 128 characters")
		}
	}
}

// MaxApps is the most apps a webhook may be limited to.
const MaxApps = 100

// CheckAppID returns a reason when id is not a valid app id: 1 to 128
// printable characters without spaces.
func CheckAppID(id string) string {
	switch {
	case id == "":
		return "must not be empty"
	case len(id) > 128:
		return "must be at most 128 characters"
	case !utf8.ValidString(id):
		return "must be UTF-8 text"
	case strings.IndexFunc(id, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0:
		return "must not contain spaces or control characters"
	}
	return ""
}

// Succeeded reports whether an HTTP status counts as success for w.
func (w *Webhook) Succeeded(status int) bool {
	if len(w.SuccessCodes) == 0 {
		return status >= 200 && status <= 299
	}
	for _, c := range w.SuccessCodes {
		if c == status {
			return true
		}
	}
	return false
}

// ApplyDefaults fills the settings left empty with hookhub's defaults.
func (w *Webhook) ApplyDefaults() {
	if w.State == "" {
		w.State = StateActive
	}
	if w.Format == "" {
		w.Format = FormatStandard
	}
	if w.SigningScheme == "" && w.Format == FormatStandard {
		w.SigningScheme = SchemeHMAC
	}
	if w.Timeout == 0 {
		w.Timeout = DefaultTimeout
	}
	if len(w.Retry.Schedule) == 0 {
		w.Retry.Schedule = DefaultRetrySchedule()
		if w.Retry.Jitter == 0 {
			w.Retry.Jitter = DefaultJitter
		}
	}
	if w.MaxInFlight == 0 {
		w.MaxInFlight = DefaultMaxInFlight
	}
	if w.FailureThreshold == 0 {
		w.FailureThreshold = DefaultFailureThreshold
	}
}

// reservedHeaders are set by hookhub and may not be overridden.
var reservedHeaders = map[string]bool{
	"Host": true, "Content-Length": true, "Transfer-Encoding": true, "Connection": true,
	"Webhook-Id": true, "Webhook-Timestamp": true, "Webhook-Signature": true,
	"Upgrade": true, "Te": true, "Trailer": true, "Keep-Alive": true, "Proxy-Connection": true,
}

// Validate checks the settings a caller chose. The URL's safety (private
// addresses) is the egress policy's concern, not this one's.
func (w *Webhook) Validate() error {
	var p Problems
	if len(w.Name) > 255 {
		p.Add("name", "must be at most 255 characters")
	}
	if strings.TrimSpace(w.URL) == "" && !w.IsScript() {
		p.Add("url", "is required")
	} else if len(w.URL) > 2048 {
		p.Add("url", "must be at most 2048 characters")
	}
	if len(w.Events) == 0 {
		p.Add("events", "must name at least one event type or pattern")
	}
	if len(w.Events) > 200 {
		p.Add("events", "must have at most 200 entries")
	}
	for i, e := range w.Events {
		if r := CheckEventPattern(e); r != "" {
			p.Add(indexed("events", i), "%q %s", e, r)
		}
	}
	if len(w.Apps) > MaxApps {
		p.Add("apps", "must have at most %d entries", MaxApps)
	}
	for i, a := range w.Apps {
		if r := CheckAppID(a); r != "" {
			p.Add(indexed("apps", i), "%q %s", a, r)
		} else if slices.Index(w.Apps, a) < i {
			p.Add(indexed("apps", i), "%q is listed twice", a)
		}
	}
	checkChannels(&p, "channels", w.Channels)
	if !w.State.Valid() {
		p.Add("state", "must be one of active, stopped")
	}
	if w.Format == FormatStandard && w.SigningScheme != SchemeHMAC && w.SigningScheme != SchemeEd25519 {
		p.Add("signing_scheme", "must be v1 (HMAC-SHA256) or v1a (ed25519)")
	}
	p = append(p, CheckHeaders(w.Headers)...)
	if len(w.Properties) > 0 {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(w.Properties, &obj); err != nil || obj == nil {
			p.Add("properties", "must be a JSON object")
		}
	}
	if w.Timeout < 100*time.Millisecond || w.Timeout > 60*time.Second {
		p.Add("timeout_ms", "must be between 100 and 60000")
	}
	if n := len(w.Retry.Schedule); n < 1 || n > 30 {
		p.Add("retry.schedule", "must have between 1 and 30 delays")
	}
	for i, d := range w.Retry.Schedule {
		if d < 0 || d > 7*24*time.Hour {
			p.Add(indexed("retry.schedule", i), "must be between 0 and 7 days")
		}
	}
	if w.Retry.Jitter < 0 || w.Retry.Jitter > 0.5 {
		p.Add("retry.jitter", "must be between 0 and 0.5")
	}
	for _, c := range w.SuccessCodes {
		if c < 100 || c > 599 {
			p.Add("success_codes", "%d is not an HTTP status", c)
		}
	}
	if w.RateLimitPerS < 0 || w.RateLimitPerS > 100000 {
		p.Add("rate_limit_per_s", "must be between 0 (no limit) and 100000")
	}
	if w.MaxInFlight < 1 || w.MaxInFlight > 1000 {
		p.Add("max_in_flight", "must be between 1 and 1000")
	}
	if w.FailureThreshold < 1 || w.FailureThreshold > 1000 {
		p.Add("failure_threshold", "must be between 1 and 1000")
	}
	if w.ErrorsEmail != "" {
		if _, err := mail.ParseAddress(w.ErrorsEmail); err != nil {
			p.Add("errors_email", "must be a valid e-mail address")
		}
	}
	return p.Err()
}

// CheckHeader returns a reason when a header a caller chose (a webhook's
// headers, a transform's) may not be sent: an invalid name, one hookhub
// sets itself, or a value with line breaks.
func CheckHeader(k, v string) string {
	switch {
	case !validHeaderName(k):
		return fmt.Sprintf("%q is not a valid header name", k)
	case reservedHeaders[textproto.CanonicalMIMEHeaderKey(k)]:
		return fmt.Sprintf("%q is set by hookhub and cannot be overridden", k)
	case strings.ContainsAny(v, "\r\n\x00"):
		return fmt.Sprintf("value of %q must not contain line breaks", k)
	}
	return ""
}

func indexed(field string, i int) string {
	return field + "[" + strconv.Itoa(i) + "]"
}

func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for _, c := range k {
		if c <= ' ' || c >= 0x7f || strings.ContainsRune(`()<>@,;:\"/[]?={}`, c) {
			return false
		}
	}
	return true
}

// CheckHeaders reports the custom headers a webhook may not send (see
// CheckHeader). A save and a test call check the same.
func CheckHeaders(h map[string]string) Problems {
	var p Problems
	for k, v := range h {
		if r := CheckHeader(k, v); r != "" {
			p.Add("headers", "%s", r)
		}
	}
	return p
}
