package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
)

// testContactsWithoutEmail: Shopify's customers may have a phone and no
// e-mail, and a point of sale's orders may have no customer at all
// (https://shopify.dev/docs/api/admin-rest/latest/resources/customer,
// https://shopify.dev/docs/api/admin-rest/latest/resources/order: "customer"
// null, "source_name" "pos"). Such contacts are known by the source's id,
// then by their phone among the contacts without an e-mail; a phone alone
// never joins a contact that has an e-mail, and a later report that gives
// the e-mail of a known contact merges the two.
func testContactsWithoutEmail(t *testing.T, s Store) {
	ctx := t.Context()
	b := crmSetup(t, s)
	phoneOnly := func(ref, first, number string) crm.CRMOp {
		return crm.CRMOp{Kind: crm.OpSaveContact, Ref: ref, Contact: &crm.Contact{FirstName: first, Phone: crm.Phone{Country: "FR", Number: number}}}
	}
	alice := b.apply(t, s, now, phoneOnly("101", "Alice", "06 11 11 11 11"))
	aliceID := alice.Effects[0].ID
	wantTypes(t, "a phone-only customer", b.eventTypes(t, s, alice), crm.EventContactCreated)
	// Two contacts without an e-mail live side by side.
	carol := b.apply(t, s, now, phoneOnly("103", "Carol", "06 33 33 33 33")).Effects[0].ID
	if carol == aliceID {
		t.Fatalf("two phone-only customers with different phones are one contact %d", carol)
	}
	// By the source's id: the same customer, whatever its phone now.
	if res := b.apply(t, s, now, phoneOnly("101", "Alicia", "06 99 99 99 99")); res.Effects[0].ID != aliceID {
		t.Errorf("the same Shopify id made contact %d, want %d", res.Effects[0].ID, aliceID)
	}
	// Without a known id, by the phone, written another way.
	if res := b.apply(t, s, now, phoneOnly("", "", "+33 6 99 99 99 99")); res.Effects[0].ID != aliceID || res.Effects[0].Created {
		t.Errorf("a phone-only report with Alice's phone made %+v, want contact %d", res.Effects[0], aliceID)
	}
	// A phone alone never joins a contact with an e-mail.
	dave := b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveContact, Contact: &crm.Contact{Email: "dave@example.com", Phone: crm.Phone{Country: "FR", Number: "06 44 44 44 44"}}}).Effects[0].ID
	if res := b.apply(t, s, now, phoneOnly("104", "D", "06 44 44 44 44")); res.Effects[0].ID == dave || !res.Effects[0].Created {
		t.Errorf("a phone-only customer with the phone of a contact with an e-mail = %+v, want a new contact", res.Effects[0])
	}

	// A later report with the id and a new e-mail: the contact takes it.
	c := &crm.Contact{Email: "alice@example.com", Phone: crm.Phone{Country: "FR", Number: "06 99 99 99 99"}}
	res := b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveContact, Ref: "101", Contact: c})
	if e := res.Effects[0]; e.ID != aliceID || len(e.Changed) == 0 || e.Changed[0] != "email" {
		t.Errorf("Alice's id with an e-mail = %+v, want contact %d's email changed", e, aliceID)
	}
	// A report of the same id without an e-mail keeps the one known.
	b.apply(t, s, now, phoneOnly("101", "Alice", "06 99 99 99 99"))
	if got := getContact(t, s, b.tenant.ID, aliceID); got.Email != "alice@example.com" || got.FirstName != "Alice" {
		t.Errorf("after a report without e-mail: %+v, want the address kept", got)
	}

	// Carol bought as a phone-only customer; her id then comes with the
	// address of a contact hookhub knows: Carol is merged into it.
	order := &crm.Order{ExternalID: "pos-1", Type: crm.OrderSuccess, Date: now, Total: "12.50"}
	b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveOrder, Ref: "103", Contact: &crm.Contact{Phone: crm.Phone{Country: "FR", Number: "06 33 33 33 33"}}, Order: order})
	known := b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveContact, Contact: &crm.Contact{Email: "carol@example.com", LastName: "King"}}).Effects[0].ID
	res = b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveContact, Ref: "103", Contact: &crm.Contact{Email: "Carol@example.com", FirstName: "Caroline"}})
	wantTypes(t, "Carol's id with a known address", b.eventTypes(t, s, res), crm.EventContactMerged, crm.EventContactChanged)
	_, err := s.GetContact(ctx, b.tenant.ID, carol)
	wantCode(t, "GetContact(merged phone-only contact)", err, hookhub.ENOTFOUND)
	got := getContact(t, s, b.tenant.ID, known)
	if got.FirstName != "Caroline" || got.LastName != "King" || crm.PhoneKey(got.Phone) != "+33633333333" {
		t.Errorf("merged contact = %+v, want both halves", got)
	}
	if os, _ := s.ListOrders(ctx, b.tenant.ID, crm.OrderFilter{ExternalID: "pos-1"}); len(os) != 1 || os[0].ContactID != known {
		t.Errorf("Carol's order after the merge = %+v, want it on contact %d", os, known)
	}
	if res := b.apply(t, s, now, phoneOnly("103", "Caro", "")); res.Effects[0].ID != known {
		t.Errorf("Carol's id after the merge made contact %d, want %d", res.Effects[0].ID, known)
	}

	// A sale at a till to nobody known: an order without a contact. A
	// later report that names the customer links it; one that names nobody
	// again keeps the link.
	anon := &crm.Order{ExternalID: "pos-2", Type: crm.OrderSuccess, Date: now, Total: "3"}
	res = b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveOrder, Order: anon})
	wantTypes(t, "an order without a customer", b.eventTypes(t, s, res), crm.EventOrderCreated)
	o, err := s.GetOrder(ctx, b.tenant.ID, res.Effects[0].ID)
	if err != nil || o.ContactID != 0 {
		t.Fatalf("order without a customer = %+v, %v; want contact_id 0", o, err)
	}
	b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveOrder, Ref: "101", Contact: &crm.Contact{}, Order: anon})
	b.apply(t, s, now, crm.CRMOp{Kind: crm.OpSaveOrder, Order: anon})
	if o, _ = s.GetOrder(ctx, b.tenant.ID, o.ID); o.ContactID != aliceID {
		t.Errorf("order after a report naming Alice, then nobody: contact %d, want %d", o.ContactID, aliceID)
	}

	// Nothing to know a contact by: refused, naming the field.
	ch := &crm.CRMChange{TenantID: b.tenant.ID, IntegrationID: b.in.ID, Ops: []crm.CRMOp{{Kind: crm.OpSaveContact, Contact: &crm.Contact{FirstName: "Nobody"}}}}
	var e *hookhub.Error
	if err := ch.Validate(); !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "contact.email" {
		t.Errorf("a contact without e-mail, id or phone: %v, want contact.email named", err)
	}
}

