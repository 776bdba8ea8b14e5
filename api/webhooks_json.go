package api

import (
	"cmp"
	"encoding/json"
	"math"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/service"
)

// The JSON shapes of webhooks, and how a create or a patch becomes a
// hookhub.Webhook.

type retryJSON struct {
	ScheduleSeconds []float64 `json:"schedule_seconds" doc:"Delay before each try in seconds; the first is normally 0. After the last try the delivery has failed."`
	Jitter          float64   `json:"jitter" doc:"Each delay moves at random by up to this share of itself (0 to 0.5)."`
}

type retryInJSON struct {
	ScheduleSeconds []float64 `json:"schedule_seconds,omitempty" doc:"Delay before each try in seconds; the first is normally 0."`
	Jitter          *float64  `json:"jitter,omitempty" doc:"0 to 0.5"`
}

// webhookCreateJSON is the body that registers a webhook. Zero values get
// hookhub's defaults.
type webhookCreateJSON struct {
	Name             string            `json:"name,omitempty" maxLength:"255"`
	URL              string            `json:"url,omitempty" doc:"The http or https URL hookhub posts to; required unless type is script. Private and loopback addresses are refused unless the server allows them."`
	Events           []string          `json:"events" doc:"Event types (contact.created), prefixes (contact.*) or * for all."`
	Apps             []string          `json:"apps,omitempty" doc:"Only events of these apps (their app_id); events of any app or of none when absent."`
	State            string            `json:"state,omitempty" enum:"active,stopped" doc:"active (the default) or stopped."`
	SigningScheme    string            `json:"signing_scheme,omitempty" enum:"v1,v1a" doc:"v1: HMAC-SHA256 with a whsec_ secret (the default); v1a: ed25519 with a whsk_ key."`
	Secret           string            `json:"secret,omitempty" doc:"The signing secret; made for you when absent, and shown once in the answer."`
	Headers          map[string]string `json:"headers,omitempty" doc:"Headers added to every request."`
	Properties       json.RawMessage   `json:"properties,omitempty" doc:"A JSON object merged into every body."`
	TimeoutMS        int64             `json:"timeout_ms,omitempty" doc:"100 to 60000; default 5000."`
	Retry            *retryInJSON      `json:"retry,omitempty" doc:"The retry policy; default 0 s, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h with 20 % jitter."`
	SuccessCodes     []int             `json:"success_codes,omitempty" doc:"Statuses that count as success; any 2xx when empty."`
	RateLimitPerS    float64           `json:"rate_limit_per_s,omitempty" doc:"Most requests a second; 0 for no limit."`
	MaxInFlight      int               `json:"max_in_flight,omitempty" doc:"Most requests at once (1 to 1000); default 32."`
	FailureThreshold int               `json:"failure_threshold,omitempty" doc:"Consecutive failures that switch the webhook to too_many_errors; default 9."`
	ErrorsEmail      string            `json:"errors_email,omitempty" doc:"Told by e-mail when the webhook fails too often."`
	EmailEachFailure bool              `json:"email_each_failure,omitempty" doc:"Also tell errors_email of every failed try."`
	Type             string            `json:"type,omitempty" enum:"http,script" doc:"http (the default): post each event to url. script: run script on each event instead; url is not used."`
	Filter           json.RawMessage   `json:"filter,omitempty" doc:"Only events matching this JSON filter reach the webhook, e.g. {\"data.amount\": {\"$gte\": 100}}. Operators: $eq $neq $gt $gte $lt $lte $in $nin $exist $regex $and $or $not. A bad filter is refused with the path and operator at fault."`
	Transform        string            `json:"transform,omitempty" doc:"JavaScript run on each request before it is signed: function handler(webhook) { … return webhook } with method, url, headers, payload, eventType; webhook.cancel = true sends nothing."`
	Script           string            `json:"script,omitempty" doc:"JavaScript a webhook of type script runs on each event: function handler(event, hookhub) { … } with hookhub.publish, hookhub.fetch, hookhub.log and CRM functions."`
}

func (in *webhookCreateJSON) webhook() *hookhub.Webhook {
	w := &hookhub.Webhook{
		Name: in.Name, URL: in.URL, Events: in.Events, Apps: in.Apps, State: hookhub.WebhookState(in.State),
		SigningScheme: in.SigningScheme, Secret: in.Secret, Headers: in.Headers, Properties: in.Properties,
		Timeout: millis(in.TimeoutMS), SuccessCodes: in.SuccessCodes, RateLimitPerS: in.RateLimitPerS,
		MaxInFlight: in.MaxInFlight, FailureThreshold: in.FailureThreshold,
		ErrorsEmail: in.ErrorsEmail, EmailEachFailure: in.EmailEachFailure,
	}
	if in.Retry != nil {
		in.Retry.apply(&w.Retry)
	}
	w.Type, w.Filter, w.Transform, w.Script = in.Type, in.Filter, in.Transform, in.Script
	return w
}

