package hookhub_test

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

var t0 = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func TestNextTry(t *testing.T) {
	t.Parallel()
	p := hookhub.RetryPolicy{Schedule: []time.Duration{0, 5 * time.Second, time.Hour}}
	for _, tt := range []struct {
		name       string
		next       int
		retryAfter time.Duration
		scale      float64
		want       time.Duration
		wantOK     bool
	}{
		{"first try at once", 1, 0, 1, 0, true},
		{"second try after its delay", 2, 0, 1, 5 * time.Second, true},
		{"last try", 3, 0, 1, time.Hour, true},
		{"no tries left", 4, 0, 1, 0, false},
		{"no try zero", 0, 0, 1, 0, false},
		{"retry-after later than the schedule wins", 2, time.Minute, 1, time.Minute, true},
		{"retry-after sooner than the schedule loses", 3, time.Minute, 1, time.Hour, true},
		{"retry-after is capped at a day", 2, 48 * time.Hour, 1, 24 * time.Hour, true},
		{"scale multiplies the delay", 3, 0, 0.001, 3600 * time.Millisecond, true},
		{"scale multiplies retry-after too", 2, time.Minute, 0.5, 30 * time.Second, true},
		{"zero scale is no scale", 2, 0, 0, 5 * time.Second, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := hookhub.NextTry(p, tt.next, t0, tt.retryAfter, tt.scale, nil)
			if ok != tt.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tt.wantOK)
			}
			if ok && !got.Equal(t0.Add(tt.want)) {
				t.Errorf("next try at %s after now, want %s", got.Sub(t0), tt.want)
			}
		})
	}
}

// TestNextTryJitter checks that jitter moves a delay within ±Jitter of it,
// both ways, and never moves a try that is due at once.
func TestNextTryJitter(t *testing.T) {
	t.Parallel()
	p := hookhub.RetryPolicy{Schedule: []time.Duration{0, 100 * time.Second}, Jitter: 0.2}
	rnd := rand.New(rand.NewPCG(1, 2))
	var below, above bool
	for range 200 {
		got, _ := hookhub.NextTry(p, 2, t0, 0, 1, rnd)
		d := got.Sub(t0)
		if d < 80*time.Second || d > 120*time.Second {
			t.Fatalf("delay %s, want within 100 s ± 20%%", d)
		}
		below, above = below || d < 100*time.Second, above || d > 100*time.Second
		if first, _ := hookhub.NextTry(p, 1, t0, 0, 1, rnd); !first.Equal(t0) {
			t.Fatalf("first try moved to %s, want at once", first.Sub(t0))
		}
	}
	if !below || !above {
		t.Errorf("jitter moved delays below: %v, above: %v; want both", below, above)
	}
}

func TestDefaultRetrySchedule(t *testing.T) {
	t.Parallel()
	want := []time.Duration{0, 5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour}
	if got := hookhub.DefaultRetrySchedule(); !slices.Equal(got, want) {
		t.Errorf("DefaultRetrySchedule() = %v, want %v", got, want)
	}
	w := &hookhub.Webhook{}
	w.ApplyDefaults()
	if !slices.Equal(w.Retry.Schedule, want) || w.Retry.Jitter != hookhub.DefaultJitter {
		t.Errorf("a new webhook's retry = %+v, want the default schedule with jitter %g", w.Retry, hookhub.DefaultJitter)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, header string
		want         time.Duration
	}{
		{"none", "", 0},
		{"seconds", "120", 2 * time.Minute},
		{"zero seconds", "0", 0},
		{"negative seconds", "-5", 0},
		{"an HTTP date ahead", t0.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"an HTTP date past", t0.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"an RFC 850 date ahead", t0.Add(time.Hour).Format(time.RFC850), time.Hour},
		{"garbage", "soon", 0},
		{"fractional seconds", "1.5", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := hookhub.ParseRetryAfter(tt.header, t0); got != tt.want {
				t.Errorf("ParseRetryAfter(%q) = %s, want %s", tt.header, got, tt.want)
			}
		})
	}
}

