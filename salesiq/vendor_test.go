package salesiq_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// zohoWebhook is the webhook object as Zoho's REST API v2 pages show it
// (https://www.zoho.com/salesiq/help/developer-section/generate-public-key-webhook-v2.html).
type zohoWebhook struct {
	ID            string   `json:"id"`
	URL           string   `json:"url"`
	Type          string   `json:"type"`
	Status        string   `json:"status"`
	Secured       bool     `json:"secured"`
	FailuresCount string   `json:"failures_count"`
	AppIDs        []string `json:"app_ids"`
	Events        []string `json:"events"`
	Version       int      `json:"version"`
	PublicKeys    []struct {
		ID  string `json:"id"`
		Key string `json:"key"`
	} `json:"public_keys"`
	Creator struct {
		ID string `json:"id"`
	} `json:"creator"`
	Webhook struct {
		URL string `json:"url"`
	} `json:"webhook"`
}

// TestRESTv2Body creates and updates a webhook with the payload of Zoho's
// update page (https://www.zoho.com/salesiq/help/developer-section/update-webhook-v2.html:
// type, url, events, secured, app_ids, version,
// expiry_time_for_executions_data) and reads back the fields Zoho's webhook
// object names, beside hookhub's first shape.
func TestRESTv2Body(t *testing.T) { onEachStore(t, restV2Body) }

func restV2Body(t *testing.T, e *env) {
	var w zohoWebhook
	e.data(t, "POST", "/api/v2/zylker/webhooks", map[string]any{
		"type": "data", "url": "https://zylker.example.com/webhooks.ext",
		"events":  []string{"conversation.created", "conversation.missed", "conversation.visitor.replied", "conversation.operator.replied", "conversation.rated"},
		"secured": true, "app_ids": []string{"19367000000002043"},
		"version": "1", "expiry_time_for_executions_data": "604800000",
	}, &w)
	if w.URL != "https://zylker.example.com/webhooks.ext" || w.Webhook.URL != w.URL || w.Type != "data" || w.Status != "enabled" ||
		!w.Secured || w.FailuresCount != "0" || w.Version != 1 || len(w.PublicKeys) != 1 || w.PublicKeys[0].Key == "" ||
		len(w.Events) != 5 || len(w.AppIDs) != 1 || w.Creator.ID == "" {
		t.Fatalf("created = %+v, want Zoho's fields", w)
	}
	// The update page's body again, without the URL (no HEAD request).
	var got zohoWebhook
	e.data(t, "PUT", path(w.ID), map[string]any{"type": "data", "events": []string{"conversation.created"}, "secured": false}, &got)
	if got.Secured || len(got.Events) != 1 || got.Type != "data" {
		t.Errorf("after PUT = %+v", got)
	}
	// The seed's shape still works.
	var seed zohoWebhook
	e.data(t, "POST", "/api/v2/zylker/webhooks", map[string]any{
		"webhook": map[string]any{"url": "https://zylker.example.com/admin"}, "published": false, "events": []string{"operator.created"},
	}, &seed)
	if seed.Type != "administration" || seed.Status != "disabled" || seed.URL != "https://zylker.example.com/admin" {
		t.Errorf("seed-shaped create = %+v", seed)
	}
	// A type that is not the module of the events.
	if err := e.wantError(t, "POST", "/api/v2/zylker/webhooks", e.token, map[string]any{
		"type": "administration", "url": "https://zylker.example.com/x", "events": []string{"conversation.created"}, "app_ids": []string{"1"},
	}, 422, 1008); err.JSONKey != "type" {
		t.Errorf("type mismatch: %+v, want json_key type", err)
	}
}

// TestUpdateURLIsChecked follows Zoho's update page
// (https://www.zoho.com/salesiq/help/developer-section/update-webhook-v2.html):
// "While updating the webhook url for a webhook, a HEAD request is made to
// the webhook url. The webhook should return a success response with HTTP
// Code 200. Else, an exception will be thrown."
func TestUpdateURLIsChecked(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var heads atomic.Int32
	var answer atomic.Int32
	answer.Store(503)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			heads.Add(1)
		}
		w.WriteHeader(int(answer.Load()))
	}))
	t.Cleanup(srv.Close)
	w := e.create(t, map[string]any{"url": "https://zylker.example.com/a", "events": []string{"operator.created"}})

	err := e.wantError(t, "PUT", path(w.ID), e.token, map[string]any{"type": "administration", "url": srv.URL + "/new"}, 422, 1008)
	if err.JSONKey != "url" || !strings.Contains(err.Message, "HEAD") || !strings.Contains(err.Message, "503") || heads.Load() != 1 {
		t.Errorf("error %+v after %d HEAD requests, want the HEAD's 503 named under url", err, heads.Load())
	}
	var got zohoWebhook
	e.data(t, "GET", path(w.ID), nil, &got)
	if got.URL != "https://zylker.example.com/a" {
		t.Errorf("URL = %s after a refused change", got.URL)
	}

	answer.Store(200)
	e.data(t, "PUT", path(w.ID), map[string]any{"webhook": map[string]any{"url": srv.URL + "/new"}}, &got)
	if got.URL != srv.URL+"/new" || heads.Load() != 2 {
		t.Errorf("URL = %s after %d HEAD requests", got.URL, heads.Load())
	}
	// The same URL again is not a change: no request.
	e.data(t, "PATCH", path(w.ID), map[string]any{"url": srv.URL + "/new"}, &got)
	if heads.Load() != 2 {
		t.Errorf("%d HEAD requests, want none for an unchanged URL", heads.Load())
	}
}

// TestAllFaultsInOneError: a bad URL, a bad event and a bad version are
// named together, as the guide promises, whichever shape the body has.
func TestAllFaultsInOneError(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for _, tt := range []struct {
		name string
		body map[string]any
		url  string
	}{
		{"REST API v2", map[string]any{"url": "ftp://zylker.example.com/x", "events": []string{"chat.started"}, "version": 3}, "url:"},
		{"first shape", map[string]any{"webhook": map[string]any{"url": "ftp://zylker.example.com/x"}, "events": []string{"chat.started"}, "version": 3}, "webhook.url:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := e.wantError(t, "POST", "/api/v2/zylker/webhooks", e.token, tt.body, 422, 1008)
			for _, want := range []string{tt.url, "events[0]:", "version:"} {
				if !strings.Contains(err.Message, want) {
					t.Errorf("message %q does not name %s", err.Message, want)
				}
			}
		})
	}
}