type rotateJSON struct {
	GraceSeconds *int64 `json:"grace_seconds,omitempty" minimum:"0" maximum:"604800" doc:"How long the old secret keeps signing beside the new one: a day when absent, at most 7 days, 0 drops it at once."`
}

type recoverJSON struct {
	Since time.Time `json:"since" doc:"Failed deliveries created at or after this time (RFC 3339) are sent again."`
}

type recoveredJSON struct {
	Recovered int `json:"recovered" doc:"How many failed deliveries will be sent again."`
}

// webhookPatchJSON changes the settings it names and leaves the others.
type webhookPatchJSON struct {
	Name             *string           `json:"name,omitempty" maxLength:"255"`
	URL              *string           `json:"url,omitempty"`
	Events           []string          `json:"events,omitempty"`
	Apps             []string          `json:"apps,omitempty" doc:"Replaces the app limit; [] removes it."`
	State            *string           `json:"state,omitempty" enum:"active,stopped" doc:"Setting active re-activates a stopped webhook or one with too many errors; its held deliveries go out."`
	SigningScheme    *string           `json:"signing_scheme,omitempty" enum:"v1,v1a" doc:"Changing it makes a new secret, shown in the answer."`
	Headers          map[string]string `json:"headers,omitempty" doc:"Replaces all headers; {} removes them."`
	Properties       json.RawMessage   `json:"properties,omitempty" doc:"Replaces the properties; null removes them."`
	TimeoutMS        *int64            `json:"timeout_ms,omitempty"`
	Retry            *retryInJSON      `json:"retry,omitempty"`
	SuccessCodes     []int             `json:"success_codes,omitempty" doc:"[] means any 2xx."`
	RateLimitPerS    *float64          `json:"rate_limit_per_s,omitempty"`
	MaxInFlight      *int              `json:"max_in_flight,omitempty"`
	FailureThreshold *int              `json:"failure_threshold,omitempty"`
	ErrorsEmail      *string           `json:"errors_email,omitempty"`
	EmailEachFailure *bool             `json:"email_each_failure,omitempty"`
	Type             *string           `json:"type,omitempty" enum:"http,script"`
	Filter           json.RawMessage   `json:"filter,omitempty" doc:"Replaces the filter; null or {} removes it."`
	Transform        *string           `json:"transform,omitempty" doc:"Replaces the transform; \"\" removes it."`
	Script           *string           `json:"script,omitempty" doc:"Replaces the script of a webhook of type script."`
}