func TestMatchEvent(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		pattern, typ string
		want         bool
	}{
		{"*", "contact.created", true},
		{"contact.created", "contact.created", true},
		{"contact.created", "contact.updated", false},
		{"contact.created", "contact.created.extra", false},
		{"contact.*", "contact.created", true},
		{"conversation.*", "conversation.visitor.replied", true},
		{"conversation.*", "conversation", false},
		{"contact.*", "contacts.created", false},
		{"contact.*", "deal.contact.created", false},
	} {
		if got := hookhub.MatchEvent(tt.pattern, tt.typ); got != tt.want {
			t.Errorf("MatchEvent(%q, %q) = %v, want %v", tt.pattern, tt.typ, got, tt.want)
		}
	}
}

// validWebhook is a webhook that passes Validate; each case of
// TestWebhookValidate breaks one thing.
func validWebhook() *hookhub.Webhook {
	w := &hookhub.Webhook{Name: "crm", URL: "https://receiver.example.com/hook", Events: []string{"contact.*"}}
	w.ApplyDefaults()
	return w
}

func TestWebhookValidate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		edit  func(w *hookhub.Webhook)
		field string // the field named; "" when valid
	}{
		{"valid", func(w *hookhub.Webhook) {}, ""},
		{"no url", func(w *hookhub.Webhook) { w.URL = " " }, "url"},
		{"no events", func(w *hookhub.Webhook) { w.Events = nil }, "events"},
		{"bad pattern", func(w *hookhub.Webhook) { w.Events = []string{"contact.created", "Contact.*"} }, "events[1]"},
		{"app twice", func(w *hookhub.Webhook) { w.Apps = []string{"a", "a"} }, "apps[1]"},
		{"app with a space", func(w *hookhub.Webhook) { w.Apps = []string{"a b"} }, "apps[0]"},
		{"unknown state", func(w *hookhub.Webhook) { w.State = "paused" }, "state"},
		{"unknown signing scheme", func(w *hookhub.Webhook) { w.SigningScheme = "v2" }, "signing_scheme"},
		{"reserved header", func(w *hookhub.Webhook) { w.Headers = map[string]string{"webhook-signature": "x"} }, "headers"},
		{"header with a line break", func(w *hookhub.Webhook) { w.Headers = map[string]string{"X-Team": "a\r\nB: c"} }, "headers"},
		{"properties not an object", func(w *hookhub.Webhook) { w.Properties = []byte(`[1]`) }, "properties"},
		{"timeout too short", func(w *hookhub.Webhook) { w.Timeout = 10 * time.Millisecond }, "timeout_ms"},
		{"empty retry schedule", func(w *hookhub.Webhook) { w.Retry.Schedule = []time.Duration{} }, "retry.schedule"},
		{"retry delay too long", func(w *hookhub.Webhook) { w.Retry.Schedule = []time.Duration{0, 8 * 24 * time.Hour} }, "retry.schedule[1]"},
		{"jitter too large", func(w *hookhub.Webhook) { w.Retry.Jitter = 0.6 }, "retry.jitter"},
		{"not a status", func(w *hookhub.Webhook) { w.SuccessCodes = []int{200, 99} }, "success_codes"},
		{"negative rate limit", func(w *hookhub.Webhook) { w.RateLimitPerS = -1 }, "rate_limit_per_s"},
		{"no requests in flight", func(w *hookhub.Webhook) { w.MaxInFlight = 0 }, "max_in_flight"},
		{"failure threshold zero", func(w *hookhub.Webhook) { w.FailureThreshold = 0 }, "failure_threshold"},
		{"bad e-mail", func(w *hookhub.Webhook) { w.ErrorsEmail = "ops at example" }, "errors_email"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := validWebhook()
			tt.edit(w)
			err := w.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var e *hookhub.Error
			if !errors.As(err, &e) || e.Code != hookhub.EINVALID {
				t.Fatalf("Validate() = %v, want an EINVALID error", err)
			}
			var fields []string
			for _, f := range e.Fields {
				fields = append(fields, f.Field)
			}
			if !slices.Equal(fields, []string{tt.field}) {
				t.Errorf("Validate() names %v, want only %q: %v", fields, tt.field, err)
			}
		})
	}
}
