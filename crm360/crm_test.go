package crm360_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestAdictizUserParticipate(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	body := testdata(t, "adictiz_participation.json")
	e.accept(t, call{platform: "Adictiz", entity: "User", action: "Participate", body: body, params: map[string]string{"BrandId": "12"}})
	c := e.contact(t, "lea.martin@example.com")
	if c.FirstName != "Léa" || c.Source != "Adictiz" || c.EmailConsent != "granted" || c.SMSConsent != "granted" || c.BrandID != 12 ||
		c.Phone.Country != "FR" || c.Phone.Number != "0611223344" {
		t.Errorf("contact = %+v", c)
	}
	var acts []struct {
		ID         int64
		ContactID  int64 `json:"contact_id"`
		Type       string
		Data       json.RawMessage
		OccurredAt time.Time `json:"occurred_at"`
		BrandID    int64     `json:"brand_id"`
	}
	e.list(t, fmt.Sprintf("/v1/activities?contact_id=%d", c.ID), &acts)
	if len(acts) != 1 || acts[0].Type != "participation" || !sameJSON(acts[0].Data, []byte(body)) || acts[0].BrandID != 12 ||
		!acts[0].OccurredAt.Equal(time.Date(2026, 3, 14, 14, 20, 0, 0, time.UTC)) {
		t.Errorf("activities = %+v, want the participation with its body as data", acts)
	}
	got := e.rcv.Wait(t, "contact.created", "activity.created")
	if !strings.Contains(string(got["activity.created"].Data), `"participation_id":"p-20260314-0042"`) {
		t.Errorf("activity.created data = %s", got["activity.created"].Data)
	}

	// Playing again is another activity of the same contact.
	e.accept(t, call{platform: "Adictiz", entity: "User", action: "Participate", body: strings.Replace(body, "p-20260314-0042", "p-20260315-0007", 1)})
	if e.list(t, fmt.Sprintf("/v1/activities?contact_id=%d&type=participation", c.ID), &acts); len(acts) != 2 {
		t.Errorf("activities after a second game = %d, want 2", len(acts))
	}
}

func TestElfyProcessRnvp(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	e.accept(t, call{platform: "Shopify", entity: "Customer", action: "Insert", body: testdata(t, "shopify_customer.json")})
	c := e.contact(t, "bob.norman@example.com")
	e.accept(t, call{platform: "elfy76310", entity: "process", action: "Rnvp", body: fmt.Sprintf(`{"ContactId": %d}`, c.ID)})
	after := e.contact(t, "bob.norman@example.com")
	if a := after.BillingAddress; a.Line1 != "12 RUE DE L'EGLISE" || a.Line2 != "BAT B" || a.City != "SAINT-ETIENNE" || a.ZipCode != "42000" || a.Country != "FR" {
		t.Errorf("standardised address = %+v", a)
	}
	got := e.rcv.Wait(t, "contact.created", "contact.changed")
	e.sameAsAPI(t, got["contact.changed"], fmt.Sprintf("/v1/contacts/%d", c.ID))

	// By e-mail, of a contact with a lost leading zero.
	e.accept(t, call{platform: "Tabology", entity: "Ticket", action: "Create", body: testdata(t, "tabology_ticket.json"), params: map[string]string{"store": "s1", "currency": "EUR"}})
	// An unknown contact fails the message for good, naming it.
	a := e.queue(t, call{platform: "elfy76310", entity: "process", action: "Rnvp", body: `{"ContactId": 999999}`})
	if m := e.wait(t, a.MessageID); m.Status != "failed" || m.Reason != "contact 999999 not found" {
		t.Errorf("Rnvp of an unknown contact = %+v", m)
	}
	// Neither id nor e-mail: refused at once.
	if a := e.queue(t, call{platform: "elfy76310", entity: "process", action: "Rnvp", body: `{}`}); a.status != 400 || a.Errors[0].Field != "ContactId" {
		t.Errorf("Rnvp without a contact = %d %s", a.status, a.raw)
	}
}

