package salesiq_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/salesiq"
)

// nativeStatus sends a request to the native API and returns the status
// and body, whatever they are.
func (e *env) nativeStatus(t *testing.T, method, path string, body any) (int, string) {
	t.Helper()
	j, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(method, e.url+path, bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The native API cannot make a SalesIQ webhook one SalesIQ would refuse:
// SalesIQ's rules hold whoever saves the webhook.
func TestNativeAPIKeepsSalesIQRules(t *testing.T) {
	t.Parallel()
	e := setup(t)
	w := e.create(t, map[string]any{
		"webhook": map[string]any{"url": "https://r.example.com/siq", "secured": true}, "published": true,
		"events": []string{"conversation.created"}, "app_ids": []string{"8000000000047"},
	})
	k := e.newKey(t, w.ID)
	path := "/v1/webhooks/" + w.ID
	for _, c := range []struct {
		name  string
		patch map[string]any
		field string
	}{
		{"another module", map[string]any{"events": []string{"operator.deleted"}, "apps": []string{}}, "events"},
		{"not a SalesIQ event", map[string]any{"events": []string{"contact.created"}}, "events[0]"},
		{"a data webhook without apps", map[string]any{"apps": []string{}}, "apps"},
		{"another timeout", map[string]any{"timeout_ms": 30000}, "timeout_ms"},
		{"another retry schedule", map[string]any{"retry": map[string]any{"schedule_seconds": []float64{0, 5, 300}}}, "retry.schedule"},
		{"a signing scheme", map[string]any{"signing_scheme": "v1a"}, "signing_scheme"},
	} {
		status, body := e.nativeStatus(t, "PATCH", path, c.patch)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `"location":"body.`+c.field+`"`) {
			t.Errorf("%s: PATCH = %d %s, want 422 naming %s", c.name, status, body, c.field)
		}
	}
	if status, body := e.nativeStatus(t, "POST", path+"/rotate-secret", map[string]any{}); status != http.StatusConflict {
		t.Errorf("rotate-secret of a SalesIQ webhook = %d %s, want 409", status, body)
	}
	// What SalesIQ allows still goes through, and the key is untouched.
	if status, body := e.nativeStatus(t, "PATCH", path, map[string]any{"name": "renamed", "events": []string{"conversation.created", "conversation.missed"}}); status != http.StatusOK {
		t.Fatalf("allowed PATCH = %d %s", status, body)
	}
	var got webhook
	e.data(t, "GET", "/api/v2/zylker/webhooks/"+w.ID, nil, &got)
	if got.Module != "data" || len(got.Events) != 2 || got.Key == nil || got.Key.ID != k.ID || len(got.AppIDs) != 1 {
		t.Errorf("after the native changes: %+v, want the data webhook with two events, its app and key %s", got, k.ID)
	}
}

// No save may leave a secured webhook without its key: the rules refuse
// it, whoever saves.
func TestRulesKeepSecuredWebhooksSigned(t *testing.T) {
	t.Parallel()
	w := &hookhub.Webhook{
		ID: 3, Format: salesiq.Format, Events: []string{"operator.created"}, Timeout: 5 * time.Second,
		Retry: hookhub.RetryPolicy{Schedule: []time.Duration{0, time.Minute, time.Minute, time.Minute}},
		Meta:  json.RawMessage(`{"module":"administration","secured":true}`),
	}
	var p hookhub.Problems
	salesiq.Rules{}.CheckWebhook(&p, w, nil)
	if len(p) != 1 || p[0].Field != "secret" || !strings.Contains(p[0].Reason, "/webhooks/3/keys") {
		t.Errorf("secured without a key: problems %+v, want one about the secret naming the keys path", p)
	}
	p = nil
	w.Meta = json.RawMessage(`{"module":"administration","secured":false}`)
	if (salesiq.Rules{}).CheckWebhook(&p, w, nil); len(p) != 0 {
		t.Errorf("unsecured without a key: problems %+v, want none", p)
	}
}
