package salesiq_test

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
)

// A data webhook is created, read, listed, changed and deleted through
// SalesIQ's paths, in its {"data": …} shape.
func TestWebhookLifecycle(t *testing.T) { onEachStore(t, webhookLifecycle) }

func webhookLifecycle(t *testing.T, e *env) {
	w := e.create(t, map[string]any{
		"webhook":   map[string]any{"url": "https://receiver.example.com/siq", "secured": true},
		"published": true,
		"events":    []string{"conversation.created", "conversation.visitor.replied"},
		"app_ids":   []any{8000000000047, "8000000000048"}, // numbers or strings
		"name":      "chats",
	})
	if w.ID == "" || w.Name != "chats" || w.Webhook.URL != "https://receiver.example.com/siq" || !w.Webhook.Secured ||
		!w.Published || w.State != "active" || w.Status != "enabled" || w.Module != "data" || w.Key == nil || w.Failures != 0 || w.LastTriggeredTime != nil ||
		!slices.Equal(w.AppIDs, []string{"8000000000047", "8000000000048"}) ||
		!slices.Equal(w.Events, []string{"conversation.created", "conversation.visitor.replied"}) || w.CreatedTime == "" {
		t.Fatalf("created webhook = %+v", w)
	}

	var got webhook
	e.data(t, "GET", path(w.ID), nil, &got)
	if got.ID != w.ID || got.Module != "data" || !got.Webhook.Secured {
		t.Errorf("GET = %+v, want the created webhook", got)
	}

	// An administration webhook beside it; the list has both.
	admin := e.create(t, map[string]any{"webhook": map[string]any{"url": "https://receiver.example.com/admin"}, "events": []string{"operator.created"}})
	if admin.Module != "administration" || !admin.Published || admin.Webhook.Secured || len(admin.AppIDs) != 0 {
		t.Errorf("admin webhook = %+v, want published, unsecured, administration, no apps", admin)
	}
	var all []webhook
	e.data(t, "GET", "/api/v2/zylker/webhooks", nil, &all)
	if len(all) != 2 || all[0].ID != w.ID || all[1].ID != admin.ID {
		t.Errorf("list = %+v, want both webhooks", all)
	}

	// PUT changes what it names and keeps the rest; the new URL answers
	// the HEAD request that checks it.
	rc := newReceiver(t)
	e.data(t, "PUT", path(w.ID), map[string]any{
		"webhook": map[string]any{"url": rc.srv.URL + "/v2"}, "events": []string{"visitor.updated"}, "published": false,
	}, &got)
	if got.Webhook.URL != rc.srv.URL+"/v2" || !got.Webhook.Secured || got.Published || got.State != "stopped" ||
		!slices.Equal(got.Events, []string{"visitor.updated"}) || len(got.AppIDs) != 2 || got.Name != "chats" {
		t.Errorf("after PUT = %+v", got)
	}
	e.data(t, "PATCH", path(w.ID), map[string]any{"app_ids": []string{"8000000000049"}, "published": true}, &got)
	if !slices.Equal(got.AppIDs, []string{"8000000000049"}) || !got.Published {
		t.Errorf("after PATCH = %+v", got)
	}

	// The retry policy and timeout are SalesIQ's: 3 retries a minute apart, 5 s.
	var native struct {
		Format    string `json:"format"`
		TimeoutMS int    `json:"timeout_ms"`
		Retry     struct {
			ScheduleSeconds []float64 `json:"schedule_seconds"`
			Jitter          float64   `json:"jitter"`
		} `json:"retry"`
	}
	e.native(t, "GET", "/v1/webhooks/"+w.ID, nil, &native)
	if native.Format != "salesiq" || native.TimeoutMS != 5000 || !slices.Equal(native.Retry.ScheduleSeconds, []float64{0, 60, 60, 60}) || native.Retry.Jitter != 0 {
		t.Errorf("native view = %+v, want format salesiq, 5000 ms, schedule [0 60 60 60] without jitter", native)
	}

	var deleted map[string]any
	e.data(t, "DELETE", path(w.ID), nil, &deleted)
	if deleted["id"] != w.ID {
		t.Errorf("DELETE data = %v", deleted)
	}
	e.wantError(t, "GET", path(w.ID), e.token, nil, 404, 1009)
	e.wantError(t, "DELETE", path(w.ID), e.token, nil, 404, 1009)
	e.wantError(t, "GET", path("abc"), e.token, nil, 404, 1009)
}

// Webhooks made through the native API are not SalesIQ's: not listed, not
// found.
func TestOtherFormatsHidden(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var nw struct {
		ID int64 `json:"id"`
	}
	e.native(t, "POST", "/v1/webhooks", map[string]any{"url": "https://receiver.example.com/", "events": []string{"*"}}, &nw)
	var all []webhook
	e.data(t, "GET", "/api/v2/zylker/webhooks", nil, &all)
	if len(all) != 0 {
		t.Errorf("list = %+v, want none", all)
	}
	id := itoa(nw.ID)
	e.wantError(t, "GET", path(id), e.token, nil, 404, 1009)
	e.wantError(t, "PUT", path(id), e.token, map[string]any{"published": false}, 404, 1009)
	e.wantError(t, "DELETE", path(id), e.token, nil, 404, 1009)
	e.wantError(t, "POST", path(id, "/keys"), e.token, nil, 404, 1009)
	e.native(t, "GET", "/v1/webhooks/"+id, nil, nil) // still there
}

