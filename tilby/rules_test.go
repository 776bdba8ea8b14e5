package tilby_test

import (
	"fmt"
	"strings"
	"testing"
)

// The native API cannot change what Tilby fixes: a webhook's entity and
// event (a change is a delete and a new create) and only-200 success.
func TestNativeAPIKeepsTilbyRules(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	rc := newReceiver(t)
	w := e.create(t, e.token, rc.srv.URL+"/hook", "sales", "closed")
	e.create(t, e.token, rc.srv.URL+"/hook", "sales", "created")
	path := fmt.Sprintf("/v1/webhooks/%d", w.ID)
	for _, c := range []struct {
		name  string
		patch map[string]any
		field string
	}{
		{"another pair", map[string]any{"events": []string{"sales.created"}}, "events"},
		{"two pairs", map[string]any{"events": []string{"sales.closed", "items.created"}}, "events"},
		{"any 2xx", map[string]any{"success_codes": []int{200, 201, 204}}, "success_codes"},
	} {
		status, b := e.do(t, "PATCH", path, e.token, c.patch, nil)
		if status != 422 || !strings.Contains(string(b), `"location":"body.`+c.field+`"`) {
			t.Errorf("%s: PATCH = %d %s, want 422 naming %s", c.name, status, b, c.field)
		}
	}
	// A rename is fine.
	e.must(t, 200, "PATCH", path, e.token, map[string]any{"name": "closings to the ERP"}, nil)
	var got webhook
	e.must(t, 200, "GET", fmt.Sprintf("/v2/webhooks/%d", w.ID), e.token, nil, &got)
	if got.EntityName != "sales" || got.EventType != "closed" {
		t.Errorf("after the native changes: %+v, want sales closed", got)
	}
}
