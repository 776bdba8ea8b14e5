package storetest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
)

// testChangeContacts checks contacts saved by a source's id for them: the
// ref made, a new e-mail address taken, deletion by ref, attribution, and
// the message marked done in the same transaction, fenced by its try.
func testChangeContacts(t *testing.T, s Store) {
	ctx := t.Context()
	b := crmSetup(t, s)

	c := customer("bob@example.com", "Bob")
	c.ZoneID, c.BrandID, c.AddressTypeID, c.EmailConsent = 2, 3, 4, crm.ConsentGranted
	res := b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveContact, Ref: "706405506930370084", Contact: c})
	wantTypes(t, "a new customer", b.eventTypes(t, s, res), crm.EventContactCreated)
	id := res.Effects[0].ID
	got := getContact(t, s, b.tenant.ID, id)
	if got.ZoneID != 2 || got.BrandID != 3 || got.AddressTypeID != 4 || got.EmailConsent != crm.ConsentGranted || got.IntegrationID != b.in.ID {
		t.Errorf("contact = %+v, want zone 2, brand 3, address type 4, consent granted", got)
	}

	// The same customer id with a new address: the contact's address changes.
	res = b.apply(t, s, now.Add(time.Minute), crm.CRMOp{Kind: crm.OpSaveContact, Ref: "706405506930370084", Contact: customer("Robert@example.com", "Robert")})
	if e := res.Effects[0]; e.ID != id || e.Created || !slices.Equal(e.Changed, []string{"email", "first_name"}) {
		t.Errorf("save by ref with a new address = %+v, want contact %d with email and first_name changed", e, id)
	}
	wantTypes(t, "a changed customer", b.eventTypes(t, s, res), crm.EventContactChanged)
	if got := getContact(t, s, b.tenant.ID, id); got.Email != "Robert@example.com" {
		t.Errorf("e-mail = %q, want the new one", got.Email)
	}
	// A new address that another contact has: that contact is the customer now.
	other := b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveContact, Contact: customer("alice@example.com", "Alice")}).Effects[0].ID
	res = b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveContact, Ref: "706405506930370084", Contact: customer("ALICE@example.com", "Alice")})
	if e := res.Effects[0]; e.ID != other || e.Created {
		t.Errorf("save by ref with another contact's address = %+v, want contact %d", e, other)
	}

	// Deleted by ref: gone, with an event; the ref now names nothing.
	res = b.apply(t, s, now, crm.CRMOp{Kind: crm.OpDeleteContact, Ref: "706405506930370084"})
	if e := res.Effects[0]; e.ID != other || !e.Deleted {
		t.Errorf("delete by ref = %+v, want contact %d deleted", e, other)
	}
	wantTypes(t, "a deleted customer", b.eventTypes(t, s, res), crm.EventContactDeleted)
	_, err := s.GetContact(ctx, b.tenant.ID, other)
	wantCode(t, "GetContact(deleted)", err, hookhub.ENOTFOUND)
	res = b.apply(t, s, now, crm.CRMOp{Kind: crm.OpDeleteContact, Ref: "706405506930370084"})
	if len(res.Events) != 0 || res.Effects[0].Deleted {
		t.Errorf("delete of an unknown ref = %+v, want nothing", res)
	}

	t.Run("MessageDone", func(t *testing.T) {
		in := b.in
		m := &hookhub.InboundMessage{TenantID: in.TenantID, IntegrationID: in.ID, Kind: in.Kind, Method: "POST", ReceivedAt: now, Status: hookhub.InboundQueued}
		if err := s.QueueInboundMessage(ctx, m, nil); err != nil {
			t.Fatal(err)
		}
		claimed := claimInbound(t, s, now, 10)
		if len(claimed) != 1 {
			t.Fatalf("claimed %d", len(claimed))
		}
		ch := &crm.CRMChange{TenantID: b.tenant.ID, IntegrationID: in.ID, MessageID: m.ID, MessageTry: claimed[0].Attempts + 1,
			Ops: []crm.CRMOp{{Kind: crm.OpSaveContact, Contact: customer("stale@example.com", "Stale")}}}
		_, err := s.ApplyCRM(ctx, now, ch)
		wantCode(t, "ApplyCRM(stale try)", err, hookhub.ECONFLICT)
		if cs, _ := s.ListContacts(ctx, b.tenant.ID, crm.ContactFilter{Email: "stale@example.com"}); len(cs) != 0 {
			t.Errorf("a stale claim's change was applied")
		}
		ch.MessageTry = claimed[0].Attempts
		if _, err := s.ApplyCRM(ctx, now, ch); err != nil {
			t.Fatalf("ApplyCRM(current try): %v", err)
		}
		if got, _ := s.GetInboundMessage(ctx, b.tenant.ID, m.ID); got.Status != hookhub.InboundDone {
			t.Errorf("message = %s, want done", got.Status)
		}
	})
}

