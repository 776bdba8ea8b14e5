package console

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/secrets"
)

// webhookForm is the webhook form as typed: what a page shows and what a
// save reads.
type webhookForm struct {
	ID               int64  // 0 for a new webhook
	Format           string // the webhook's wire format; the console makes standard ones
	Name, URL        string
	Events           []string // picked from the catalogue
	Patterns         string   // other types and patterns ("contact.*", "*"), space or comma separated
	Apps             string
	Headers          string // one "Name: value" a line
	Properties       string // a JSON object
	RetrySchedule    string // "0s, 5s, 5m"
	RetryJitter      string
	Timeout          string // seconds
	FailureThreshold string
	ErrorsEmail      string
	EmailEachFailure bool
	SigningScheme    string
	Active           bool
	Filter           string // a JSON object; empty for none
	Transform        string // JavaScript; empty for none
	Script           string // JavaScript of a script webhook
	IsScript         bool   // the webhook runs Script instead of posting

	Catalogue []*hookhub.EventType
	Errors    formErrors
}

// Standard reports whether the form edits a standard-format webhook, whose
// events, apps and signing scheme the console may change; other formats
// follow their product's rules, kept by its API.
func (f *webhookForm) Standard() bool { return f.Format == hookhub.FormatStandard }

// webhookFields are the form's fields, as problems name them.
var webhookFields = []string{"name", "url", "events", "apps", "headers", "properties", "retry_schedule",
	"retry_jitter", "timeout", "failure_threshold", "errors_email", "signing_scheme", "state", "filter", "transform", "script"}

var webhookAliases = map[string]string{"timeout_ms": "timeout"}

// formOf fills the form from a webhook.
func formOf(w *hookhub.Webhook, catalogue []*hookhub.EventType) *webhookForm {
	f := &webhookForm{
		ID: w.ID, Format: w.Format, Name: w.Name, URL: w.URL, Apps: strings.Join(w.Apps, ", "),
		Headers: headerMap(w.Headers), RetrySchedule: schedule(w.Retry.Schedule),
		RetryJitter: strconv.FormatFloat(w.Retry.Jitter, 'f', -1, 64), Timeout: strconv.FormatFloat(w.Timeout.Seconds(), 'f', -1, 64),
		FailureThreshold: strconv.Itoa(w.FailureThreshold), ErrorsEmail: w.ErrorsEmail, EmailEachFailure: w.EmailEachFailure,
		SigningScheme: w.SigningScheme, Active: w.State == hookhub.StateActive, Catalogue: catalogue,
		Transform: w.Transform, Script: w.Script, IsScript: w.IsScript(),
	}
	if len(w.Filter) > 0 {
		f.Filter = body(w.Filter)
	}
	if len(w.Properties) > 0 {
		f.Properties = body(w.Properties)
	}
	var other []string
	for _, e := range w.Events {
		if slices.ContainsFunc(catalogue, func(t *hookhub.EventType) bool { return t.Name == e }) {
			f.Events = append(f.Events, e)
		} else {
			other = append(other, e)
		}
	}
	f.Patterns = strings.Join(other, ", ")
	return f
}

// readWebhookForm reads a sent form.
func readWebhookForm(r *http.Request, catalogue []*hookhub.EventType) *webhookForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return &webhookForm{
		Format: hookhub.FormatStandard, Name: v("name"), URL: v("url"), Events: r.PostForm["events"], Patterns: v("patterns"),
		Apps: v("apps"), Headers: v("headers"), Properties: v("properties"), RetrySchedule: v("retry_schedule"),
		RetryJitter: v("retry_jitter"), Timeout: v("timeout"), FailureThreshold: v("failure_threshold"),
		ErrorsEmail: v("errors_email"), EmailEachFailure: r.PostFormValue("email_each_failure") != "",
		SigningScheme: v("signing_scheme"), Active: r.PostFormValue("active") != "", Catalogue: catalogue,
		Filter: v("filter"), Transform: v("transform"), Script: v("script"),
	}
}