// At most 3 administration webhooks per portal; data webhooks do not count.
func TestAdminLimit(t *testing.T) { onEachStore(t, adminLimit) }

func adminLimit(t *testing.T, e *env) {
	admin := map[string]any{"webhook": map[string]any{"url": "https://receiver.example.com/a"}, "events": []string{"department.created", "operator.updated"}}
	var ids []string
	for range 3 {
		ids = append(ids, e.create(t, admin).ID)
	}
	err := e.wantError(t, "POST", "/api/v2/zylker/webhooks", e.token, admin, 409, 1010)
	if !strings.Contains(err.Message, "at most 3 administration webhooks") {
		t.Errorf("4th admin webhook: %q, want it to name the limit", err.Message)
	}
	e.create(t, map[string]any{"webhook": map[string]any{"url": "https://receiver.example.com/d"}, "events": []string{"visitor.updated"}, "app_ids": []string{"1"}})
	// A disabled one counts too; a deleted one does not.
	e.data(t, "PUT", path(ids[0]), map[string]any{"published": false}, nil)
	e.wantError(t, "POST", "/api/v2/zylker/webhooks", e.token, admin, 409, 1010)
	e.data(t, "DELETE", path(ids[1]), nil, nil)
	e.create(t, admin)

	// Creates at the same instant cannot pass the limit together: the
	// store counts and creates in one transaction.
	var all []webhook
	e.data(t, "GET", "/api/v2/zylker/webhooks", nil, &all)
	for _, w := range all {
		if w.Module == "administration" {
			e.data(t, "DELETE", path(w.ID), nil, nil)
		}
	}
	body := mustJSON(t, admin)
	statuses := make(chan int, 6)
	var wg sync.WaitGroup
	for range cap(statuses) {
		wg.Go(func() {
			req, _ := http.NewRequest("POST", e.url+"/api/v2/zylker/webhooks", bytes.NewReader(body))
			req.Header.Set("Authorization", "Zoho-oauthtoken "+e.token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				statuses <- 0
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		})
	}
	wg.Wait()
	close(statuses)
	counts := map[int]int{}
	for s := range statuses {
		counts[s]++
	}
	if counts[200] != 3 || counts[409] != 3 {
		t.Errorf("6 admin webhooks made at once: statuses %v, want 3 made (200) and 3 refused (409)", counts)
	}
}

// Bad bodies are refused in SalesIQ's error shape, naming the field.
func TestValidation(t *testing.T) {
	t.Parallel()
	e := setup(t)
	url := map[string]any{"url": "https://receiver.example.com/"}
	for _, tt := range []struct {
		name    string
		body    any
		status  int
		jsonKey string
	}{
		{"no url", map[string]any{"events": []string{"operator.created"}}, 422, "webhook.url"},
		{"no events", map[string]any{"webhook": url}, 422, "events"},
		{"unknown event", map[string]any{"webhook": url, "events": []string{"operator.created", "contact.created"}}, 422, "events[1]"},
		{"both modules", map[string]any{"webhook": url, "events": []string{"operator.created", "visitor.updated"}, "app_ids": []string{"1"}}, 422, "events"},
		{"data without apps", map[string]any{"webhook": url, "events": []string{"conversation.created"}}, 422, "app_ids"},
		{"admin with apps", map[string]any{"webhook": url, "events": []string{"department.created"}, "app_ids": []string{"1"}}, 422, "app_ids"},
		{"bad app id", map[string]any{"webhook": url, "events": []string{"visitor.updated"}, "app_ids": []any{true}}, 422, "app_ids[0]"},
		{"app id twice", map[string]any{"webhook": url, "events": []string{"visitor.updated"}, "app_ids": []string{"1", "1"}}, 422, "app_ids[1]"},
		{"bad url", map[string]any{"webhook": map[string]any{"url": "ftp://x"}, "events": []string{"operator.created"}}, 422, "webhook.url"},
		{"published not a boolean", map[string]any{"webhook": url, "events": []string{"operator.created"}, "published": "yes"}, 422, "published"},
		{"secured not a boolean", map[string]any{"webhook": map[string]any{"url": "https://r.example.com/", "secured": 1}, "events": []string{"operator.created"}}, 422, "webhook.secured"},
		{"not JSON", `{"webhook":`, 400, ""},
		{"empty", ``, 400, ""},
		{"not an object", `[1]`, 400, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := e.wantError(t, "POST", "/api/v2/zylker/webhooks", e.token, tt.body, tt.status, 1008)
			if err.JSONKey != tt.jsonKey {
				t.Errorf("json_key = %q (%s), want %q", err.JSONKey, err.Message, tt.jsonKey)
			}
		})
	}
	w := e.create(t, map[string]any{"webhook": url, "events": []string{"operator.created"}})
	err := e.wantError(t, "PUT", path(w.ID), e.token, map[string]any{"events": []string{"visitor.updated"}}, 422, 1008)
	if err.JSONKey != "events" || !strings.Contains(err.Message, "cannot change") {
		t.Errorf("module change: %+v, want events: cannot change", err)
	}
	e.wantError(t, "PUT", path(w.ID), e.token, map[string]any{"app_ids": []string{"1"}}, 422, 1008)
	e.wantError(t, "PUT", path(w.ID), e.token, map[string]any{"events": []string{}}, 422, 1008)
	var all []webhook
	e.data(t, "GET", "/api/v2/zylker/webhooks", nil, &all)
	if len(all) != 1 || !slices.Equal(all[0].Events, []string{"operator.created"}) {
		t.Errorf("after refused changes: %+v, want the webhook unchanged", all)
	}
}