// testChangeShop checks products and orders: created, updated with their
// changed fields, deleted, each with its event, and a batch that fails
// applying none of its operations.
func testChangeShop(t *testing.T, s Store) {
	ctx := t.Context()
	b := crmSetup(t, s)
	p := &crm.Product{ExternalID: "632910392", Title: "IPod Nano - 8GB", Vendor: "Apple", Type: "Cult Products", Handle: "ipod-nano",
		Status: "active", Tags: []string{"Emotive", "Flash Memory"},
		Variants: []crm.ProductVariant{{ExternalID: "808950810", Title: "Pink", SKU: "IPOD2008PINK", Price: "199.00"}}, BrandID: 7}
	res := b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveProduct, Product: p})
	wantTypes(t, "a new product", b.eventTypes(t, s, res), crm.EventProductCreated)
	pid := res.Effects[0].ID
	got, err := s.GetProduct(ctx, b.tenant.ID, pid)
	if err != nil || got.Title != p.Title || !slices.Equal(got.Tags, p.Tags) || len(got.Variants) != 1 || got.Variants[0].Price != "199.00" ||
		got.BrandID != 7 || got.IntegrationID != b.in.ID || !sameTime(got.CreatedAt, now) {
		t.Fatalf("GetProduct = %+v, %v", got, err)
	}
	p2 := *p
	p2.Title, p2.Variants = "IPod Nano - 16GB", []crm.ProductVariant{{ExternalID: "808950810", Title: "Pink", SKU: "IPOD2008PINK", Price: "199"}}
	res = b.apply(t, s, now.Add(time.Minute), crm.CRMOp{Kind: crm.OpSaveProduct, Product: &p2})
	if e := res.Effects[0]; e.ID != pid || e.Created || !slices.Equal(e.Changed, []string{"title"}) {
		t.Errorf("product again = %+v, want only its title changed (199 and 199.00 are one price)", e)
	}
	wantTypes(t, "a changed product", b.eventTypes(t, s, res), crm.EventProductChanged)

	o := &crm.Order{ExternalID: "450789469", Type: crm.OrderSuccess, UserID: "115310627314723954", Date: now.Add(-time.Hour),
		Total: "598.94", Taxes: "11.94", Shipping: "10", Currency: "EUR", Store: "paris-1",
		Items: []crm.OrderItem{{Name: "IPod Nano - 8GB", Title: "IPod Nano - 8GB - Pink", Quantity: "1", Price: "199"}}}
	res = b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveOrder, Ref: "115310627314723954", Contact: customer("bob@example.com", "Bob"), Order: o})
	wantTypes(t, "a new order of a new customer", b.eventTypes(t, s, res), crm.EventContactCreated, crm.EventOrderCreated)
	oid := res.Effects[1].ID
	order, err := s.GetOrder(ctx, b.tenant.ID, oid)
	if err != nil || order.Currency != "EUR" || order.Store != "paris-1" || order.ContactID != res.Effects[0].ID || order.Total != "598.94" {
		t.Fatalf("GetOrder = %+v, %v", order, err)
	}
	o2 := *o
	o2.Type = crm.OrderRefund
	res = b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveOrder, Ref: "115310627314723954", Contact: customer("bob@example.com", "Bob"), Order: &o2})
	wantTypes(t, "a refunded order", b.eventTypes(t, s, res), crm.EventOrderChanged)

	// A deleted customer's orders stay, as records of what was sold, but no
	// longer point at the contact.
	keep := b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveOrder, Ref: "207119551", Contact: customer("carol@example.com", "Carol"),
		Order: &crm.Order{ExternalID: "450789470", Type: crm.OrderSuccess, Date: now, Total: "10", Currency: "EUR"}})
	b.apply(t, s, now, crm.CRMOp{Kind: crm.OpDeleteContact, Ref: "207119551"})
	if kept, err := s.GetOrder(ctx, b.tenant.ID, keep.Effects[1].ID); err != nil || kept.ContactID != 0 {
		t.Errorf("order of a deleted contact = %+v, %v; want it kept with contact_id 0", kept, err)
	}

	// A batch whose last operation breaks: nothing of it stays.
	before, _ := s.ListEvents(ctx, b.tenant.ID, hookhub.EventFilter{Page: hookhub.Page{Limit: 500}})
	_, err = b.try(t, s, now,
		crm.CRMOp{Kind: crm.OpDeleteOrder, Ref: "450789469"},
		crm.CRMOp{Kind: crm.OpStandardize, Select: crm.ContactSelector{ID: 1 << 40}})
	wantCode(t, "ApplyCRM(batch with an unknown contact)", err, hookhub.ENOTFOUND)
	if err == nil || !strings.HasPrefix(hookhub.ErrorMessage(err), "[1]: ") {
		t.Errorf("batch error %q, want it to name operation [1]", hookhub.ErrorMessage(err))
	}
	if _, err := s.GetOrder(ctx, b.tenant.ID, oid); err != nil {
		t.Errorf("order after a failed batch: %v, want it kept", err)
	}
	after, _ := s.ListEvents(ctx, b.tenant.ID, hookhub.EventFilter{Page: hookhub.Page{Limit: 500}})
	if len(after) != len(before) {
		t.Errorf("a failed batch raised %d events", len(after)-len(before))
	}

	res = b.apply(t, s, now, crm.CRMOp{Kind: crm.OpDeleteOrder, Ref: "450789469"}, crm.CRMOp{Kind: crm.OpDeleteProduct, Ref: "632910392"})
	wantTypes(t, "deletions", b.eventTypes(t, s, res), crm.EventOrderDeleted, crm.EventProductDeleted)
	_, err = s.GetOrder(ctx, b.tenant.ID, oid)
	wantCode(t, "GetOrder(deleted)", err, hookhub.ENOTFOUND)
	_, err = s.GetProduct(ctx, b.tenant.ID, pid)
	wantCode(t, "GetProduct(deleted)", err, hookhub.ENOTFOUND)

	t.Run("List", func(t *testing.T) {
		var ids []int64
		for i := range 3 {
			p := &crm.Product{ExternalID: "p" + string(rune('a'+i)), Title: "P"}
			ids = append(ids, b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveProduct, Product: p}).Effects[0].ID)
		}
		list, err := s.ListProducts(ctx, b.tenant.ID, crm.ProductFilter{Page: hookhub.Page{Limit: 2}})
		if err != nil || len(list) != 2 || list[0].ID != ids[2] || list[1].ID != ids[1] {
			t.Errorf("ListProducts(limit 2) = %v, %v; want the newest two of %v", list, err, ids)
		}
		list, _ = s.ListProducts(ctx, b.tenant.ID, crm.ProductFilter{ExternalID: "pb"})
		if len(list) != 1 || list[0].ID != ids[1] {
			t.Errorf("ListProducts(external id) = %v", list)
		}
	})
}

