package superoffice_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestTestEventAsSuperOffice: the save-time test call carries what
// SuperOffice's test-event page shows
// (https://superofficedocs.github.io/superoffice-docs/en/automation/webhook/reference/test-event.html):
// "Event": "test", "Entity": "test", "PrimaryKey": 0, header X-Hook-Test:
// true; its Timestamp has the precision of real events (milliseconds, as
// stored).
func TestTestEventAsSuperOffice(t *testing.T) {
	t.Parallel()
	e := setup(t, true)
	rcv := newReceiver(t)
	e.save(t, map[string]any{"Name": "Contacts", "Events": []string{"contact.created"}, "TargetUrl": rcv.srv.URL + "/hook"})
	got := rcv.waitFor(t, 1, isEvent("test"))[0]
	var p struct {
		Event      string
		Entity     string
		PrimaryKey json.Number
		Timestamp  string
	}
	if err := json.Unmarshal(got.body, &p); err != nil {
		t.Fatal(err)
	}
	ts, err := time.Parse(time.RFC3339Nano, p.Timestamp)
	if p.Event != "test" || p.Entity != "test" || p.PrimaryKey != "0" || err != nil || !ts.Equal(ts.Truncate(time.Millisecond)) ||
		got.header.Get("X-Hook-Test") != "true" {
		t.Errorf("test event %s (X-Hook-Test %q), want Entity test, PrimaryKey 0, a millisecond Timestamp", got.body, got.header.Get("X-Hook-Test"))
	}
}

// TestFormAndPatchBodies: the Content-Types SuperOffice's agent pages list
// (https://devnet.superoffice.com/en/api/reference/restful/agent/Webhook_Agent/v1WebhookAgent_SaveWebhook.html)
// include application/x-www-form-urlencoded and application/json-patch+json;
// both are accepted.
func TestFormAndPatchBodies(t *testing.T) {
	t.Parallel()
	e := setup(t, true)
	rcv := newReceiver(t)
	form := url.Values{"Name": {"Form"}, "Events": {"contact.created", "person.changed"},
		"TargetUrl": {rcv.srv.URL + "/form"}, "Headers[X-Team]": {"crm"}, "State": {"Active"}}
	var w webhook
	e.ok(t, req{method: "POST", path: "/api/v1/Agents/Webhook/SaveWebhook", body: form.Encode(), contentType: "application/x-www-form-urlencoded"}, http.StatusOK, &w)
	if w.Name != "Form" || strings.Join(w.Events, ",") != "contact.created,person.changed" || w.TargetURL != rcv.srv.URL+"/form" ||
		w.Headers["X-Team"] != "crm" || w.State != "Active" {
		t.Fatalf("saved from a form: %+v", w)
	}
	one := url.Values{"Name": {"One"}, "Events": {"sale.sold"}, "TargetUrl": {rcv.srv.URL + "/one"}}
	e.ok(t, req{method: "POST", path: "/api/v1/Webhook", body: one.Encode(), contentType: "application/x-www-form-urlencoded"}, http.StatusCreated, &w)
	if strings.Join(w.Events, ",") != "sale.sold" {
		t.Errorf("one event from a form: %v", w.Events)
	}

	patch := `[{"op": "replace", "path": "/Name", "value": "Patched"}, {"op": "add", "path": "/Events", "value": ["sale.sold", "sale.lost"]}]`
	var got webhook
	e.ok(t, req{method: "PUT", path: fmt.Sprintf("/api/v1/Webhook/%d", w.WebhookID), body: patch, contentType: "application/json-patch+json"}, http.StatusOK, &got)
	if got.Name != "Patched" || strings.Join(got.Events, ",") != "sale.sold,sale.lost" || got.TargetURL != rcv.srv.URL+"/one" {
		t.Errorf("patched: %+v", got)
	}
	se := e.fail(t, req{method: "PUT", path: fmt.Sprintf("/api/v1/Webhook/%d", w.WebhookID), body: `[{"op": "move", "from": "/Name", "path": "/Secret"}]`,
		contentType: "application/json-patch+json", auth: bearer(e.token)}, http.StatusBadRequest)
	if b, _ := json.Marshal(se); !strings.Contains(string(b), "move") {
		t.Errorf("move: %s, want the op named", b)
	}
}

// TestCreateDefaultWebhookNulls: CreateDefaultWebhook answers null for the
// members a new webhook has no value for, as SuperOffice's subscription page
// shows the default
// (https://superofficedocs.github.io/superoffice-docs/en/automation/webhook/subscription.html).
func TestCreateDefaultWebhookNulls(t *testing.T) {
	t.Parallel()
	e := setup(t, true)
	for _, r := range []req{
		{method: "POST", path: "/api/v1/Agents/Webhook/CreateDefaultWebhook", auth: bearer(e.token)},
		{method: "GET", path: "/api/v1/Webhook/default", auth: bearer(e.token)},
	} {
		a := e.do(t, r)
		var m map[string]json.RawMessage
		if err := json.Unmarshal(a.body, &m); err != nil || a.status != 200 {
			t.Fatalf("%s %s = %d %s", r.method, r.path, a.status, a.body)
		}
		for _, k := range []string{"Name", "TargetUrl", "Secret", "Headers", "Properties", "RegisteredAssociate", "UpdatedAssociate", "ErrorsEmail"} {
			if string(m[k]) != "null" {
				t.Errorf("%s %s: %s = %s, want null", r.method, r.path, k, m[k])
			}
		}
		if string(m["WebhookId"]) != "0" || string(m["State"]) != `"Active"` || string(m["Type"]) != `"webhook"` || string(m["Registered"]) != `"0001-01-01T00:00:00"` {
			t.Errorf("%s %s = %s", r.method, r.path, a.body)
		}
	}
}
