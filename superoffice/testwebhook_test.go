package superoffice_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestTestWebhookScopeAndHeaders: TestWebhook needs the native test call's
// scope (webhooks.update), whether it names a saved webhook or sends one,
// and refuses the headers a save refuses (issue 15, point 4).
func TestTestWebhookScopeAndHeaders(t *testing.T) {
	t.Parallel()
	e := setup(t, true)
	rcv := newReceiver(t)
	w := e.save(t, map[string]any{"Name": "mine", "TargetUrl": rcv.srv.URL + "/hook", "Events": []string{"contact.created"}, "Secret": "s"})
	before := len(rcv.all())

	token := func(scopes ...string) string {
		var out struct{ Token string }
		e.native(t, "POST", "/v1/tokens", map[string]any{"name": strings.Join(scopes, "+"), "scopes": scopes}, http.StatusCreated, &out)
		return out.Token
	}
	saved := "/api/v1/Agents/Webhook/TestWebhook?webhookId=" + itoa(w.WebhookID)
	body := `{"TargetUrl": "` + rcv.srv.URL + `/try", "Events": ["contact.created"], "Secret": "t"}`
	for _, scopes := range [][]string{{"webhooks.read"}, {"inbound.send"}, {"webhooks.read", "webhooks.create"}} {
		tok := token(scopes...)
		for _, r := range []req{{method: "POST", path: saved}, {method: "POST", path: "/api/v1/Agents/Webhook/TestWebhook", body: body}} {
			r.auth = bearer(tok)
			if se := e.fail(t, r, http.StatusForbidden); !strings.Contains(se.Error, "webhooks.update") {
				t.Errorf("%v, %s: Error %q does not name the scope it needs", scopes, r.path, se.Error)
			}
		}
	}
	if got := len(rcv.all()); got != before {
		t.Errorf("the receiver got %d calls from tokens without the scope", got-before)
	}

	// Hop-by-hop and hookhub's own headers are refused as on save.
	for _, h := range []string{"Connection", "Transfer-Encoding", "Content-Length"} {
		r := req{method: "POST", path: "/api/v1/Agents/Webhook/TestWebhook",
			body: `{"TargetUrl": "` + rcv.srv.URL + `/try", "Events": ["contact.created"], "Secret": "t", "Headers": {"` + h + `": "x"}}`}
		r.auth = bearer(e.token)
		e.fail(t, r, http.StatusBadRequest).wantFields(t, "Headers")
	}
	if got := len(rcv.all()); got != before {
		t.Errorf("the receiver got %d calls with refused headers", got-before)
	}

	// With the scope, it runs.
	var res struct{ Success bool }
	e.ok(t, req{method: "POST", path: saved, auth: bearer(token("webhooks.read", "webhooks.update"))}, http.StatusOK, &res)
	if !res.Success {
		t.Errorf("TestWebhook with webhooks.update = %+v", res)
	}
}