// testChangeTickets checks tickets linked to their requester and
// activities of a contact.
func testChangeTickets(t *testing.T, s Store) {
	ctx := t.Context()
	b := crmSetup(t, s)
	tk := &crm.Ticket{ExternalID: "35436", Title: "Printer on fire", Status: "open", Type: "incident", Via: "web form",
		Link: "https://acme.zendesk.com/agent/tickets/35436", Comments: "It smokes."}
	res := b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveTicket, Contact: customer("req@example.com", "Req"), Ticket: tk})
	wantTypes(t, "a new ticket", b.eventTypes(t, s, res), crm.EventContactCreated, crm.EventTicketCreated)
	cid, tid := res.Effects[0].ID, res.Effects[1].ID
	got, err := s.GetTicket(ctx, b.tenant.ID, tid)
	if err != nil || got.ContactID != cid || got.Title != tk.Title || got.Link != tk.Link || got.Comments != tk.Comments {
		t.Fatalf("GetTicket = %+v, %v", got, err)
	}
	tk2 := *tk
	tk2.Status, tk2.Comments = "solved", "It smokes.\nFixed."
	res = b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveTicket, Contact: customer("req@example.com", "Req"), Ticket: &tk2})
	if e := res.Effects[1]; e.ID != tid || !slices.Equal(e.Changed, []string{"status", "comments"}) {
		t.Errorf("ticket again = %+v", e)
	}
	wantTypes(t, "a changed ticket", b.eventTypes(t, s, res), crm.EventTicketChanged)
	if list, _ := s.ListTickets(ctx, b.tenant.ID, crm.TicketFilter{ContactID: cid, Status: "solved"}); len(list) != 1 {
		t.Errorf("ListTickets(contact, solved) = %d", len(list))
	}

	act := &crm.Activity{Type: crm.ActivityParticipation, Data: json.RawMessage(`{"game_id":"g-12","score":120}`), OccurredAt: now.Add(-time.Hour)}
	res = b.apply(t, s, now, crm.CRMOp{Kind: crm.OpAddActivity, Contact: customer("req@example.com", "Req"), Activity: act})
	wantTypes(t, "a participation", b.eventTypes(t, s, res), crm.EventActivityCreated)
	acts, err := s.ListActivities(ctx, b.tenant.ID, crm.ActivityFilter{ContactID: cid})
	if err != nil || len(acts) != 1 || acts[0].Type != crm.ActivityParticipation || !sameJSON(acts[0].Data, act.Data) || !sameTime(acts[0].OccurredAt, now.Add(-time.Hour)) {
		t.Errorf("ListActivities = %+v, %v", acts, err)
	}
}

