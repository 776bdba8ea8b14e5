package superoffice_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hookhub/hookhub/hookhubtest"
)

// A crmscript webhook is saved through SaveWebhook with its JavaScript in
// Script and the script's id in TargetUrl, and runs on each event: here
// it publishes an event that a SuperOffice webhook of type webhook gets.
func TestCRMScript(t *testing.T) {
	t.Parallel()
	hookhubtest.OnEachDB(t, func(t *testing.T, db string) {
		e := setupOn(t, db, true)
		rcv := newReceiver(t)
		e.save(t, map[string]any{"Name": "sales", "Events": []string{"sale.created"}, "TargetUrl": rcv.srv.URL + "/sales", "Secret": "s3cret"})
		script := e.save(t, map[string]any{
			"Name": "score", "Type": "crmscript", "TargetUrl": "score-contacts", "Events": []string{"contact.created"},
			"Script": `function handler(event, hookhub) {
				hookhub.log("scoring", event.data.id);
				return hookhub.publish("sale.created", {contact: event.data.id, by: "crmscript"});
			}`,
		})
		got := e.get(t, script.WebhookID)
		if got.Type != "crmscript" || got.TargetURL != "score-contacts" {
			t.Errorf("GetWebhook = Type %q, TargetUrl %q; want crmscript and the script id", got.Type, got.TargetURL)
		}
		var raw map[string]any
		e.ok(t, req{method: "GET", path: "/api/v1/Agents/Webhook/GetWebhook?webhookId=" + itoa(script.WebhookID)}, http.StatusOK, &raw)
		if s, _ := raw["Script"].(string); !strings.Contains(s, "hookhub.publish") {
			t.Errorf("GetWebhook Script = %q, want the saved script", s)
		}

		e.publish(t, map[string]any{"type": "contact.created", "data": map[string]any{"id": 42}})
		g := rcv.waitFor(t, 1, isEvent("sale.created"))[0]
		if !strings.Contains(string(g.body), `"by":"crmscript"`) || !strings.Contains(string(g.body), `"contact":42`) {
			t.Errorf("sale.created body = %s, want the script's event", g.body)
		}
		hookhubtest.EventuallyNil(t, "the script run counted", func() error {
			w := e.get(t, script.WebhookID)
			if w.TotalCalls != 1 || w.TotalErrors != 0 {
				return fmt.Errorf("TotalCalls %d, TotalErrors %d; want 1 and 0", w.TotalCalls, w.TotalErrors)
			}
			return nil
		})

		// Switching to Type webhook needs a real TargetUrl and drops the script.
		b, _ := json.Marshal(map[string]any{"WebhookId": script.WebhookID, "Type": "webhook"})
		se := e.fail(t, req{method: "POST", path: "/api/v1/Agents/Webhook/SaveWebhook", auth: bearer(e.token), body: string(b)}, http.StatusBadRequest)
		se.wantFields(t, "TargetUrl")
	})
}