// apply sets the form's settings on w: all of them on a standard webhook,
// the format-neutral ones on another. What cannot be read is EINVALID,
// named as the service names fields.
func (f *webhookForm) apply(w *hookhub.Webhook) error {
	var p hookhub.Problems
	w.Name, w.URL, w.ErrorsEmail, w.EmailEachFailure = f.Name, f.URL, f.ErrorsEmail, f.EmailEachFailure
	if w.Format == hookhub.FormatStandard || w.Format == "" {
		w.Events = append(slices.Clone(f.Events), words(f.Patterns)...)
		w.Apps = words(f.Apps)
		w.SigningScheme = f.SigningScheme
	}
	headers, err := parseHeaders(f.Headers)
	if err != nil {
		p.Add("headers", "%s", err.Error())
	}
	// A credential shown hidden and sent back as shown keeps its value.
	for k, v := range headers {
		if old, ok := w.Headers[k]; ok && v == secrets.HideValue(k, old) {
			headers[k] = old
		}
	}
	w.Headers = headers
	w.Properties = nil
	if f.Properties != "" {
		if !json.Valid([]byte(f.Properties)) {
			p.Add("properties", "must be a JSON object, like {\"source\": \"crm\"}")
		}
		w.Properties = json.RawMessage(f.Properties)
	}
	if w.Retry.Schedule, err = parseSchedule(f.RetrySchedule); err != nil {
		p.Add("retry.schedule", "%s", err.Error())
	}
	w.Filter = nil
	if f.Filter != "" {
		if !json.Valid([]byte(f.Filter)) {
			p.Add("filter", "must be a JSON object, like {\"data.amount\": {\"$gte\": 100}}")
		}
		w.Filter = json.RawMessage(f.Filter)
	}
	if w.IsScript() {
		w.Script = f.Script
	} else if w.Format == hookhub.FormatStandard || w.Format == "" {
		w.Transform = f.Transform
	}
	w.Retry.Jitter = number(&p, "retry.jitter", f.RetryJitter, 0)
	w.Timeout = time.Duration(number(&p, "timeout_ms", f.Timeout, 0) * float64(time.Second))
	w.FailureThreshold = int(number(&p, "failure_threshold", f.FailureThreshold, 0))
	return p.Err()
}

// words splits a list typed with commas, spaces or line breaks.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}

// number reads a number field; empty is def.
func number(p *hookhub.Problems, field, s string, def float64) float64 {
	if s == "" {
		return def
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		p.Add(field, "must be a number")
		return def
	}
	return n
}

// parseHeaders reads one "Name: value" a line.
func parseHeaders(s string) (map[string]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	out := map[string]string{}
	for i, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("line %d must be Name: value", i+1)
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out, nil
}

// headerMap shows headers one "Name: value" a line, by name, with the
// values of credentials hidden.
func headerMap(h map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(h)) {
		b.WriteString(k + ": " + secrets.HideValue(k, h[k]) + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// parseSchedule reads delays like "0, 5s, 5m, 2h" (a bare number is
// seconds); empty is hookhub's default.
func parseSchedule(s string) ([]time.Duration, error) {
	var out []time.Duration
	for _, w := range words(s) {
		if n, err := strconv.ParseFloat(w, 64); err == nil {
			out = append(out, time.Duration(n*float64(time.Second)))
			continue
		}
		d, err := time.ParseDuration(w)
		if err != nil {
			return nil, fmt.Errorf("%q is not a delay: write seconds or durations like 30s, 5m, 2h", w)
		}
		out = append(out, d)
	}
	return out, nil
}

// schedule shows delays as parseSchedule reads them.
func schedule(ds []time.Duration) string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = shortDuration(d)
	}
	return strings.Join(out, ", ")
}

func shortDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0s"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	}
	return d.String()
}

// retries shows a retry policy in a sentence.
func retries(p hookhub.RetryPolicy) string {
	n := len(p.Schedule)
	s := fmt.Sprintf("%d tries, after %s", n, schedule(p.Schedule))
	if n == 1 {
		s = "1 try, after " + schedule(p.Schedule)
	}
	if p.Jitter > 0 && slices.ContainsFunc(p.Schedule, func(d time.Duration) bool { return d > 0 }) {
		s += fmt.Sprintf("; delays move by up to ±%g %%", p.Jitter*100)
	}
	return s
}

// applyAll applies f to w. When some of the form cannot be read, it also
// asks the service what it would refuse in the rest, so that the form
// shows every problem at once, not one round at a time.
func (h *handler) applyAll(r *http.Request, f *webhookForm, w *hookhub.Webhook) error {
	perr := f.apply(w)
	parsed, ok := fieldsOf(perr)
	if !ok {
		return perr // nil, or not a problem of the form
	}
	checked, ok := fieldsOf(h.svc.CheckWebhook(r.Context(), actor(r), w))
	if !ok {
		return perr
	}
	all := hookhub.Problems(parsed)
	for _, fe := range checked {
		if !slices.ContainsFunc(parsed, func(p hookhub.FieldError) bool { return fieldBase(p.Field) == fieldBase(fe.Field) }) {
			all = append(all, fe)
		}
	}
	return all.Err()
}

// fieldBase is a field's name without its index: "events" of "events[2]".
func fieldBase(field string) string {
	base, _, _ := strings.Cut(field, "[")
	return base
}