// testChangeMessages checks reports from providers (status moving on,
// consent), opt-outs, and messages sent: queued, blocked by consent, the
// outbox claimed and finished, e-mails through the mail outbox.
func testChangeMessages(t *testing.T, s Store) {
	ctx := t.Context()
	b := crmSetup(t, s)
	cid := b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveContact, Contact: customer("bob@example.com", "Bob")}).Effects[0].ID

	report := func(typ string, status crm.MessageStatus, hard bool) *crm.CRMResult {
		return b.apply(t, s, now, crm.CRMOp{Kind: crm.OpReport, Report: &crm.MessageReport{
			Channel: crm.ChannelEmail, Provider: "mailjet", ProviderID: "19421777835146490", To: "BOB@example.com",
			Event: crm.MessageEvent{Type: typ, Status: status, At: now, Hard: hard}}})
	}
	res := report("sent", crm.MessageSent, false)
	wantTypes(t, "the first report", b.eventTypes(t, s, res), crm.EventMessageCreated)
	mid := res.Effects[0].ID
	report("open", crm.MessageOpened, false)
	res = report("sent", crm.MessageSent, false) // late
	if e := res.Effects[0]; e.ID != mid || !slices.Equal(e.Changed, []string{"events"}) {
		t.Errorf("a late report = %+v, want only events changed", e)
	}
	m, err := s.GetMessage(ctx, b.tenant.ID, mid)
	if err != nil || m.Status != crm.MessageOpened || len(m.Events) != 3 || m.ContactID != cid || m.Channel != crm.ChannelEmail {
		t.Fatalf("GetMessage = %+v, %v; want opened, 3 events, contact %d", m, err, cid)
	}
	res = report("bounce", crm.MessageBounced, true)
	wantTypes(t, "a hard bounce", b.eventTypes(t, s, res), crm.EventMessageChanged, crm.EventContactChanged)
	if c := getContact(t, s, b.tenant.ID, cid); c.EmailConsent != crm.ConsentBounced {
		t.Errorf("consent after a hard bounce = %q", c.EmailConsent)
	}

	// An SMS to the contact's number, written otherwise, is theirs; STOP withdraws their SMS consent.
	sms := &crm.Message{Channel: crm.ChannelSMS, Provider: "log", To: "+33612345678", From: "CRM360", Text: "Mon SMS", Data: json.RawMessage(`{"Crm360EventChannelId":"1"}`)}
	res = b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSend, Message: sms})
	wantTypes(t, "an SMS queued", b.eventTypes(t, s, res), crm.EventMessageCreated)
	smsID := res.Effects[0].ID
	if m, _ := s.GetMessage(ctx, b.tenant.ID, smsID); m.Status != crm.MessageQueued || m.ContactID != cid || !sameJSON(m.Data, sms.Data) {
		t.Errorf("queued SMS = %+v", m)
	}
	res = b.apply(t, s, now, crm.CRMOp{Kind: crm.OpOptOut, OptOut: &crm.OptOut{Channel: crm.ChannelSMS, Address: "+33612345678"}})
	wantTypes(t, "STOP", b.eventTypes(t, s, res), crm.EventContactChanged)
	if c := getContact(t, s, b.tenant.ID, cid); c.SMSConsent != crm.ConsentWithdrawn {
		t.Errorf("SMS consent after STOP = %q", c.SMSConsent)
	}
	_, err = b.try(t, s, now, crm.CRMOp{Kind: crm.OpOptOut, OptOut: &crm.OptOut{Channel: crm.ChannelSMS, Address: "+33699999999"}})
	wantCode(t, "STOP from an unknown number", err, hookhub.ENOTFOUND)
	res = b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSend, Message: &crm.Message{Channel: crm.ChannelSMS, To: "+33612345678", Text: "again"}})
	if m, _ := s.GetMessage(ctx, b.tenant.ID, res.Effects[0].ID); m.Status != crm.MessageBlocked || m.Reason == "" {
		t.Errorf("SMS after STOP = %+v, want blocked with a reason", m)
	}

	// The outbox: only the queued SMS and wallet updates, fenced by try.
	wallet := &crm.Message{Channel: crm.ChannelWallet, Provider: "captainwallet", To: "12345", Data: json.RawMessage(`{"LoyaltyCardId":"12345"}`)}
	walletID := b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSend, Message: wallet}).Effects[0].ID
	claimed, err := s.ClaimOutbox(ctx, now, 10, lease)
	if err != nil || !slices.Equal(ids(claimed, messageID), sorted(smsID, walletID)) {
		t.Fatalf("ClaimOutbox = %v, %v; want %v", ids(claimed, messageID), err, sorted(smsID, walletID))
	}
	if again, _ := s.ClaimOutbox(ctx, now.Add(time.Second), 10, lease); len(again) != 0 {
		t.Errorf("claimed again during the lease: %v", ids(again, messageID))
	}
	sent := crm.OutboxOutcome{Status: crm.MessageSent, ProviderID: "sms-777", Try: 2}
	wantCode(t, "FinishOutbox(stale try)", s.FinishOutbox(ctx, now, b.tenant.ID, smsID, sent), hookhub.ECONFLICT)
	sent.Try = 1
	if err := s.FinishOutbox(ctx, now.Add(time.Second), b.tenant.ID, smsID, sent); err != nil {
		t.Fatalf("FinishOutbox: %v", err)
	}
	if m, _ := s.GetMessage(ctx, b.tenant.ID, smsID); m.Status != crm.MessageSent || m.ProviderID != "sms-777" || !sameTime(m.SentAt, now.Add(time.Second)) {
		t.Errorf("sent SMS = %+v", m)
	}
	changed, _ := s.ListEvents(ctx, b.tenant.ID, hookhub.EventFilter{Type: crm.EventMessageChanged})
	if len(changed) == 0 || changed[0].EntityID != jsonOf(smsID) {
		t.Errorf("no message.changed for the sent SMS")
	}
	retryAt := now.Add(time.Hour)
	if err := s.FinishOutbox(ctx, now, b.tenant.ID, walletID, crm.OutboxOutcome{Status: crm.MessageQueued, Error: "provider away", RetryAt: retryAt, Try: 1}); err != nil {
		t.Fatalf("FinishOutbox(retry): %v", err)
	}
	if got, _ := s.ClaimOutbox(ctx, retryAt.Add(-time.Millisecond), 10, lease); len(got) != 0 {
		t.Errorf("claimed before the retry")
	}
	if got, _ := s.ClaimOutbox(ctx, retryAt, 10, lease); len(got) != 1 || got[0].ID != walletID || got[0].Attempts != 2 || got[0].Reason != "provider away" {
		t.Errorf("claim at the retry = %+v", got)
	}

	// An e-mail goes through the mail outbox with its sender, Reply-To and HTML; its message follows the mail.
	email := &crm.Message{Channel: crm.ChannelEmail, To: "carol@example.com", From: "CRM360 <contact@example.com>", Subject: "Bonjour Carol", Text: "Bonjour Carol"}
	mail := &hookhub.Mail{From: email.From, ReplyTo: "support@example.com", To: email.To, Subject: email.Subject, Text: email.Text, HTML: "<p>Bonjour Carol</p>"}
	eid := b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSend, Message: email, Mail: mail}).Effects[0].ID
	em, _ := s.GetMessage(ctx, b.tenant.ID, eid)
	mails, _ := s.ListMail(ctx, b.tenant.ID, hookhub.Page{})
	if em.MailID == 0 || len(mails) != 1 || mails[0].ID != em.MailID || mails[0].HTML != mail.HTML || mails[0].From != mail.From ||
		mails[0].ReplyTo != mail.ReplyTo || mails[0].Kind != hookhub.MailMessage {
		t.Fatalf("e-mail message %+v, mail %+v", em, mails)
	}
	claimedMail, err := s.ClaimMail(ctx, now, 10, lease)
	if err != nil || len(claimedMail) != 1 || claimedMail[0].HTML != mail.HTML || claimedMail[0].ReplyTo != mail.ReplyTo {
		t.Fatalf("ClaimMail = %+v, %v", claimedMail, err)
	}
	if err := s.FinishMail(ctx, em.MailID, hookhub.MailSent, "", now, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if em, _ := s.GetMessage(ctx, b.tenant.ID, eid); em.Status != crm.MessageSent || em.SentAt.IsZero() {
		t.Errorf("e-mail message after its mail was sent = %+v", em)
	}
	// An e-mail to an address that bounced is blocked: no mail.
	email.To, mail.To = "bob@example.com", "bob@example.com"
	res = b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSend, Message: email, Mail: mail})
	if m, _ := s.GetMessage(ctx, b.tenant.ID, res.Effects[0].ID); m.Status != crm.MessageBlocked || m.MailID != 0 {
		t.Errorf("e-mail to a bounced address = %+v, want blocked without mail", m)
	}
	if mails, _ := s.ListMail(ctx, b.tenant.ID, hookhub.Page{}); len(mails) != 1 {
		t.Errorf("mails = %d, want still 1", len(mails))
	}
	if list, _ := s.ListMessages(ctx, b.tenant.ID, crm.MessageFilter{Channel: crm.ChannelSMS, Status: crm.MessageBlocked}); len(list) != 1 {
		t.Errorf("ListMessages(sms, blocked) = %d, want 1", len(list))
	}
}

