package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

func TestCreateWebhook(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	ok := func(extra map[string]any) map[string]any {
		m := map[string]any{"url": "https://receiver.example.com/hook", "events": []string{"contact.created"}}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	for _, tt := range []struct {
		name     string
		body     any
		status   int
		location string
	}{
		{"defaults", ok(nil), 201, ""},
		{"ed25519", ok(map[string]any{"signing_scheme": "v1a"}), 201, ""},
		{"every setting", ok(map[string]any{
			"name": "crm", "state": "stopped", "headers": map[string]string{"X-Api-Key": "k"},
			"properties": map[string]any{"source": "crm"}, "timeout_ms": 2500,
			"retry":         map[string]any{"schedule_seconds": []float64{0, 1.5, 60}, "jitter": 0.1},
			"success_codes": []int{200, 202}, "rate_limit_per_s": 10, "max_in_flight": 4, "failure_threshold": 3,
			"errors_email": "ops@example.com", "email_each_failure": true,
		}), 201, ""},
		{"no url", map[string]any{"events": []string{"*"}}, 422, "body.url"},
		{"bad url", ok(map[string]any{"url": "ftp://receiver.example.com"}), 422, "body.url"},
		{"private url", ok(map[string]any{"url": "http://10.1.2.3/hook"}), 422, "body.url"},
		{"loopback url", ok(map[string]any{"url": "http://127.0.0.1:8080/hook"}), 422, "body.url"},
		{"unknown event", ok(map[string]any{"events": []string{"contact.created", "order.shipped"}}), 422, "body.events[1]"},
		{"no events", ok(map[string]any{"events": []string{}}), 422, "body.events"},
		{"bad header", ok(map[string]any{"headers": map[string]string{"Bad Header": "x"}}), 422, "body.headers"},
		{"reserved header", ok(map[string]any{"headers": map[string]string{"Webhook-Signature": "x"}}), 422, "body.headers"},
		{"too_many_errors", ok(map[string]any{"state": "too_many_errors"}), 422, "body.state"},
		{"bad scheme", ok(map[string]any{"signing_scheme": "v9"}), 422, "body.signing_scheme"},
		{"bad secret", ok(map[string]any{"secret": "whsec_short"}), 422, "body.secret"},
		{"bad timeout", ok(map[string]any{"timeout_ms": 10}), 422, "body.timeout_ms"},
		{"bad retry", ok(map[string]any{"retry": map[string]any{"schedule_seconds": []float64{0, -5}}}), 422, "body.retry.schedule[1]"},
		{"bad email", ok(map[string]any{"errors_email": "nope"}), 422, "body.errors_email"},
		{"properties not an object", ok(map[string]any{"properties": []int{1}}), 422, "body.properties"},
		{"wrong type", ok(map[string]any{"timeout_ms": "soon"}), 422, "body.timeout_ms"},
		{"wrong type in list", ok(map[string]any{"events": []any{"contact.created", 7}}), 422, "body.events[1]"},
		{"unknown field", ok(map[string]any{"target": "x"}), 422, "body.target"},
		{"malformed JSON", `{"url": "https://r.example.com", "events": ["*"],}`, 400, "body"},
		{"not an object", `[1, 2]`, 422, "body"},
		{"no body", nil, 400, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, h, b := e.do(t, "POST", "/v1/webhooks", e.a, tt.body)
			if tt.status != 201 {
				wantProblem(t, status, h, b, tt.status, tt.location)
				return
			}
			if status != 201 {
				t.Fatalf("status = %d %s", status, b)
			}
			var w webhook
			if err := json.Unmarshal(b, &w); err != nil {
				t.Fatal(err)
			}
			if w.ID == 0 || w.Format != "standard" || w.RegisteredBy == "" || !w.RegisteredAt.Equal(e.clock.Now()) {
				t.Errorf("webhook = %s", b)
			}
			switch w.SigningScheme {
			case "v1":
				if !strings.HasPrefix(w.Secret, "whsec_") || w.PublicKey != "" {
					t.Errorf("v1 secret %q public key %q", w.Secret, w.PublicKey)
				}
			case "v1a":
				if !strings.HasPrefix(w.Secret, "whsk_") || !strings.HasPrefix(w.PublicKey, "whpk_") {
					t.Errorf("v1a secret %q public key %q", w.Secret, w.PublicKey)
				}
			}
			if tt.name == "defaults" {
				if w.State != "active" || w.TimeoutMS != 5000 || w.MaxInFlight != hookhub.DefaultMaxInFlight ||
					w.FailureThreshold != hookhub.DefaultFailureThreshold || len(w.Retry.ScheduleSeconds) != 8 ||
					w.Retry.ScheduleSeconds[2] != 300 || w.Retry.Jitter != hookhub.DefaultJitter {
					t.Errorf("defaults not applied: %s", b)
				}
			}
			if tt.name == "every setting" {
				if w.State != "stopped" || w.TimeoutMS != 2500 || w.Retry.ScheduleSeconds[1] != 1.5 || w.Headers["X-Api-Key"] != "k" ||
					string(w.Properties) != `{"source":"crm"}` || len(w.SuccessCodes) != 2 || w.ErrorsEmail != "ops@example.com" {
					t.Errorf("settings not kept: %s", b)
				}
			}
			// The secret is shown once.
			var got map[string]any
			e.must(t, 200, "GET", fmt.Sprintf("/v1/webhooks/%d", w.ID), e.a, nil, &got)
			if _, ok := got["secret"]; ok {
				t.Errorf("GET shows the secret: %v", got)
			}
			if got["public_key"] != nil && w.PublicKey == "" || w.PublicKey != "" && got["public_key"] != w.PublicKey {
				t.Errorf("GET public key = %v, create said %q", got["public_key"], w.PublicKey)
			}
		})
	}
}