// testContactsWithoutEmailConcurrent: reports of one new phone-only
// customer at once (its customers/create and its first orders/create, say)
// make one contact: nothing else (no e-mail) would make them meet.
func testContactsWithoutEmailConcurrent(t *testing.T, s Store) {
	ctx := t.Context()
	b := crmSetup(t, s)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			ch := &crm.CRMChange{TenantID: b.tenant.ID, IntegrationID: b.in.ID, Ops: []crm.CRMOp{{Kind: crm.OpSaveOrder, Ref: "5001",
				Contact: &crm.Contact{FirstName: "Paula", Phone: crm.Phone{Number: fmt.Sprintf("+3365555555%d", i)}},
				Order:   &crm.Order{ExternalID: fmt.Sprint("pos-", i), Type: crm.OrderSuccess, Date: now, Total: "1"}}}}
			ch.Prepare()
			if _, err := s.ApplyCRM(ctx, now, ch); err != nil {
				t.Errorf("ApplyCRM: %v", err)
			}
		})
	}
	wg.Wait()
	cs, err := s.ListContacts(ctx, b.tenant.ID, crm.ContactFilter{})
	if err != nil || len(cs) != 1 {
		t.Fatalf("contacts = %d (%v), want 1", len(cs), err)
	}
	if os, _ := s.ListOrders(ctx, b.tenant.ID, crm.OrderFilter{ContactID: cs[0].ID}); len(os) != 8 {
		t.Errorf("orders of the contact = %d, want 8", len(os))
	}
}
