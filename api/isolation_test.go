package api_test

import (
	"fmt"
	"testing"
)

// TestTenantIsolation makes tenant A's objects and tries each route on them
// as tenant B: every one is 404, exactly as for an id that does not exist.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	w := e.createWebhook(t, e.a)
	ev := e.publish(t, e.a, "contact.created")
	e.failAll(t)
	var ds list[deliveryOut]
	e.must(t, 200, "GET", fmt.Sprintf("/v1/events/%d/deliveries", ev.ID), e.a, nil, &ds)
	if len(ds.Data) != 1 {
		t.Fatalf("deliveries = %+v", ds.Data)
	}
	d := ds.Data[0]
	var tok struct {
		ID string `json:"id"`
	}
	e.must(t, 201, "POST", "/v1/tokens", e.a, map[string]any{"scopes": []string{"webhooks.read"}}, &tok)
	e.must(t, 200, "POST", "/v1/event-types", e.a, map[string]any{"name": "invoice.created"}, nil)

	for _, tt := range []struct {
		method, path string
		body         any
	}{
		{"DELETE", "/v1/tokens/" + tok.ID, nil},
		{"DELETE", "/v1/event-types/invoice.created", nil},
		{"GET", fmt.Sprintf("/v1/webhooks/%d", w.ID), nil},
		{"PATCH", fmt.Sprintf("/v1/webhooks/%d", w.ID), map[string]any{"name": "mine"}},
		{"DELETE", fmt.Sprintf("/v1/webhooks/%d", w.ID), nil},
		{"POST", fmt.Sprintf("/v1/webhooks/%d/rotate-secret", w.ID), nil},
		{"POST", fmt.Sprintf("/v1/webhooks/%d/test", w.ID), nil},
		{"POST", fmt.Sprintf("/v1/webhooks/%d/recover", w.ID), map[string]any{"since": "2020-01-01T00:00:00Z"}},
		{"GET", fmt.Sprintf("/v1/events/%d", ev.ID), nil},
		{"GET", fmt.Sprintf("/v1/events/%d/deliveries", ev.ID), nil},
		{"GET", fmt.Sprintf("/v1/deliveries/%d", d.ID), nil},
		{"GET", fmt.Sprintf("/v1/deliveries/%d/attempts", d.ID), nil},
		{"POST", fmt.Sprintf("/v1/deliveries/%d/retry", d.ID), nil},
	} {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			t.Parallel()
			s, h, b := e.do(t, tt.method, tt.path, e.b, tt.body)
			wantProblem(t, s, h, b, 404, "")
		})
	}

	// Lists and counts show tenant B nothing of tenant A's.
	for _, path := range []string{
		"/v1/webhooks", "/v1/events", "/v1/deliveries", "/v1/attempts", "/v1/mail",
		fmt.Sprintf("/v1/deliveries?webhook_id=%d", w.ID), fmt.Sprintf("/v1/attempts?webhook_id=%d", w.ID),
		"/v1/webhooks?event=contact.created",
	} {
		t.Run("GET "+path, func(t *testing.T) {
			t.Parallel()
			var l list[map[string]any]
			e.must(t, 200, "GET", path, e.b, nil, &l)
			if len(l.Data) != 0 {
				t.Errorf("tenant B sees %v", l.Data)
			}
		})
	}
	t.Run("GET /v1/tokens", func(t *testing.T) {
		t.Parallel()
		var l list[struct {
			ID string `json:"id"`
		}]
		e.must(t, 200, "GET", "/v1/tokens", e.b, nil, &l)
		for _, x := range l.Data {
			if x.ID == tok.ID {
				t.Error("tenant B sees tenant A's token")
			}
		}
	})
	t.Run("GET /v1/event-types", func(t *testing.T) {
		t.Parallel()
		var l list[struct {
			Name string `json:"name"`
		}]
		e.must(t, 200, "GET", "/v1/event-types", e.b, nil, &l)
		for _, x := range l.Data {
			if x.Name == "invoice.created" {
				t.Error("tenant B sees tenant A's event type")
			}
		}
	})
	t.Run("GET /v1/stats", func(t *testing.T) {
		t.Parallel()
		var st struct {
			Failed     int64 `json:"failed"`
			QueueDepth int64 `json:"queue_depth"`
		}
		e.must(t, 200, "GET", "/v1/stats", e.b, nil, &st)
		if st.Failed != 0 || st.QueueDepth != 0 {
			t.Errorf("tenant B's stats = %+v", st)
		}
	})
}