func TestCreateWebhookLoopbackAllowed(t *testing.T) {
	t.Parallel()
	e := setup(t, options{allowPrivate: true})
	e.must(t, 201, "POST", "/v1/webhooks", e.a, map[string]any{"url": "http://127.0.0.1:8080/hook", "events": []string{"*"}}, nil)
}

func TestUpdateWebhook(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	var orig webhook
	e.must(t, 201, "POST", "/v1/webhooks", e.a, map[string]any{
		"name": "orig", "url": "https://receiver.example.com/hook", "events": []string{"contact.created"},
		"headers": map[string]string{"X-A": "1"}, "properties": map[string]any{"a": 1}, "timeout_ms": 3000,
		"retry": map[string]any{"schedule_seconds": []float64{0, 10}, "jitter": 0.1},
	}, &orig)
	path := fmt.Sprintf("/v1/webhooks/%d", orig.ID)
	e.clock.Add(time.Minute)

	for _, tt := range []struct {
		name     string
		patch    any
		status   int
		location string
		check    func(t *testing.T, w webhook, raw map[string]any)
	}{
		{"name only", map[string]any{"name": "renamed"}, 200, "", func(t *testing.T, w webhook, raw map[string]any) {
			if w.Name != "renamed" || w.URL != orig.URL || w.TimeoutMS != 3000 || w.Headers["X-A"] != "1" ||
				len(w.Retry.ScheduleSeconds) != 2 || string(w.Properties) != `{"a":1}` {
				t.Errorf("other settings changed: %+v", w)
			}
			if !w.UpdatedAt.Equal(e.clock.Now()) || !w.RegisteredAt.Equal(orig.RegisteredAt) {
				t.Errorf("updated_at %v registered_at %v", w.UpdatedAt, w.RegisteredAt)
			}
			if _, ok := raw["secret"]; ok {
				t.Error("PATCH shows the secret")
			}
		}},
		{"jitter only", map[string]any{"retry": map[string]any{"jitter": 0.3}}, 200, "", func(t *testing.T, w webhook, _ map[string]any) {
			if w.Retry.Jitter != 0.3 || len(w.Retry.ScheduleSeconds) != 2 {
				t.Errorf("retry = %+v", w.Retry)
			}
		}},
		{"zero is a value", map[string]any{"rate_limit_per_s": 0, "email_each_failure": false}, 200, "", nil},
		{"clear properties", map[string]any{"properties": nil}, 200, "", func(t *testing.T, w webhook, _ map[string]any) {
			if len(w.Properties) != 0 && string(w.Properties) != "null" {
				t.Errorf("properties = %s", w.Properties)
			}
		}},
		{"stop", map[string]any{"state": "stopped"}, 200, "", func(t *testing.T, w webhook, _ map[string]any) {
			if w.State != "stopped" {
				t.Errorf("state = %s", w.State)
			}
		}},
		{"new scheme shows the new secret", map[string]any{"signing_scheme": "v1a"}, 200, "", func(t *testing.T, w webhook, _ map[string]any) {
			if !strings.HasPrefix(w.Secret, "whsk_") || !strings.HasPrefix(w.PublicKey, "whpk_") {
				t.Errorf("secret %q public key %q", w.Secret, w.PublicKey)
			}
		}},
		{"bad timeout", map[string]any{"timeout_ms": 999999}, 422, "body.timeout_ms", nil},
		{"private url", map[string]any{"url": "http://192.168.0.1/"}, 422, "body.url", nil},
		{"too_many_errors", map[string]any{"state": "too_many_errors"}, 422, "body.state", nil},
		{"null leaves a setting", map[string]any{"name": nil}, 200, "", func(t *testing.T, w webhook, _ map[string]any) {
			if w.Name != "renamed" {
				t.Errorf("name = %q", w.Name)
			}
		}},
		{"wrong type", map[string]any{"max_in_flight": "many"}, 422, "body.max_in_flight", nil},
		{"malformed JSON", `{"name": }`, 400, "body", nil},
	} {
		// not parallel: each patch starts from the previous one
		t.Run(tt.name, func(t *testing.T) {
			status, h, b := e.do(t, "PATCH", path, e.a, tt.patch)
			if tt.status != 200 {
				wantProblem(t, status, h, b, tt.status, tt.location)
				return
			}
			if status != 200 {
				t.Fatalf("status = %d %s", status, b)
			}
			var w webhook
			var raw map[string]any
			if err := json.Unmarshal(b, &w); err != nil {
				t.Fatal(err)
			}
			json.Unmarshal(b, &raw)
			if tt.check != nil {
				tt.check(t, w, raw)
			}
		})
	}
}