func messageID(m *crm.Message) int64 { return m.ID }

// testChangeStandardizeDedup checks address standardisation and the
// merging of duplicates, which keeps their records and history.
func testChangeStandardizeDedup(t *testing.T, s Store) {
	ctx := t.Context()
	b := crmSetup(t, s)
	c := customer("john.doe@gmail.com", "John")
	c.BillingAddress = &crm.Address{Line1: " 12, rue de l'Église ", City: "Saint-Étienne", ZipCode: "4200", Country: "France"}
	keep := b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveContact, Contact: c}).Effects[0].ID
	res := b.apply(t, s, now, crm.CRMOp{Kind: crm.OpStandardize, Select: crm.ContactSelector{Email: "JOHN.DOE@gmail.com"}})
	wantTypes(t, "standardisation", b.eventTypes(t, s, res), crm.EventContactChanged)
	got := getContact(t, s, b.tenant.ID, keep)
	if a := got.BillingAddress; a.Line1 != "12 RUE DE L'EGLISE" || a.City != "SAINT-ETIENNE" || a.ZipCode != "04200" || a.Country != "FR" {
		t.Errorf("standardised address = %+v", a)
	}
	res = b.apply(t, s, now, crm.CRMOp{Kind: crm.OpStandardize, Select: crm.ContactSelector{ID: keep}})
	if len(res.Events) != 0 {
		t.Errorf("standardising again raised %d events", len(res.Events))
	}

	// Duplicates: the same Gmail box, and the same phone written nationally.
	d1 := customer("johndoe+shop@gmail.com", "")
	d1.SMSConsent = crm.ConsentWithdrawn
	dup1 := b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveOrder, Contact: d1,
		Order: &crm.Order{ExternalID: "o-1", Type: crm.OrderSuccess, Date: now, Total: "10"}}).Effects[0].ID
	d2 := &crm.Contact{Email: "jd@work.example", LastName: "Doe", Phone: crm.Phone{Country: "FR", Number: "+33 6 12 34 56 78"}}
	dup2 := b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveTicket, Contact: d2, Ticket: &crm.Ticket{ExternalID: "t-1", Title: "Hi"}}).Effects[0].ID
	alone := b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveContact, Contact: &crm.Contact{Email: "alone@example.com"}}).Effects[0].ID

	res = b.apply(t, s, now.Add(time.Minute), crm.CRMOp{Kind: crm.OpDedup})
	wantTypes(t, "dedup", b.eventTypes(t, s, res), crm.EventContactMerged)
	ev, err := s.GetEvent(ctx, b.tenant.ID, res.Events[0].Event.ID)
	if err != nil {
		t.Fatal(err)
	}
	var data struct {
		Contact   crm.Contact `json:"contact"`
		MergedIDs []int64     `json:"merged_ids"`
	}
	if err := json.Unmarshal(ev.Data, &data); err != nil || data.Contact.ID != keep || !slices.Equal(data.MergedIDs, []int64{dup1, dup2}) {
		t.Errorf("contact.merged data = %s (%v), want contact %d with merged ids [%d %d]", ev.Data, err, keep, dup1, dup2)
	}
	got = getContact(t, s, b.tenant.ID, keep)
	if got.Email != "john.doe@gmail.com" || got.FirstName != "John" || got.SMSConsent != crm.ConsentWithdrawn {
		t.Errorf("merged contact = %+v, want its own e-mail and name, and the duplicate's opt-out", got)
	}
	for _, id := range []int64{dup1, dup2} {
		_, err := s.GetContact(ctx, b.tenant.ID, id)
		wantCode(t, "GetContact(merged duplicate)", err, hookhub.ENOTFOUND)
	}
	if _, err := s.GetContact(ctx, b.tenant.ID, alone); err != nil {
		t.Errorf("a contact without duplicates: %v", err)
	}
	orders, _ := s.ListOrders(ctx, b.tenant.ID, crm.OrderFilter{ContactID: keep})
	tickets, _ := s.ListTickets(ctx, b.tenant.ID, crm.TicketFilter{ContactID: keep})
	merges, _ := s.ListActivities(ctx, b.tenant.ID, crm.ActivityFilter{ContactID: keep, Type: crm.ActivityMerge})
	if len(orders) != 1 || len(tickets) != 1 || len(merges) != 2 {
		t.Errorf("after the merge the contact has %d orders, %d tickets, %d merge activities; want 1, 1, 2", len(orders), len(tickets), len(merges))
	}
	var kept crm.Contact
	if len(merges) == 2 && (json.Unmarshal(merges[1].Data, &kept) != nil || kept.ID != dup1 || kept.Email != "johndoe+shop@gmail.com") {
		t.Errorf("merge activity data = %s, want duplicate %d as it was", merges[1].Data, dup1)
	}
	res = b.apply(t, s, now, crm.CRMOp{Kind: crm.OpDedup, Select: crm.ContactSelector{ID: keep}})
	if len(res.Events) != 0 {
		t.Errorf("dedup again raised %v", res.Events)
	}
}

