package superoffice_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub/hookhubtest"
)

// payload is the WebhookPayload with the test's properties.
type payload struct {
	EventID              string `json:"EventId"`
	Timestamp            string
	Changes              []string
	Event                string
	PrimaryKey           json.RawMessage
	Entity               string
	ContextIdentifier    string
	ChangedByAssociateID int `json:"ChangedByAssociateId"`
	WebhookName          string
	FieldValues          map[string]any
	Tenant               string `json:"tenant"`
	Count                int    `json:"count"`
}

var guid = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// TestDelivery publishes events to a SuperOffice webhook: the receiver
// verifies X-SuperOffice-Signature with its own HMAC code and sees the
// WebhookPayload, the headers and the merged properties.
func TestDelivery(t *testing.T) {
	t.Parallel()
	hookhubtest.OnEachDB(t, func(t *testing.T, db string) {
		e := setupOn(t, db, true)
		rcv := newReceiver(t)
		w := e.save(t, map[string]any{
			"Name": "Tonys Contact Handler", "Events": []string{"contact.changed", "person.created"},
			"TargetUrl": rcv.srv.URL + "/so", "Secret": "s3cr3t-ÆØÅ", "Type": "webhook",
			"Headers":    map[string]string{"X-Api-Key": "prod_api_key_12345", "Content-Type": "text/plain"},
			"Properties": map[string]any{"tenant": "north", "count": 3, "EventId": "cannot replace"},
		})
		unsigned := e.save(t, map[string]any{"Name": "plain", "Events": []string{"person.created"}, "TargetUrl": rcv.srv.URL + "/plain"})

		// Published as SuperOffice sends it: FieldValues and the rest in data.
		e.publish(t, map[string]any{
			"type": "contact.changed", "entity_type": "contact", "entity_id": "18",
			"modified_fields": []string{"contact_id", "name"},
			"data":            map[string]any{"FieldValues": map[string]any{"associate_id": 12, "name": "Ada"}, "ContextIdentifier": "Cust54321", "ChangedByAssociateId": 5},
		})
		// Published as hookhub's other APIs do: the data is the FieldValues.
		e.publish(t, map[string]any{"type": "person.created", "data": map[string]any{"id": 7, "firstname": "Grace"}})

		got := rcv.waitFor(t, 3, func(g received) bool { return g.header.Get("X-SuperOffice-Event") != "test" })
		var contact, person, plain *received
		for i := range got {
			switch g := &got[i]; {
			case g.path == "/plain":
				plain = g
			case g.header.Get("X-SuperOffice-Event") == "contact.changed":
				contact = g
			default:
				person = g
			}
		}
		if contact == nil || person == nil || plain == nil {
			t.Fatalf("received %d requests, want one of each", len(got))
		}
		for _, g := range []*received{contact, person} {
			if err := verify("s3cr3t-ÆØÅ", *g); err != nil {
				t.Errorf("%s: %v", g.header.Get("X-SuperOffice-Event"), err)
			}
			h := g.header
			if h.Get("X-Api-Key") != "prod_api_key_12345" || h.Get("Content-Type") != "application/json; charset=utf-8" ||
				!strings.Contains(h.Get("User-Agent"), "hookhub") || h.Get("X-SuperOffice-Retry") != "1" ||
				!guid.MatchString(h.Get("X-SuperOffice-EventId")) || h.Get("X-Hook-Test") != "" {
				t.Errorf("headers %v", h)
			}
		}
		if sig := plain.header.Get("X-SuperOffice-Signature"); sig != "" {
			t.Errorf("a webhook without a secret sent signature %q", sig)
		}

		wantKeys := "EventId,Timestamp,Changes,Event,PrimaryKey,Entity,ContextIdentifier,ChangedByAssociateId,WebhookName,FieldValues,count,tenant"
		if k := strings.Join(keys(t, contact.body), ","); k != wantKeys {
			t.Errorf("members %s, want %s", k, wantKeys)
		}
		var p payload
		if err := json.Unmarshal(contact.body, &p); err != nil {
			t.Fatal(err)
		}
		ts, err := time.Parse(time.RFC3339Nano, p.Timestamp)
		if p.EventID != contact.header.Get("X-SuperOffice-EventId") || err != nil || ts.Location() != time.UTC ||
			strings.Join(p.Changes, ",") != "contact_id,name" || p.Event != "contact.changed" || string(p.PrimaryKey) != "18" ||
			p.Entity != "contact" || p.ContextIdentifier != "Cust54321" || p.ChangedByAssociateID != 5 ||
			p.WebhookName != "Tonys Contact Handler" || p.FieldValues["name"] != "Ada" || p.Tenant != "north" || p.Count != 3 {
			t.Errorf("contact payload %s", contact.body)
		}
		p = payload{}
		if err := json.Unmarshal(person.body, &p); err != nil {
			t.Fatal(err)
		}
		if p.Event != "person.created" || p.Entity != "person" || string(p.PrimaryKey) != "0" || p.Changes == nil || len(p.Changes) != 0 ||
			p.ContextIdentifier != e.tenant || p.FieldValues["firstname"] != "Grace" || p.Tenant != "north" {
			t.Errorf("person payload %s", person.body)
		}
		if !strings.Contains(string(plain.body), `"WebhookName":"plain"`) || strings.Contains(string(plain.body), "north") {
			t.Errorf("plain payload %s", plain.body)
		}

		// Statistics show on the webhook.
		hookhubtest.EventuallyNil(t, "statistics", func() error {
			got := e.get(t, w.WebhookID)
			if got.TotalCalls != 2 || got.TotalErrors != 0 || got.ConsecutiveErrors != 0 || got.LastTriggered == nil {
				return fmt.Errorf("%+v", got)
			}
			return nil
		})
		if got := e.get(t, unsigned.WebhookID); got.Secret != "" {
			t.Errorf("a webhook saved without a secret has secret %q", got.Secret)
		}

		// SO-TimeZone converts LastTriggered like the other date-times.
		utc := e.get(t, w.WebhookID)
		last, err := time.Parse(time.RFC3339Nano, *utc.LastTriggered)
		if err != nil || !strings.HasSuffix(*utc.LastTriggered, "Z") {
			t.Fatalf("LastTriggered %q, want UTC without SO-TimeZone (%v)", *utc.LastTriggered, err)
		}
		tokyo, _ := time.LoadLocation("Asia/Tokyo")
		var zoned webhook
		e.ok(t, req{method: "GET", path: "/api/v1/Webhook/" + itoa(w.WebhookID), header: map[string]string{"SO-TimeZone": "Asia/Tokyo"}}, http.StatusOK, &zoned)
		if zoned.LastTriggered == nil || *zoned.LastTriggered != last.In(tokyo).Format(time.RFC3339Nano) || !strings.HasSuffix(*zoned.LastTriggered, "+09:00") {
			t.Errorf("SO-TimeZone Asia/Tokyo: LastTriggered %v, want %s at +09:00", zoned.LastTriggered, *utc.LastTriggered)
		}
	})
}

