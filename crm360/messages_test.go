package crm360_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub/hookhubtest"
)

// messageJSON is a message (SMS, e-mail, wallet update) as the API shows
// it.
type messageJSON struct {
	ID         int64
	ContactID  int64 `json:"contact_id"`
	Channel    string
	Provider   string
	ProviderID string `json:"provider_id"`
	To, From   string
	Subject    string
	Text       string
	Data       json.RawMessage
	Status     string
	Reason     string
	MailID     int64 `json:"mail_id"`
	ZoneID     int64 `json:"zone_id"`
	Events     []struct {
		Type, Status, Detail string
		At                   time.Time
		Hard                 bool
	}
}

// message is the one message of acme on a channel with a provider id.
func (e *env) message(t *testing.T, channel, providerID string) messageJSON {
	t.Helper()
	var ms []messageJSON
	e.list(t, "/v1/messages?channel="+channel, &ms)
	for _, m := range ms {
		if m.ProviderID == providerID {
			return m
		}
	}
	t.Fatalf("no %s message %q among %+v", channel, providerID, ms)
	return messageJSON{}
}

// withPhone makes acme's contact with a mobile number, through Adictiz.
func (e *env) withPhone(t *testing.T, email, phone string) contactJSON {
	t.Helper()
	body := strings.NewReplacer("lea.martin@example.com", email, "0611223344", phone).Replace(testdata(t, "adictiz_participation.json"))
	e.accept(t, call{platform: "Adictiz", entity: "User", action: "Participate", body: body})
	return e.contact(t, email)
}

