package api_test

import (
	"fmt"
	"slices"
	"testing"
)

// Webhooks take an app limit (apps) and events an app (app_id); an event
// reaches the webhooks limited to its app and those without a limit.
func TestApps(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	type hook struct {
		ID   int64    `json:"id"`
		Apps []string `json:"apps"`
	}
	var limited, open hook
	e.must(t, 201, "POST", "/v1/webhooks", e.a, map[string]any{
		"url": "https://receiver.example.com/hook", "events": []string{"visitor.*"}, "apps": []string{"8000000000047"},
	}, &limited)
	e.must(t, 201, "POST", "/v1/webhooks", e.a, map[string]any{"url": "https://receiver.example.com/hook", "events": []string{"visitor.*"}}, &open)
	if !slices.Equal(limited.Apps, []string{"8000000000047"}) || open.Apps == nil || len(open.Apps) != 0 {
		t.Errorf("apps = %q and %q, want [8000000000047] and []", limited.Apps, open.Apps)
	}

	for app, want := range map[string]int{"8000000000047": 2, "other": 1, "": 1} {
		var p published
		e.must(t, 202, "POST", "/v1/events", e.a, map[string]any{"type": "visitor.updated", "app_id": app, "data": map[string]any{"id": 1}}, &p)
		if p.Deliveries != want {
			t.Errorf("event of app %q: %d deliveries, want %d", app, p.Deliveries, want)
		}
		var ev struct {
			AppID *string `json:"app_id"`
		}
		e.must(t, 200, "GET", fmt.Sprintf("/v1/events/%d", p.ID), e.a, nil, &ev)
		if ev.AppID == nil || *ev.AppID != app {
			t.Errorf("event app_id = %v, want %q", ev.AppID, app)
		}
	}

	var patched hook
	e.must(t, 200, "PATCH", fmt.Sprintf("/v1/webhooks/%d", limited.ID), e.a, map[string]any{"apps": []string{}}, &patched)
	if len(patched.Apps) != 0 {
		t.Errorf("apps after [] = %q, want none", patched.Apps)
	}
	e.must(t, 200, "PATCH", fmt.Sprintf("/v1/webhooks/%d", limited.ID), e.a, map[string]any{"name": "x"}, &patched)
	if len(patched.Apps) != 0 {
		t.Errorf("apps after a patch without apps = %q, want none", patched.Apps)
	}

	status, h, b := e.do(t, "POST", "/v1/webhooks", e.a, map[string]any{"url": "https://receiver.example.com/hook", "events": []string{"*"}, "apps": []string{"a", "a"}})
	wantProblem(t, status, h, b, 422, "body.apps[1]")
	status, h, b = e.do(t, "POST", "/v1/events", e.a, map[string]any{"type": "visitor.updated", "app_id": "a b", "data": 1})
	wantProblem(t, status, h, b, 422, "body.app_id")
}