// TestTooManyErrors lets a receiver fail nine times in a row: the webhook
// becomes TooManyErrors, its ErrorsEmail gets an e-mail at a real SMTP
// server, further deliveries are held, and saving it Active resumes them.
func TestTooManyErrors(t *testing.T) {
	t.Parallel()
	hookhubtest.OnEachDB(t, func(t *testing.T, db string) {
		e := setupOn(t, db, true)
		rcv := newReceiver(t)
		w := e.save(t, map[string]any{
			"Name": "Sale Won Notification", "Events": []string{"sale.sold"}, "TargetUrl": rcv.srv.URL + "/sales",
			"Secret": "sk", "ErrorsEmail": "sales-team@example.com",
		})
		rcv.answer(http.StatusBadGateway, "upstream down")

		e.publish(t, map[string]any{"type": "sale.sold", "entity_id": "2", "data": map[string]any{"amount": 100}})
		tries := rcv.waitFor(t, 9, isEvent("sale.sold"))
		for i, g := range tries[:9] {
			if got := g.header.Get("X-SuperOffice-Retry"); got != strconv.Itoa(i+1) {
				t.Errorf("try %d: X-SuperOffice-Retry = %q", i+1, got)
			}
			if g.header.Get("X-SuperOffice-EventId") != tries[0].header.Get("X-SuperOffice-EventId") {
				t.Errorf("try %d has another EventId", i+1)
			}
		}
		hookhubtest.EventuallyNil(t, "TooManyErrors", func() error {
			got := e.get(t, w.WebhookID)
			if got.State != "TooManyErrors" || got.ConsecutiveErrors != 9 || got.TotalErrors != 9 || got.TotalCalls != 9 ||
				!strings.Contains(got.LastError, "502") {
				return fmt.Errorf("%+v", got)
			}
			return nil
		})

		msgs := e.smtp.WaitFor(t, 1, hookhubtest.WaitTimeout)
		m := msgs[0]
		if len(m.To) != 1 || m.To[0] != "sales-team@example.com" || !strings.Contains(m.Subject, "Sale Won Notification") ||
			!strings.Contains(m.Text, "receiver answered 502") || !strings.Contains(m.Text, "State Active") ||
			!strings.Contains(m.Text, fmt.Sprintf("(id %d)", w.WebhookID)) {
			t.Errorf("e-mail to %v %q:\n%s", m.To, m.Subject, m.Text)
		}

		// Deliveries are held while it is off, and go out once saved Active
		// (the same TargetUrl: no test call).
		e.publish(t, map[string]any{"type": "sale.sold", "entity_id": "3", "data": map[string]any{"amount": 200}})
		hookhubtest.EventuallyNil(t, "held delivery", func() error {
			var ds struct {
				Data []struct{ ID int64 } `json:"data"`
			}
			e.native(t, "GET", fmt.Sprintf("/v1/deliveries?webhook_id=%d&state=held", w.WebhookID), nil, http.StatusOK, &ds)
			if len(ds.Data) != 1 {
				return fmt.Errorf("%d held deliveries", len(ds.Data))
			}
			return nil
		})
		if n := len(rcv.all()); n != 10 { // the save's test call and nine tries
			t.Errorf("receiver got %d requests while the webhook was off, want 10", n)
		}
		rcv.answer(http.StatusOK, "back")
		var active webhook
		e.ok(t, req{method: "POST", path: "/api/v1/Agents/Webhook/SaveWebhook", body: fmt.Sprintf(`{"WebhookId": %d, "State": "Active"}`, w.WebhookID)}, http.StatusOK, &active)
		if active.State != "Active" {
			t.Errorf("saved Active: %+v", active)
		}
		resumed := rcv.waitFor(t, 1, func(g received) bool { return strings.Contains(string(g.body), `"amount":200`) })
		if err := verify("sk", resumed[0]); err != nil {
			t.Error(err)
		}
		hookhubtest.EventuallyNil(t, "statistics after resuming", func() error {
			got := e.get(t, w.WebhookID)
			if got.State != "Active" || got.ConsecutiveErrors != 0 || got.TotalCalls != 10 || got.TotalErrors != 9 {
				return fmt.Errorf("%+v", got)
			}
			return nil
		})
	})
}