func TestElfyProcessRnvpDedup(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	// The same person three times: a Gmail address with dots, with a +tag, and another address with the same mobile number.
	tab := testdata(t, "tabology_ticket.json")
	first := strings.NewReplacer("paul.durand@example.com", "paul.durand@gmail.com", "0655443322", "").Replace(tab)
	e.accept(t, call{platform: "Tabology", entity: "Ticket", action: "Create", body: first, params: map[string]string{"store": "s1", "currency": "EUR"}})
	keep := e.contact(t, "paul.durand@gmail.com")
	second := strings.NewReplacer("paul.durand@example.com", "pauldurand+shop@gmail.com", "100234", "100235").Replace(tab)
	e.accept(t, call{platform: "Tabology", entity: "Ticket", action: "Create", body: second, params: map[string]string{"store": "s1", "currency": "EUR"}})
	e.accept(t, call{platform: "Adictiz", entity: "User", action: "Participate", body: strings.NewReplacer("lea.martin@example.com", "p.durand@work.example", "0611223344", "+33 6 55 44 33 22").Replace(testdata(t, "adictiz_participation.json"))})
	e.withPhone(t, "someone.else@example.com", "0699999999")

	e.accept(t, call{platform: "elfy76310", entity: "process", action: "RnvpDedup", body: ""})
	var cs []contactJSON
	e.list(t, "/v1/contacts", &cs)
	if len(cs) != 2 {
		t.Fatalf("contacts after dedup = %+v, want Paul and someone else", cs)
	}
	merged := e.contact(t, "paul.durand@gmail.com")
	if merged.ID != keep.ID || merged.Phone.Number == "" || merged.SMSConsent != "granted" {
		t.Errorf("merged contact = %+v, want the oldest with the others' phone and consent", merged)
	}
	var orders []orderJSON
	e.list(t, fmt.Sprintf("/v1/orders?contact_id=%d", keep.ID), &orders)
	var acts []struct{ Type string }
	e.list(t, fmt.Sprintf("/v1/activities?contact_id=%d", keep.ID), &acts)
	kinds := map[string]int{}
	for _, a := range acts {
		kinds[a.Type]++
	}
	if len(orders) != 2 || kinds["participation"] != 1 || kinds["merge"] != 2 {
		t.Errorf("the merged contact has %d orders and activities %v; want both orders, the participation and 2 merges", len(orders), kinds)
	}
	got := e.rcv.Wait(t, "contact.merged")
	var data struct {
		Contact   contactJSON `json:"contact"`
		MergedIDs []int64     `json:"merged_ids"`
	}
	mustDecode(t, got["contact.merged"].Data, &data)
	if data.Contact.ID != keep.ID || len(data.MergedIDs) != 2 {
		t.Errorf("contact.merged = %s", got["contact.merged"].Data)
	}
	// Nothing left to merge: no event.
	e.accept(t, call{platform: "elfy76310", entity: "process", action: "RnvpDedup", body: fmt.Sprintf(`{"ContactId": "%d"}`, keep.ID)})
	if n := e.rcv.Count("contact.merged"); n != 1 {
		t.Errorf("contact.merged events = %d after a second dedup, want 1", n)
	}
}

// zendeskSign is Zendesk's signature, computed here as Zendesk documents
// it: Base64 of HMAC-SHA256 over the timestamp followed by the body.
func zendeskSign(secret, timestamp, body string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp))
	mac.Write([]byte(body))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func TestZendeskTicketUpdate(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	const secret = "dGhpcyBpcyBhIHNlY3JldA=="
	e.must(t, e.token, "PUT", fmt.Sprintf("/v1/crm360/sources/%d/auth", e.sources["Zendesk"]), map[string]any{"auth": "zendesk_signature", "secret": secret}, 200, nil)
	body := testdata(t, "zendesk_ticket.json")
	ts := time.Now().UTC().Format(time.RFC3339)
	signed := map[string]string{"Authorization": "", "X-Zendesk-Webhook-Signature": zendeskSign(secret, ts, body), "X-Zendesk-Webhook-Signature-Timestamp": ts}
	e.accept(t, call{platform: "Zendesk", entity: "Ticket", action: "Update", body: body, header: signed, params: map[string]string{"ZoneId": "1"}})
	c := e.contact(t, "jane.requester@example.com")
	var ts1 []struct {
		ID                             int64
		ContactID                      int64  `json:"contact_id"`
		ExternalID                     string `json:"external_id"`
		Title, Status, Type, Via, Link string
		Comments                       string
		ZoneID                         int64 `json:"zone_id"`
	}
	e.list(t, "/v1/tickets?external_id=35436", &ts1)
	if len(ts1) != 1 {
		t.Fatalf("tickets = %+v", ts1)
	}
	tk := ts1[0]
	if tk.ContactID != c.ID || tk.Title != "Help, my printer is on fire!" || tk.Status != "open" || tk.Type != "incident" || tk.Via != "web form" ||
		tk.Link != "https://acme.zendesk.com/agent/tickets/35436" || !strings.Contains(tk.Comments, "very colorful") || tk.ZoneID != 1 {
		t.Errorf("ticket = %+v", tk)
	}
	if c.FirstName != "Jane" || c.Source != "Zendesk" || c.Phone.Number != "+33 6 98 76 54 32" {
		t.Errorf("requester = %+v", c)
	}
	got := e.rcv.Wait(t, "contact.created", "ticket.created")
	e.sameAsAPI(t, got["ticket.created"], fmt.Sprintf("/v1/tickets/%d", tk.ID))

	// The ticket solved.
	solved := strings.Replace(body, `"status" : "Open"`, `"status" : "Solved"`, 1)
	signed["X-Zendesk-Webhook-Signature"] = zendeskSign(secret, ts, solved)
	e.accept(t, call{platform: "Zendesk", entity: "Ticket", action: "Update", body: solved, header: signed})
	got = e.rcv.Wait(t, "contact.created", "ticket.created", "ticket.changed")
	e.sameAsAPI(t, got["ticket.changed"], fmt.Sprintf("/v1/tickets/%d", tk.ID))

	// Refused: a body changed after signing, a stale timestamp, no signature, a token instead.
	old := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	for name, h := range map[string]map[string]string{
		"TamperedBody":   {"Authorization": "", "X-Zendesk-Webhook-Signature": zendeskSign(secret, ts, body), "X-Zendesk-Webhook-Signature-Timestamp": ts},
		"StaleTimestamp": {"Authorization": "", "X-Zendesk-Webhook-Signature": zendeskSign(secret, old, solved), "X-Zendesk-Webhook-Signature-Timestamp": old},
		"WrongSecret":    {"Authorization": "", "X-Zendesk-Webhook-Signature": zendeskSign("other", ts, solved), "X-Zendesk-Webhook-Signature-Timestamp": ts},
		"NoSignature":    {"Authorization": ""},
		"TokenOnly":      {},
	} {
		t.Run(name, func(t *testing.T) {
			a := e.queue(t, call{platform: "Zendesk", entity: "Ticket", action: "Update", body: solved, header: h})
			if a.status != 401 || a.MessageID != 0 || len(a.Errors) != 1 || !strings.HasPrefix(a.Errors[0].Field, "X-Zendesk-Webhook-Signature") {
				t.Errorf("%s = %d %s, want 401 naming the signature header", name, a.status, a.raw)
			}
		})
	}
}