// apply sets what the patch names on w.
func (p *webhookPatchJSON) apply(w *hookhub.Webhook) {
	set(&w.Name, p.Name)
	set(&w.URL, p.URL)
	set(&w.ErrorsEmail, p.ErrorsEmail)
	set(&w.SigningScheme, p.SigningScheme)
	set(&w.RateLimitPerS, p.RateLimitPerS)
	set(&w.MaxInFlight, p.MaxInFlight)
	set(&w.FailureThreshold, p.FailureThreshold)
	set(&w.EmailEachFailure, p.EmailEachFailure)
	if p.State != nil {
		w.State = hookhub.WebhookState(*p.State)
	}
	if p.Events != nil {
		w.Events = p.Events
	}
	if p.Apps != nil {
		w.Apps = p.Apps
	}
	if p.Headers != nil {
		w.Headers = p.Headers
	}
	if p.Properties != nil {
		w.Properties = p.Properties
		if string(p.Properties) == "null" {
			w.Properties = nil
		}
	}
	if p.TimeoutMS != nil {
		w.Timeout = millis(*p.TimeoutMS)
	}
	if p.Retry != nil {
		p.Retry.apply(&w.Retry)
	}
	if p.SuccessCodes != nil {
		w.SuccessCodes = p.SuccessCodes
	}
	set(&w.Type, p.Type)
	set(&w.Transform, p.Transform)
	set(&w.Script, p.Script)
	if p.Filter != nil {
		w.Filter = p.Filter
	}
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

func (r *retryInJSON) apply(p *hookhub.RetryPolicy) {
	if r.ScheduleSeconds != nil {
		p.Schedule = make([]time.Duration, len(r.ScheduleSeconds))
		for i, s := range r.ScheduleSeconds {
			p.Schedule[i] = seconds(s)
		}
	}
	set(&p.Jitter, r.Jitter)
}

// seconds converts float seconds to a duration, keeping values far out of
// range out of range (instead of overflowing) for the service to report.
func seconds(s float64) time.Duration {
	const limit = 100 * 365 * 24 * 3600
	return time.Duration(math.Max(-limit, math.Min(limit, s)) * float64(time.Second))
}

func millis(ms int64) time.Duration { return seconds(float64(ms) / 1000) }

type webhookJSON struct {
	ID                  int64             `json:"id"`
	Name                string            `json:"name"`
	URL                 string            `json:"url"`
	Events              []string          `json:"events"`
	Apps                []string          `json:"apps" doc:"The apps whose events the webhook takes; any app when empty."`
	State               string            `json:"state" enum:"active,stopped,too_many_errors"`
	Format              string            `json:"format" doc:"The wire format: standard for Standard Webhooks."`
	SigningScheme       string            `json:"signing_scheme"`
	Secret              string            `json:"secret,omitempty" doc:"Only in the answers that make a secret: create, rotate-secret, and a change of signing_scheme."`
	PublicKey           string            `json:"public_key,omitempty" doc:"whpk_ key to verify v1a signatures with."`
	PreviousSecretUntil *time.Time        `json:"previous_secret_until,omitempty" doc:"Until when the previous secret also signs, after a rotation."`
	Headers             map[string]string `json:"headers"`
	Properties          json.RawMessage   `json:"properties"`
	TimeoutMS           int64             `json:"timeout_ms"`
	Retry               retryJSON         `json:"retry"`
	SuccessCodes        []int             `json:"success_codes"`
	RateLimitPerS       float64           `json:"rate_limit_per_s"`
	MaxInFlight         int               `json:"max_in_flight"`
	FailureThreshold    int               `json:"failure_threshold"`
	ErrorsEmail         string            `json:"errors_email"`
	EmailEachFailure    bool              `json:"email_each_failure"`
	ConsecutiveFailures int               `json:"consecutive_failures"`
	TotalCalls          int64             `json:"total_calls"`
	TotalErrors         int64             `json:"total_errors"`
	LastError           string            `json:"last_error"`
	LastTriggeredAt     *time.Time        `json:"last_triggered_at"`
	FailingSince        *time.Time        `json:"failing_since"`
	RegisteredAt        time.Time         `json:"registered_at"`
	RegisteredBy        string            `json:"registered_by"`
	UpdatedAt           time.Time         `json:"updated_at"`
	UpdatedBy           string            `json:"updated_by"`
	Type                string            `json:"type" enum:"http,script"`
	Filter              json.RawMessage   `json:"filter,omitempty" doc:"The payload filter; absent when the webhook takes every event it subscribes to."`
	Transform           string            `json:"transform,omitempty"`
	Script              string            `json:"script,omitempty"`
}

// toWebhook converts w; its secret only when showSecret.
func toWebhook(w *hookhub.Webhook, showSecret bool) webhookJSON {
	out := webhookJSON{
		ID: w.ID, Name: w.Name, URL: w.URL, Events: w.Events, Apps: w.Apps, State: string(w.State), Format: w.Format,
		SigningScheme: w.SigningScheme, PublicKey: service.PublicKey(w),
		Headers: w.Headers, Properties: w.Properties, TimeoutMS: w.Timeout.Milliseconds(),
		Retry:        retryJSON{ScheduleSeconds: make([]float64, len(w.Retry.Schedule)), Jitter: w.Retry.Jitter},
		SuccessCodes: w.SuccessCodes, RateLimitPerS: w.RateLimitPerS, MaxInFlight: w.MaxInFlight,
		FailureThreshold: w.FailureThreshold, ErrorsEmail: w.ErrorsEmail, EmailEachFailure: w.EmailEachFailure,
		ConsecutiveFailures: w.ConsecutiveFailures, TotalCalls: w.TotalCalls, TotalErrors: w.TotalErrors,
		LastError: w.LastError, LastTriggeredAt: timeOrNil(w.LastTriggeredAt), FailingSince: timeOrNil(w.FailingSince),
		RegisteredAt: w.RegisteredAt, RegisteredBy: w.RegisteredBy, UpdatedAt: w.UpdatedAt, UpdatedBy: w.UpdatedBy,
	}
	out.Type, out.Filter, out.Transform, out.Script = cmp.Or(w.Type, hookhub.TypeHTTP), w.Filter, w.Transform, w.Script
	if showSecret {
		out.Secret = w.Secret
	}
	if w.PreviousSecret != "" {
		out.PreviousSecretUntil = timeOrNil(w.PreviousUntil)
	}
	for i, d := range w.Retry.Schedule {
		out.Retry.ScheduleSeconds[i] = d.Seconds()
	}
	if out.Events == nil {
		out.Events = []string{}
	}
	if out.Apps == nil {
		out.Apps = []string{}
	}
	if out.Headers == nil {
		out.Headers = map[string]string{}
	}
	if out.SuccessCodes == nil {
		out.SuccessCodes = []int{}
	}
	return out
}