// TestPrimaryKey: PrimaryKey is the event's entity_id (a number when it is
// all digits), which wins over a PrimaryKey in SuperOffice-shaped data;
// the data's is used when the event has no entity_id, and 0 when neither
// has one.
func TestPrimaryKey(t *testing.T) {
	t.Parallel()
	e := setup(t, true)
	rcv := newReceiver(t)
	e.save(t, map[string]any{"Events": []string{"contact.changed"}, "TargetUrl": rcv.srv.URL})
	want := map[string]string{"both": "18", "data": "99", "text": `"C-18"`, "neither": "0"}
	for _, ev := range []map[string]any{
		{"entity_id": "18", "data": map[string]any{"PrimaryKey": 99, "FieldValues": map[string]any{"case": "both"}}},
		{"data": map[string]any{"PrimaryKey": 99, "FieldValues": map[string]any{"case": "data"}}},
		{"entity_id": "C-18", "data": map[string]any{"case": "text"}},
		{"data": map[string]any{"case": "neither"}},
	} {
		ev["type"] = "contact.changed"
		e.publish(t, ev)
	}
	for _, g := range rcv.waitFor(t, len(want), isEvent("contact.changed")) {
		var p payload
		if err := json.Unmarshal(g.body, &p); err != nil {
			t.Fatal(err)
		}
		c, _ := p.FieldValues["case"].(string)
		if got := string(p.PrimaryKey); got != want[c] {
			t.Errorf("%s: PrimaryKey %s, want %s", c, got, want[c])
		}
	}
}
