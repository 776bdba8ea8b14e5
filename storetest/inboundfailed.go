package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
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
