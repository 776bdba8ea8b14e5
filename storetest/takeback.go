package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

// nodes is the part of a store that names the node it claims work for.
type nodes interface {
	hookhub.LeaseTaker
	SetNode(id string)
	// OneNode reports whether only one node opens the database (SQLite):
	// then a starting node takes back every lease, not only its own.
	OneNode() bool
}

// asNode makes s claim as node id from now on, as a process started
// with that name would.
func asNode(t *testing.T, s Store, id string) nodes {
	t.Helper()
	n, ok := s.(nodes)
	if !ok {
		t.Fatalf("%T does not name its node (SetNode, TakeBack, OneNode)", s)
	}
	n.SetNode(id)
	return n
}

func takeBack(t *testing.T, n nodes, at time.Time) hookhub.TakenBack {
	t.Helper()
	got, err := n.TakeBack(t.Context(), at)
	if err != nil {
		t.Fatalf("TakeBack: %v", err)
	}
	return got
}

// testTakeBack: a node that starts again takes back at once the leases its
// earlier run held (deliveries, inbound messages, e-mails); another node's
// leases run out as before, unless the database has one node only.
func testTakeBack(t *testing.T, s Store) {
	ctx := t.Context()
	b := setup(t, s)
	publishN(t, s, now, b.tenant.ID, "contact.created", 4)
	in := newIntegration(t, s, b.tenant.ID, "crm360", "queue")
	queueInbound := func() {
		t.Helper()
		m := &hookhub.InboundMessage{TenantID: b.tenant.ID, IntegrationID: in.ID, Kind: in.Kind, Method: "POST",
			ReceivedAt: now, Status: hookhub.InboundQueued, RunAt: now, Answer: 202}
		if err := s.CreateInboundMessage(ctx, m); err != nil {
			t.Fatalf("CreateInboundMessage: %v", err)
		}
	}
	for range 3 {
		enqueue(t, s, b.tenant.ID, 0, "x", now)
	}

	// Node a takes three deliveries, an inbound message and two e-mails,
	// and sends one e-mail, which is to be tried again later; node b takes
	// the rest. Then node a is killed.
	a := asNode(t, s, "node-a")
	mineDs := claim(t, s, now, 3)
	queueInbound()
	mineIn := claimInbound(t, s, now, 10)
	mineMail := claimMail(t, s, now, 2)
	retryAt := now.Add(time.Hour)
	finishMail(t, s, mineMail[1].ID, hookhub.MailQueued, "refused", now, retryAt)
	asNode(t, s, "node-b")
	theirDs := claim(t, s, now, 10)
	queueInbound()
	theirIn := claimInbound(t, s, now, 10)
	theirMail := claimMail(t, s, now, 10)
	if len(mineDs) != 3 || len(mineIn) != 1 || len(mineMail) != 2 || len(theirDs) != 1 || len(theirIn) != 1 || len(theirMail) != 1 {
		t.Fatalf("claimed %d+%d deliveries, %d+%d inbound, %d+%d mail; want 3+1, 1+1, 2+1",
			len(mineDs), len(theirDs), len(mineIn), len(theirIn), len(mineMail), len(theirMail))
	}

	// Node a starts again, well within its leases.
	restart := now.Add(lease / 3)
	asNode(t, s, "node-a")
	got := takeBack(t, a, restart)
	want := hookhub.TakenBack{Deliveries: 3, Inbound: 1, Mail: 1}
	wantDs, wantIn, wantMail := ids(mineDs, claimID), []int64{mineIn[0].ID}, []int64{mineMail[0].ID}
	if a.OneNode() {
		want = hookhub.TakenBack{Deliveries: 4, Inbound: 2, Mail: 2}
		wantDs = sorted(append(wantDs, theirDs[0].ID)...)
		wantIn = sorted(mineIn[0].ID, theirIn[0].ID)
		wantMail = sorted(mineMail[0].ID, theirMail[0].ID)
	}
	if got != want {
		t.Errorf("TakeBack = %+v, want %+v", got, want)
	}
	again := claim(t, s, restart, 10)
	if got := sorted(ids(again, claimID)...); !slices.Equal(got, wantDs) {
		t.Errorf("deliveries claimed after the restart = %v, want %v", got, wantDs)
	}
	for _, c := range again {
		if c.Attempts != 2 {
			t.Errorf("delivery %d claimed again with attempts %d, want 2: the killed node's try counts", c.ID, c.Attempts)
		}
	}
	if got := sorted(ids(claimInbound(t, s, restart, 10), func(m *hookhub.InboundMessage) int64 { return m.ID })...); !slices.Equal(got, wantIn) {
		t.Errorf("inbound messages claimed after the restart = %v, want %v", got, wantIn)
	}
	if got := sorted(ids(claimMail(t, s, restart, 10), mailID)...); !slices.Equal(got, wantMail) {
		t.Errorf("e-mails claimed after the restart = %v, want %v (not the one waiting for its retry)", got, wantMail)
	}

	// The killed run's outcome no longer applies: the delivery was claimed
	// again since.
	stale := succeeded(mineDs[0], restart)
	stale.Try = mineDs[0].Attempts
	complete(t, s, restart, stale)
	if d := getDelivery(t, s, b.tenant.ID, mineDs[0].ID); d.State != hookhub.DeliveryInFlight || d.Attempts != 2 {
		t.Errorf("delivery after the killed run's outcome = %s, attempts %d; want in_flight, 2", d.State, d.Attempts)
	}
	// Taking back again finds only what the new run holds now, and nothing
	// of node b's on a shared database.
	if got := takeBack(t, a, restart); got.Deliveries != int64(len(wantDs)) {
		t.Errorf("second TakeBack took back %d deliveries, want the %d held again", got.Deliveries, len(wantDs))
	}
	if !a.OneNode() {
		if ds := claim(t, s, restart, 10); len(ds) != 3 {
			t.Errorf("claim after the second TakeBack = %d deliveries, want node a's 3", len(ds))
		}
		if ds := claim(t, s, now.Add(lease), 10); !slices.Equal(ids(ds, claimID), ids(theirDs, claimID)) {
			t.Errorf("claim when node b's lease ran out = %v, want %v", ids(ds, claimID), ids(theirDs, claimID))
		}
	}
}