// The screen name is the token's portal: its name (any case) or its id.
// Another name is SalesIQ's invalid portal error; wrong paths and methods
// get SalesIQ's errors too.
func TestPortalAndPaths(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for _, name := range []string{"zylker", "Zylker", e.tenant} {
		e.data(t, "GET", "/api/v2/"+name+"/webhooks", nil, nil)
	}
	e.wantError(t, "GET", "/api/v2/other/webhooks", e.token, nil, 404, 1005)
	e.wantError(t, "GET", "/api/v2/zylker/nothing", e.token, nil, 404, 1006)
	e.wantError(t, "GET", "/api/v2/zylker/webhooks/1/keys/2", e.token, nil, 405, 1004)
	e.wantError(t, "PUT", "/api/v2/zylker/webhooks", e.token, nil, 405, 1004)
}

// Tokens carry scopes; SalesIQ's scope names make them, and each route
// needs its own.
func TestScopes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	token := func(scopes ...string) string {
		var out struct {
			Token  string   `json:"token"`
			Scopes []string `json:"scopes"`
		}
		e.native(t, "POST", "/v1/tokens", map[string]any{"name": "siq", "scopes": scopes}, &out)
		return out.Token
	}
	reader := token("SalesIQ.webhooks.READ")
	creator := token("SalesIQ.webhooks.CREATE", "SalesIQ.webhooks.READ")
	deleter := token("SalesIQ.webhooks.DELETE")
	updater := token("webhooks.update") // native names work too

	body := map[string]any{"webhook": map[string]any{"url": "https://receiver.example.com/"}, "events": []string{"operator.created"}}
	err := e.wantError(t, "POST", "/api/v2/zylker/webhooks", reader, body, 403, 1007)
	if !strings.Contains(err.Message, "SalesIQ.webhooks.CREATE") {
		t.Errorf("forbidden: %q, want it to name SalesIQ.webhooks.CREATE", err.Message)
	}
	if status, b := e.do(t, "GET", "/api/v2/zylker/webhooks", reader, nil); status != 200 {
		t.Errorf("list with READ = %d %s", status, b)
	}
	status, b := e.do(t, "POST", "/api/v2/zylker/webhooks", creator, body)
	if status != 200 {
		t.Fatalf("create with CREATE = %d %s", status, b)
	}
	var all []webhook
	e.data(t, "GET", "/api/v2/zylker/webhooks", nil, &all)
	id := all[0].ID
	if status, b := e.do(t, "POST", path(id, "/keys"), creator, nil); status != 200 {
		t.Fatalf("key with CREATE = %d %s", status, b)
	}
	var keys []key
	e.data(t, "GET", path(id, "/keys"), nil, &keys)
	e.wantError(t, "PUT", path(id), creator, map[string]any{"published": false}, 403, 1007)
	e.wantError(t, "DELETE", path(id, "/keys/", keys[0].ID), reader, nil, 403, 1007)
	e.wantError(t, "DELETE", path(id), updater, nil, 403, 1007)
	if status, b := e.do(t, "PUT", path(id), updater, map[string]any{"published": false}); status != 200 {
		t.Errorf("update with webhooks.update = %d %s", status, b)
	}
	if status, b := e.do(t, "DELETE", path(id, "/keys/", keys[0].ID), deleter, nil); status != 200 {
		t.Errorf("delete key with DELETE = %d %s", status, b)
	}
	if status, b := e.do(t, "DELETE", path(id), deleter, nil); status != 200 {
		t.Errorf("delete with DELETE = %d %s", status, b)
	}

	e.wantError(t, "GET", "/api/v2/zylker/webhooks", "", nil, 401, 1002)
	e.wantError(t, "GET", "/api/v2/zylker/webhooks", "hh_not_a_token", nil, 401, 1002)
}
