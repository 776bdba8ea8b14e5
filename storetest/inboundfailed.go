package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
)

// testInboundTried lists the messages the queue's workers tried, across
// a tenant's integrations: the failed ones among them are those accepted
// and then failed, which their senders do not know of. A request refused
// at once (never tried) is not among them, nor another tenant's.
func testInboundTried(t *testing.T, s Store) {
	ctx := t.Context()
	ten := newTenant(t, s)
	shop := newIntegration(t, s, ten.ID, "crm360-shopify", "shop")
	elfy := newIntegration(t, s, ten.ID, "crm360-elfy76310", "elfy")
	refused := receive(t, s, shop, now, hookhub.InboundFailed) // answered 422, never queued
	fail := func(in *hookhub.Integration, reason string) *hookhub.InboundMessage {
		t.Helper()
		m := &hookhub.InboundMessage{TenantID: in.TenantID, IntegrationID: in.ID, Kind: in.Kind, Method: "POST", Body: []byte(`{"ContactId": 9}`),
			ReceivedAt: now, Status: hookhub.InboundQueued, RunAt: now, Answer: 200}
		if err := s.CreateInboundMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
		cs, err := s.ClaimInboundMessages(ctx, now, 1, lease)
		if err != nil || len(cs) != 1 || cs[0].ID != m.ID {
			t.Fatalf("claim = %v, %v", cs, err)
		}
		o := hookhub.InboundOutcome{Status: hookhub.InboundFailed, Reason: reason, Try: 1}
		if err := s.FinishInboundMessage(ctx, in.TenantID, m.ID, o, now.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		return m
	}
	a := fail(shop, "invalid request: email: is required")
	b := fail(elfy, "contact 9 not found")
	other := newTenant(t, s)
	fail(newIntegration(t, s, other.ID, "crm360-shopify", "theirs"), "theirs")

	got, err := s.ListInboundMessages(ctx, ten.ID, hookhub.InboundFilter{Status: hookhub.InboundFailed, Tried: true})
	if err != nil {
		t.Fatal(err)
	}
	var listed []int64
	for _, m := range got {
		listed = append(listed, m.ID)
	}
	if !slices.Equal(listed, []int64{b.ID, a.ID}) {
		t.Fatalf("failed after a try = %v, want %d and %d, newest first (not the refused %d)", listed, b.ID, a.ID, refused.ID)
	}
	if m := got[0]; m.Reason != "contact 9 not found" || string(m.Body) != `{"ContactId": 9}` || m.Attempts != 1 || m.IntegrationID != elfy.ID {
		t.Errorf("listed message = %+v", m)
	}
	all, err := s.ListInboundMessages(ctx, ten.ID, hookhub.InboundFilter{Status: hookhub.InboundFailed})
	if err != nil || len(all) != 3 {
		t.Errorf("every failed message = %d, %v; want 3 with the refused one", len(all), err)
	}
}

// testPanicInTransaction leaves no transaction open when code inside one
// panics (a bug a message's data reaches): the store takes writes after,
// and nothing of the panicked change was written. A worker recovers such
// a panic and records the message failed, with a write of its own.
func testPanicInTransaction(t *testing.T, s Store) {
	ten := newTenant(t, s)
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("an operation without its contact did not panic; the test needs another way to panic in a transaction")
			}
		}()
		ch := &crm.CRMChange{TenantID: ten.ID, Ops: []crm.CRMOp{
			{Kind: crm.OpSaveContact, Contact: &crm.Contact{Email: "first@example.com"}},
			{Kind: crm.OpSaveContact}, // no contact: the applier dereferences it
		}}
		s.ApplyCRM(t.Context(), now, ch) //nolint:errcheck // it panics
	}()
	// Bounded, so that a transaction left open fails the test instead of
	// hanging it: SQLite has one writer.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if err := s.CreateTenant(ctx, &hookhub.Tenant{ID: hookhub.NewID("ten"), Name: "after", CreatedAt: now}); err != nil {
		t.Fatalf("a write after the panic: %v", err)
	}
	if cs, err := s.ListContacts(ctx, ten.ID, crm.ContactFilter{}); err != nil || len(cs) != 0 {
		t.Errorf("contacts after the panicked change = %d, %v; want none", len(cs), err)
	}
}