func TestTabologyTicket(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	body := testdata(t, "tabology_ticket.json")
	e.accept(t, call{platform: "Tabology", entity: "Ticket", action: "Create", body: body, params: map[string]string{"store": "paris-01", "currency": "eur", "ZoneId": "4"}})
	c := e.contact(t, "paul.durand@example.com")
	var os []orderJSON
	e.list(t, fmt.Sprintf("/v1/orders?contact_id=%d", c.ID), &os)
	if len(os) != 1 {
		t.Fatalf("orders = %+v", os)
	}
	o := os[0]
	if o.ExternalID != "paris-01/100234" || o.Store != "paris-01" || o.Currency != "EUR" || o.Total != "24.50" || o.Taxes != "4.08" ||
		o.Type != "success" || o.ZoneID != 4 || len(o.Items) != 2 || o.Items[0].Name != "Croissant" || o.Items[0].Quantity != "2" || o.Items[0].Price != "1.25" {
		t.Errorf("sale receipt = %+v", o)
	}
	got := e.rcv.Wait(t, "contact.created", "order.created")
	e.sameAsAPI(t, got["order.created"], fmt.Sprintf("/v1/orders/%d", o.ID))

	// Update: the receipt refunded. The same ticket number at another store is another receipt.
	e.accept(t, call{platform: "Tabology", entity: "Ticket", action: "Update", body: strings.Replace(body, `"status": "paid"`, `"status": "refunded"`, 1),
		params: map[string]string{"store": "paris-01", "currency": "EUR"}})
	got = e.rcv.Wait(t, "contact.created", "order.created", "order.changed")
	e.sameAsAPI(t, got["order.changed"], fmt.Sprintf("/v1/orders/%d", o.ID))
	e.accept(t, call{platform: "Tabology", entity: "Ticket", action: "Create", body: body, params: map[string]string{"store": "lyon-02", "currency": "EUR"}})
	if e.list(t, fmt.Sprintf("/v1/orders?contact_id=%d", c.ID), &os); len(os) != 2 {
		t.Errorf("orders after another store's receipt = %d, want 2", len(os))
	}

	// store and currency are required, the currency an ISO code.
	a := e.queue(t, call{platform: "Tabology", entity: "Ticket", action: "Create", body: body, params: map[string]string{"currency": "euros"}})
	if a.status != 400 || len(a.Errors) != 2 || a.Errors[0].Field != "store" || a.Errors[1].Field != "currency" {
		t.Errorf("without store, with a bad currency = %d %s", a.status, a.raw)
	}
}
