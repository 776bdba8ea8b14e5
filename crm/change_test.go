package crm

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

func TestCRMChangeValidate(t *testing.T) {
	t.Parallel()
	good := &Contact{Email: "a@example.com"}
	for _, tt := range []struct {
		name   string
		ops    []CRMOp
		fields []string
	}{
		{"Empty", nil, []string{"ops"}},
		{"OneOp", []CRMOp{{Kind: OpSaveContact, Contact: &Contact{Email: "nope"}}}, []string{"contact.email"}},
		{"Batch", []CRMOp{
			{Kind: OpSaveContact, Contact: good},
			{Kind: OpSaveOrder, Contact: good, Order: &Order{Type: OrderSuccess, Date: time.Now(), Total: "1", Currency: "eur"}},
			{Kind: OpDeleteProduct},
		}, []string{"[1].order.external_id", "[1].order.currency", "[2].id"}},
		{"MissingRecord", []CRMOp{{Kind: OpSaveTicket, Contact: good}}, []string{"ticket"}},
		{"EmailWithoutMail", []CRMOp{{Kind: OpSend, Message: &Message{Channel: ChannelEmail, To: "a@example.com"}}}, []string{"mail"}},
		{"Report", []CRMOp{{Kind: OpReport, Report: &MessageReport{Channel: ChannelSMS, Provider: "smsbox", Event: MessageEvent{Status: "lost"}}}}, []string{"id", "report"}},
		{"UnknownKind", []CRMOp{{Kind: "explode"}}, []string{"kind"}},
		{"Valid", []CRMOp{{Kind: OpDedup}, {Kind: OpStandardize, Select: ContactSelector{ID: 1}}}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ch := &CRMChange{Ops: tt.ops}
			err := ch.Validate()
			var got []string
			if err != nil {
				for _, f := range err.(*hookhub.Error).Fields {
					got = append(got, f.Field)
				}
			}
			if !slices.Equal(got, tt.fields) {
				t.Errorf("Validate fields = %v (%v), want %v", got, err, tt.fields)
			}
		})
	}
}

func TestCRMChangePrepare(t *testing.T) {
	t.Parallel()
	ch := &CRMChange{
		Attribution: Attribution{ZoneID: 2, BrandID: 3, AddressTypeID: 4},
		Ops: []CRMOp{
			{Kind: OpSaveOrder, Contact: &Contact{Email: " a@example.com ", ZoneID: 9}, Order: &Order{Date: time.Date(2026, 1, 1, 1, 1, 1, 123456789, time.FixedZone("x", 3600))}},
			{Kind: OpSaveProduct, Product: &Product{}},
			{Kind: OpSend, Message: &Message{}},
		},
	}
	ch.Prepare()
	c, o := ch.Ops[0].Contact, ch.Ops[0].Order
	if c.Email != "a@example.com" || c.ZoneID != 2 || c.BrandID != 3 || c.AddressTypeID != 4 || o.ZoneID != 2 || o.BrandID != 3 {
		t.Errorf("contact %+v, order %+v: want the attribution set", c, o)
	}
	if o.Date.Location() != time.UTC || o.Date.Nanosecond() != 123000000 {
		t.Errorf("order date = %v, want UTC at millisecond precision", o.Date)
	}
	if ch.Ops[1].Product.BrandID != 3 || ch.Ops[2].Message.ZoneID != 2 {
		t.Errorf("product %+v, message %+v: want the attribution", ch.Ops[1].Product, ch.Ops[2].Message)
	}
	// Without attribution, the records keep their own.
	ch = &CRMChange{Ops: []CRMOp{{Kind: OpSaveContact, Contact: &Contact{ZoneID: 9}}}}
	if ch.Prepare(); ch.Ops[0].Contact.ZoneID != 9 {
		t.Errorf("zone = %d, want 9 kept", ch.Ops[0].Contact.ZoneID)
	}
}

func TestCRM360SourceValidate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		platform string
		s        CRM360Source
		field    string
	}{
		{"shopify", CRM360Source{Auth: AuthToken}, ""},
		{"shopify", CRM360Source{Auth: AuthShopify, Secret: "s"}, ""},
		{"zendesk", CRM360Source{Auth: AuthZendesk, Secret: "s"}, ""},
		{"zendesk", CRM360Source{Auth: AuthShopify, Secret: "s"}, "auth"},
		{"mailjet", CRM360Source{Auth: AuthZendesk, Secret: "s"}, "auth"},
		{"shopify", CRM360Source{Auth: AuthShopify}, "secret"},
		{"shopify", CRM360Source{Auth: AuthToken, Secret: "s"}, "secret"},
		{"shopify", CRM360Source{Auth: "none"}, "auth"},
	} {
		err := tt.s.Validate(tt.platform)
		got := ""
		if err != nil {
			got = err.(*hookhub.Error).Fields[0].Field
		}
		if got != tt.field {
			t.Errorf("Validate(%s, %+v) = %v, want a fault in %q", tt.platform, tt.s, err, tt.field)
		}
	}
}

func TestInboundCopyMail(t *testing.T) {
	t.Parallel()
	m := &hookhub.InboundMessage{
		ID: 42, TenantID: "ten_1", Kind: "crm360-shopify", Entity: "Customer", Action: "Insert", Query: "CustomerName=acme",
		Header: map[string][]string{"Authorization": {"Bearer hh_secret"}, "Content-Type": {"application/json"}},
		Body:   []byte(`{"id":1}`), ReceivedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	}
	mail := InboundCopyMail(m, "ops@example.com", m.ReceivedAt)
	if mail.To != "ops@example.com" || mail.Kind != MailInboundCopy || mail.TenantID != "ten_1" || mail.Subject != "Webhook shopify Customer Insert (message 42)" {
		t.Errorf("mail = %+v", mail)
	}
	for _, want := range []string{"message 42", "Query: CustomerName=acme", "Content-Type: application/json", "Authorization: (hidden)", `{"id":1}`} {
		if !strings.Contains(mail.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, mail.Text)
		}
	}
	if strings.Contains(mail.Text, "hh_secret") {
		t.Errorf("the copy shows the token:\n%s", mail.Text)
	}
}

func TestMessageRecord(t *testing.T) {
	t.Parallel()
	m := &Message{Status: MessageSent}
	if !m.Record(MessageEvent{Type: "open", Status: MessageOpened}) || m.Status != MessageOpened {
		t.Errorf("open: %+v", m)
	}
	if m.Record(MessageEvent{Type: "sent", Status: MessageSent}) || m.Status != MessageOpened || len(m.Events) != 2 {
		t.Errorf("a late sent: %+v, want the event kept and the status unchanged", m)
	}
	if !m.Record(MessageEvent{Type: "bounce", Status: MessageBounced, Detail: "user unknown"}) || m.Reason != "user unknown" {
		t.Errorf("bounce: %+v", m)
	}
	b, _ := json.Marshal(m.Events[0])
	if string(b) != `{"type":"open","status":"opened","at":"0001-01-01T00:00:00Z"}` {
		t.Errorf("event JSON = %s", b)
	}
}