func TestRotateSecret(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	w := e.createWebhook(t, e.a)
	path := fmt.Sprintf("/v1/webhooks/%d/rotate-secret", w.ID)

	last := w.Secret
	for _, tt := range []struct {
		name      string
		body      any
		wantUntil time.Duration // 0: no previous secret
	}{
		{"no body", nil, 24 * time.Hour},
		{"empty body", map[string]any{}, 24 * time.Hour},
		{"a minute", map[string]any{"grace_seconds": 60}, time.Minute},
		{"at once", map[string]any{"grace_seconds": 0}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got webhook
			e.must(t, 200, "POST", path, e.a, tt.body, &got)
			if got.Secret == "" || got.Secret == last || !strings.HasPrefix(got.Secret, "whsec_") {
				t.Errorf("new secret %q, last %q", got.Secret, last)
			}
			last = got.Secret
			switch {
			case tt.wantUntil == 0 && got.PreviousSecretUntil != nil:
				t.Errorf("previous secret kept until %v", got.PreviousSecretUntil)
			case tt.wantUntil != 0 && (got.PreviousSecretUntil == nil || !got.PreviousSecretUntil.Equal(e.clock.Now().Add(tt.wantUntil))):
				t.Errorf("previous secret until %v, want now + %v", got.PreviousSecretUntil, tt.wantUntil)
			}
		})
	}
	s, h, b := e.do(t, "POST", path, e.a, map[string]any{"grace_seconds": 9999999})
	wantProblem(t, s, h, b, 422, "body.grace_seconds")
	s, h, b = e.do(t, "POST", path, e.a, map[string]any{"grace_seconds": -1})
	wantProblem(t, s, h, b, 422, "body.grace_seconds")
}

func TestListWebhooks(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	for _, w := range []map[string]any{
		{"name": "Orders feed", "events": []string{"sale.*"}},
		{"name": "contacts", "events": []string{"contact.created"}},
		{"name": "everything", "events": []string{"*"}, "state": "stopped"},
	} {
		w["url"] = "https://receiver.example.com/hook"
		e.must(t, 201, "POST", "/v1/webhooks", e.a, w, nil)
	}
	for _, tt := range []struct {
		query string
		names []string
	}{
		{"", []string{"Orders feed", "contacts", "everything"}},
		{"?name=ORDERS", []string{"Orders feed"}},
		{"?event=sale.sold", []string{"Orders feed", "everything"}},
		{"?state=stopped", []string{"everything"}},
		{"?event=contact.created&state=active", []string{"contacts"}},
	} {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			var l list[webhook]
			e.must(t, 200, "GET", "/v1/webhooks"+tt.query, e.a, nil, &l)
			var names []string
			for _, w := range l.Data {
				names = append(names, w.Name)
				if w.Secret != "" {
					t.Error("list shows a secret")
				}
			}
			if fmt.Sprint(names) != fmt.Sprint(tt.names) || l.NextCursor != "" {
				t.Errorf("names = %v, cursor %q; want %v", names, l.NextCursor, tt.names)
			}
		})
	}
	s, h, b := e.do(t, "GET", "/v1/webhooks?state=broken", e.a, nil)
	wantProblem(t, s, h, b, 422, "query.state")
}

func TestDeleteWebhook(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	w := e.createWebhook(t, e.a)
	path := fmt.Sprintf("/v1/webhooks/%d", w.ID)
	e.must(t, 204, "DELETE", path, e.a, nil, nil)
	s, h, b := e.do(t, "GET", path, e.a, nil)
	wantProblem(t, s, h, b, 404, "")
	s, h, b = e.do(t, "DELETE", path, e.a, nil)
	wantProblem(t, s, h, b, 404, "")
}