// testChangeTenants checks that the records of changes stay within their
// tenant: another tenant's ids are not found and its lists are empty.
func testChangeTenants(t *testing.T, s Store) {
	ctx := t.Context()
	b := crmSetup(t, s)
	other := newTenant(t, s)
	res := b.apply(t, s, now,
		crm.CRMOp{Kind: crm.OpSaveProduct, Product: &crm.Product{ExternalID: "p1"}},
		crm.CRMOp{Kind: crm.OpSaveTicket, Contact: customer("a@example.com", "A"), Ticket: &crm.Ticket{ExternalID: "t1"}},
		crm.CRMOp{Kind: crm.OpSend, Message: &crm.Message{Channel: crm.ChannelWallet, To: "card-1"}},
		crm.CRMOp{Kind: crm.OpAddActivity, Contact: customer("a@example.com", "A"), Activity: &crm.Activity{Type: "participation"}},
	)
	byEntity := map[string]int64{}
	for _, e := range res.Effects {
		byEntity[e.Entity] = e.ID
	}
	_, err := s.GetProduct(ctx, other.ID, byEntity["product"])
	wantCode(t, "GetProduct(other tenant)", err, hookhub.ENOTFOUND)
	_, err = s.GetTicket(ctx, other.ID, byEntity["ticket"])
	wantCode(t, "GetTicket(other tenant)", err, hookhub.ENOTFOUND)
	_, err = s.GetMessage(ctx, other.ID, byEntity["message"])
	wantCode(t, "GetMessage(other tenant)", err, hookhub.ENOTFOUND)
	ps, _ := s.ListProducts(ctx, other.ID, crm.ProductFilter{})
	ts, _ := s.ListTickets(ctx, other.ID, crm.TicketFilter{})
	ms, _ := s.ListMessages(ctx, other.ID, crm.MessageFilter{})
	as, _ := s.ListActivities(ctx, other.ID, crm.ActivityFilter{ContactID: byEntity["contact"]})
	if len(ps)+len(ts)+len(ms)+len(as) != 0 {
		t.Errorf("another tenant lists %d products, %d tickets, %d messages, %d activities; want none", len(ps), len(ts), len(ms), len(as))
	}
	// Its changes cannot reach the first tenant's contacts, by e-mail or by id.
	theirs := &crmBundle{bundle: &bundle{tenant: other}, in: newIntegration(t, s, other.ID, "crm360-shopify", "theirs")}
	_, err = theirs.try(t, s, now, crm.CRMOp{Kind: crm.OpStandardize, Select: crm.ContactSelector{Email: "a@example.com"}})
	wantCode(t, "standardise another tenant's contact by e-mail", err, hookhub.ENOTFOUND)
	_, err = theirs.try(t, s, now, crm.CRMOp{Kind: crm.OpDedup, Select: crm.ContactSelector{ID: byEntity["contact"]}})
	wantCode(t, "dedup another tenant's contact by id", err, hookhub.ENOTFOUND)
	_, err = theirs.try(t, s, now, crm.CRMOp{Kind: crm.OpOptOut, OptOut: &crm.OptOut{Channel: crm.ChannelSMS, Address: "+33612345678"}})
	wantCode(t, "STOP of another tenant's contact", err, hookhub.ENOTFOUND)
	// The same external ids in its own integration make records of its own.
	res = theirs.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveProduct, Product: &crm.Product{ExternalID: "p1"}})
	if e := res.Effects[0]; !e.Created || e.ID == byEntity["product"] {
		t.Errorf("the other tenant's product p1 = %+v, want a new one", e)
	}
}