func TestPrimotextoSmsCallback(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	c := e.withPhone(t, "sam@example.com", "06 00 00 00 00")

	e.accept(t, call{platform: "Primotexto", entity: "Sms", action: "Callback",
		body: `{"id":"543ceb14e4b0ef900801cbe3","identifier":"+33600000000","state":"delivered","date":1773500000000}`})
	m := e.message(t, "sms", "543ceb14e4b0ef900801cbe3")
	if m.Status != "delivered" || m.ContactID != c.ID || m.Provider != "primotexto" || m.To != "+33600000000" ||
		len(m.Events) != 1 || !m.Events[0].At.Equal(time.UnixMilli(1773500000000)) {
		t.Errorf("message = %+v, want delivered to contact %d", m, c.ID)
	}
	got := e.rcv.Wait(t, "message.created")
	e.sameAsAPI(t, got["message.created"], fmt.Sprintf("/v1/messages/%d", m.ID))

	// Primotexto's state unsubscribed, sent as a form: the contact's SMS consent is withdrawn.
	e.accept(t, call{platform: "Primotexto", entity: "Sms", action: "Callback",
		body: "id=543ceb14e4b0ef900801cbe3&identifier=%2B33600000000&status=unsubscribed", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
	if m = e.message(t, "sms", "543ceb14e4b0ef900801cbe3"); m.Status != "unsubscribed" || len(m.Events) != 2 {
		t.Errorf("message after unsubscribed = %+v", m)
	}
	if c = e.contact(t, "sam@example.com"); c.SMSConsent != "withdrawn" {
		t.Errorf("SMS consent = %q, want withdrawn", c.SMSConsent)
	}
	e.rcv.Wait(t, "message.created", "message.changed", "contact.changed")
}

func TestSmsboxSmsCallback(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	c := e.withPhone(t, "sam@example.com", "+33 6 12 34 56 78")

	// Smsbox puts its fields in the URL: the body is empty.
	e.accept(t, call{platform: "Smsbox", entity: "Sms", action: "Callback", body: "",
		params: map[string]string{"reference": "SMSBOX-8841", "numero": "33612345678", "accuse": "9", "ts": "1773500000"}})
	e.accept(t, call{platform: "Smsbox", entity: "Sms", action: "Callback", body: "",
		params: map[string]string{"reference": "SMSBOX-8841", "numero": "33612345678", "accuse": "0", "ts": "1773500060"}})
	m := e.message(t, "sms", "SMSBOX-8841")
	if m.Status != "delivered" || m.ContactID != c.ID || m.Provider != "smsbox" || len(m.Events) != 2 || m.Events[1].Type != "0" {
		t.Errorf("message = %+v, want delivered after 9 then 0", m)
	}
	got := e.rcv.Wait(t, "message.created", "message.changed")
	e.sameAsAPI(t, got["message.changed"], fmt.Sprintf("/v1/messages/%d", m.ID))

	// A failure code, as JSON.
	e.accept(t, call{platform: "Smsbox", entity: "Sms", action: "Callback", body: `{"reference":"SMSBOX-8842","numero":"33612345678","accuse":2}`})
	if m := e.message(t, "sms", "SMSBOX-8842"); m.Status != "failed" || m.Reason != "rejected" {
		t.Errorf("rejected message = %+v", m)
	}
}

func TestSmsboxSmsCallbackStop(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	c := e.withPhone(t, "sam@example.com", "0612345678")
	e.accept(t, call{platform: "Smsbox", entity: "Sms", action: "CallbackStop", body: "numero=33612345678&message=STOP",
		header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
	if c = e.contact(t, "sam@example.com"); c.SMSConsent != "withdrawn" {
		t.Errorf("SMS consent after STOP = %q, want withdrawn", c.SMSConsent)
	}
	got := e.rcv.Wait(t, "contact.changed")
	e.sameAsAPI(t, got["contact.changed"], fmt.Sprintf("/v1/contacts/%d", c.ID))

	// A number no contact has: the message fails for good, saying so.
	a := e.queue(t, call{platform: "Smsbox", entity: "Sms", action: "CallbackStop", body: `{"numero":"33699999999"}`})
	if m := e.wait(t, a.MessageID); m.Status != "failed" || m.Attempts != 1 || !strings.Contains(m.Reason, "+33699999999") {
		t.Errorf("STOP from an unknown number = %+v, want failed at once naming the number", m)
	}
}

func TestMailjetEmailCallback(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	bob := e.withPhone(t, "bob@example.com", "0611111111")
	ann := e.withPhone(t, "ann@example.com", "0622222222")
	ev := func(event, email, id, extra string) string {
		return fmt.Sprintf(`{"event":%q,"time":1773500000,"MessageID":%s,"Message_GUID":"1ab23cd4-e567-8901-2345-6789f0gh1i2j","email":%q,`+
			`"mj_campaign_id":0,"mj_contact_id":0,"customcampaign":"","CustomID":"","Payload":""%s}`, event, id, email, extra)
	}
	e.accept(t, call{platform: "Mailjet", entity: "email", action: "Callback", body: ev("sent", "bob@example.com", "19421777835146490", `,"mj_message_id":"19421777835146490","smtp_reply":"sent (250 2.0.0 OK)"`)})
	// Mailjet's grouped events: an array, with BatchMode.
	batch := "[" + strings.Join([]string{
		ev("open", "bob@example.com", "19421777835146490", `,"ip":"127.0.0.1","geo":"FR","agent":"Mozilla/5.0"`),
		ev("click", "bob@example.com", "19421777835146490", `,"url":"https://fts-services.com/offre","ip":"127.0.0.1","geo":"FR","agent":"Mozilla/5.0"`),
		ev("unsub", "bob@example.com", "19421777835146490", `,"mj_list_id":1,"ip":"127.0.0.1","geo":"FR","agent":"Mozilla/5.0"`),
		ev("bounce", "ann@example.com", "19421777835146491", `,"blocked":false,"hard_bounce":true,"error_related_to":"recipient","error":"user unknown"`),
		ev("spam", "carl@example.com", "19421777835146492", `,"source":"JMRPP"`),
	}, ",") + "]"
	e.accept(t, call{platform: "Mailjet", entity: "email", action: "Callback", body: batch, params: map[string]string{"BatchMode": "true"}})

	m := e.message(t, "email", "19421777835146490")
	if m.Status != "unsubscribed" || m.ContactID != bob.ID || len(m.Events) != 4 || m.Events[2].Detail != "https://fts-services.com/offre" || m.Events[0].Detail != "sent (250 2.0.0 OK)" {
		t.Errorf("bob's message = %+v, want sent, open, click, unsub", m)
	}
	if m := e.message(t, "email", "19421777835146491"); m.Status != "bounced" || !m.Events[0].Hard || m.Reason != "recipient: user unknown" {
		t.Errorf("ann's message = %+v, want a hard bounce", m)
	}
	if m := e.message(t, "email", "19421777835146492"); m.Status != "spam" || m.ContactID != 0 {
		t.Errorf("carl's message = %+v, want spam without a contact", m)
	}
	if c := e.contact(t, "bob@example.com"); c.EmailConsent != "withdrawn" {
		t.Errorf("bob's e-mail consent after unsub = %q", c.EmailConsent)
	}
	if c := e.contact(t, "ann@example.com"); c.EmailConsent != "bounced" || c.ID != ann.ID {
		t.Errorf("ann's e-mail consent after a hard bounce = %q", c.EmailConsent)
	}
	e.rcv.Wait(t, "message.created", "message.created", "message.created", "message.changed", "message.changed", "message.changed", "contact.changed", "contact.changed")
	// One message.changed per event of the batch, each with the message as it then was; the last is the message now.
	var statuses []string
	for _, ev := range e.rcv.All("message.changed") {
		var m messageJSON
		mustDecode(t, ev.Data, &m)
		statuses = append(statuses, m.Status)
		if m.Status == "unsubscribed" {
			e.sameAsAPI(t, ev, fmt.Sprintf("/v1/messages/%d", m.ID))
		}
	}
	slices.Sort(statuses)
	if !slices.Equal(statuses, []string{"clicked", "opened", "unsubscribed"}) {
		t.Errorf("message.changed statuses = %v, want opened, clicked, unsubscribed", statuses)
	}
}

func TestCrm360SmsSend(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	c := e.withPhone(t, "nicolas@example.com", "06 00 00 00 00")
	e.accept(t, call{platform: "Crm360", entity: "Sms", action: "Send", body: testdata(t, "crm360_sms.json"), params: map[string]string{"ZoneId": "7"}})
	got := e.rcv.Wait(t, "message.created", "message.changed") // queued, then handed to the default provider
	var m messageJSON
	mustDecode(t, got["message.changed"].Data, &m)
	e.sameAsAPI(t, got["message.changed"], fmt.Sprintf("/v1/messages/%d", m.ID))
	if m.Status != "logged" || m.Channel != "sms" || m.To != "+33600000000" || m.From != "CRM360" || m.Text != "Mon SMS" ||
		m.ContactID != c.ID || m.ZoneID != 7 || m.Provider != "log" || !strings.Contains(string(m.Data), `"Crm360EventCategoryId":"1"`) {
		t.Errorf("sent SMS = %+v", m)
	}
	var queued []messageJSON
	if e.list(t, "/v1/messages?status=queued", &queued); len(queued) != 0 {
		t.Errorf("the outbox still holds %+v", queued)
	}

	// After STOP, an SMS to the contact is blocked and never sent.
	e.accept(t, call{platform: "Smsbox", entity: "Sms", action: "CallbackStop", body: `{"numero":"0600000000"}`})
	e.accept(t, call{platform: "Crm360", entity: "Sms", action: "Send", body: testdata(t, "crm360_sms.json")})
	var blocked []messageJSON
	if e.list(t, "/v1/messages?status=blocked", &blocked); len(blocked) != 1 || !strings.Contains(blocked[0].Reason, "withdrawn") {
		t.Errorf("blocked SMS = %+v, want one that says the consent was withdrawn", blocked)
	}
}

func TestCrm360EmailSend(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	e.accept(t, call{platform: "Crm360", entity: "Email", action: "Send", body: testdata(t, "crm360_email.json")})
	got := e.smtp.WaitFor(t, 1, hookhubtest.WaitTimeout)[0]
	if got.From != "contact@fts-services.com" || len(got.To) != 1 || got.To[0] != "ndestroye@fts-services.com" {
		t.Errorf("envelope from %q to %v", got.From, got.To)
	}
	if got.Subject != "Bonjour Nicolas" || got.Text != "Bonjour Nicolas" || got.HTML != "<p>Bonjour Nicolas Destroye &amp; Fils</p>" {
		t.Errorf("e-mail %q: text %q, HTML %q", got.Subject, got.Text, got.HTML)
	}
	if from, reply := got.Header.Get("From"), got.Header.Get("Reply-To"); from != `"CRM360" <contact@fts-services.com>` || reply != "support@fts-services.Com" {
		t.Errorf("From %q, Reply-To %q", from, reply)
	}
	evs := e.rcv.Wait(t, "message.created")
	var m messageJSON
	mustDecode(t, evs["message.created"].Data, &m)
	if m.Channel != "email" || m.Subject != "Bonjour Nicolas" || m.MailID == 0 {
		t.Errorf("message.created = %s", evs["message.created"].Data)
	}
	// The message follows its mail: sent once the SMTP server took it.
	for deadline := time.Now().Add(hookhubtest.WaitTimeout); ; time.Sleep(10 * time.Millisecond) {
		var now messageJSON
		if e.must(t, e.token, "GET", fmt.Sprintf("/v1/messages/%d", m.ID), nil, 200, &now); now.Status == "sent" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("e-mail message is still %+v", m)
		}
	}

	// A variable the template uses but VariablePersoJson lacks is refused at once.
	a := e.queue(t, call{platform: "Crm360", entity: "Email", action: "Send", body: strings.Replace(testdata(t, "crm360_email.json"), `"Prenom": "Nicolas",`, "", 1)})
	if a.status != 400 || len(a.Errors) == 0 || a.Errors[0].Field != "VariablePersoJson" || !strings.Contains(a.Errors[0].Message, "Prenom") {
		t.Errorf("missing variable = %d %s", a.status, a.raw)
	}
}

func TestCaptainWalletLoyaltyCardSendUpdate(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	e.accept(t, call{platform: "CaptainWallet", entity: "LoyaltyCard", action: "SendUpdate", body: `{ "LoyaltyCardId": "12345" }`})
	got := e.rcv.Wait(t, "message.created", "message.changed")
	var created, sent messageJSON
	mustDecode(t, got["message.created"].Data, &created)
	mustDecode(t, got["message.changed"].Data, &sent)
	if created.Channel != "wallet" || created.Status != "queued" || created.To != "12345" || created.Provider != "captainwallet" ||
		!sameJSON(created.Data, []byte(`{"LoyaltyCardId":"12345"}`)) {
		t.Errorf("message.created = %s", got["message.created"].Data)
	}
	if sent.ID != created.ID || sent.Status != "logged" {
		t.Errorf("message.changed = %s, want the update handed to the (logging) wallet provider", got["message.changed"].Data)
	}
}
