package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

func testPurge(t *testing.T, s Store) {
	ctx := t.Context()
	ten := newTenant(t, s)
	w := newWebhook(t, s, ten.ID, func(w *hookhub.Webhook) { w.Events = []string{"contact.*"} })
	newWebhook(t, s, ten.ID, func(w *hookhub.Webhook) { w.Events, w.State = []string{"sale.*"}, hookhub.StateStopped })

	old := now.Add(-90 * 24 * time.Hour)
	cutoff := now.Add(-60 * 24 * time.Hour)

	// Old and finished: purged with their attempts.
	okEvent := publish(t, s, old, ten.ID, "contact.created").Event.ID
	okC := claimOne(t, s, old)
	complete(t, s, old, succeeded(okC, old))
	deadEvent := publish(t, s, old, ten.ID, "contact.changed").Event.ID
	deadC := claimOne(t, s, old)
	complete(t, s, old, failed(deadC, old))

	// New and finished: kept.
	freshEvent := publish(t, s, now, ten.ID, "contact.created").Event.ID
	newC := claimOne(t, s, now)
	complete(t, s, now, succeeded(newC, now))

	// Old and unfinished: in flight, pending, held; kept with their events.
	flightEvent := publish(t, s, old, ten.ID, "contact.created").Event.ID
	flightC := claimOne(t, s, old)
	pendingEvent := publish(t, s, old, ten.ID, "contact.created").Event.ID
	heldEvent := publish(t, s, old, ten.ID, "sale.sold").Event.ID
	pendingD := onlyDelivery(t, s, ten.ID, pendingEvent)
	heldD := onlyDelivery(t, s, ten.ID, heldEvent)
	if heldD.State != hookhub.DeliveryHeld {
		t.Fatalf("delivery for the stopped webhook = %s, want held", heldD.State)
	}

	// E-mails: new and sent, old and sent, old and queued.
	newMail := enqueue(t, s, ten.ID, w.ID, "new", now)
	claimMail(t, s, now, 10)
	finishMail(t, s, newMail.ID, hookhub.MailSent, "", now, time.Time{})
	oldMail := enqueue(t, s, ten.ID, w.ID, "old", old)
	claimMail(t, s, old, 10)
	finishMail(t, s, oldMail.ID, hookhub.MailSent, "", old, time.Time{})
	queuedMail := enqueue(t, s, ten.ID, w.ID, "queued", old)

	res, err := s.Purge(ctx, cutoff)
	if err != nil {
		t.Fatalf("Purge: %v", err)
	}
	if want := (hookhub.PurgeResult{Attempts: 2, Deliveries: 2, Events: 2, Mail: 1}); res != want {
		t.Errorf("Purge = %+v, want %+v", res, want)
	}

	for _, id := range []int64{okEvent, deadEvent} {
		_, err := s.GetEvent(ctx, ten.ID, id)
		wantCode(t, "GetEvent(purged)", err, hookhub.ENOTFOUND)
	}
	for _, id := range []int64{okC.ID, deadC.ID} {
		_, err := s.GetDelivery(ctx, ten.ID, id)
		wantCode(t, "GetDelivery(purged)", err, hookhub.ENOTFOUND)
	}
	for _, id := range []int64{freshEvent, flightEvent, pendingEvent, heldEvent} {
		if _, err := s.GetEvent(ctx, ten.ID, id); err != nil {
			t.Errorf("GetEvent(%d) after purge: %v", id, err)
		}
	}
	for _, tt := range []struct {
		id    int64
		state hookhub.DeliveryState
	}{
		{newC.ID, hookhub.DeliverySucceeded},
		{flightC.ID, hookhub.DeliveryInFlight},
		{pendingD.ID, hookhub.DeliveryPending},
		{heldD.ID, hookhub.DeliveryHeld},
	} {
		if d := getDelivery(t, s, ten.ID, tt.id); d.State != tt.state {
			t.Errorf("delivery %d after purge = %s, want %s", tt.id, d.State, tt.state)
		}
	}
	as, err := s.ListAttempts(ctx, ten.ID, hookhub.AttemptFilter{})
	if err != nil {
		t.Fatalf("ListAttempts: %v", err)
	}
	if got, want := ids(as, attemptID), ids(attemptsOf(t, s, ten.ID, newC.ID), attemptID); len(got) != 1 || !slices.Equal(got, want) {
		t.Errorf("attempts after purge = %v, want only the new one %v", got, want)
	}
	ms := listMail(t, s, ten.ID)
	if ms[oldMail.ID] != nil || ms[newMail.ID] == nil || ms[queuedMail.ID] == nil {
		t.Errorf("e-mails after purge: old sent kept %v, new kept %v, old queued kept %v; want false, true, true",
			ms[oldMail.ID] != nil, ms[newMail.ID] != nil, ms[queuedMail.ID] != nil)
	}

	res, err = s.Purge(ctx, cutoff)
	if err != nil || res != (hookhub.PurgeResult{}) {
		t.Errorf("second Purge = %+v, %v; want nothing", res, err)
	}
}

func testStats(t *testing.T, s Store) {
	b, other := setup(t, s), setup(t, s)
	newWebhook(t, s, b.tenant.ID, func(w *hookhub.Webhook) {
		w.Events, w.State = []string{"sale.*"}, hookhub.StateStopped
	})
	b.webhook.Events = []string{"contact.*"}
	if err := s.UpdateWebhook(t.Context(), b.webhook, ""); err != nil {
		t.Fatalf("UpdateWebhook: %v", err)
	}
	old := now.Add(-2 * time.Hour)
	since := now.Add(-time.Hour)

	// Before since: one succeeded.
	publish(t, s, old, b.tenant.ID, "contact.created")
	c := claimOne(t, s, old)
	complete(t, s, old, succeeded(c, old))

	// Since: five, of which one succeeds, one fails, one stays in flight.
	publishN(t, s, now, b.tenant.ID, "contact.created", 5)
	cs := claim(t, s, now, 3)
	if len(cs) != 3 {
		t.Fatalf("claimed %d, want 3", len(cs))
	}
	complete(t, s, now, succeeded(cs[0], now), failed(cs[1], now))
	publish(t, s, now, b.tenant.ID, "sale.sold") // held for the stopped webhook

	// An old pending delivery counts in the queue only; another tenant's
	// deliveries do not count.
	publish(t, s, old, b.tenant.ID, "contact.created")
	publishN(t, s, now, other.tenant.ID, "contact.created", 4)

	st, err := s.Stats(t.Context(), b.tenant.ID, since)
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	if want := (hookhub.Stats{Succeeded: 1, Failed: 1, Pending: 2, Held: 1, InFlight: 1, QueueDepth: 4}); st != want {
		t.Errorf("Stats = %+v, want %+v", st, want)
	}

	st, err = s.Stats(t.Context(), b.tenant.ID, old.Add(-time.Minute))
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	if want := (hookhub.Stats{Succeeded: 2, Failed: 1, Pending: 3, Held: 1, InFlight: 1, QueueDepth: 4}); st != want {
		t.Errorf("Stats since before everything = %+v, want %+v", st, want)
	}

	st, err = s.Stats(t.Context(), other.tenant.ID, since)
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	if want := (hookhub.Stats{Pending: 4, QueueDepth: 4}); st != want {
		t.Errorf("other tenant's Stats = %+v, want %+v", st, want)
	}
}

// testPurgeMany: a purge of more rows than one of its batches deletes them
// all.
func testPurgeMany(t *testing.T, s Store) {
	ten := newTenant(t, s) // no webhooks: its events have no deliveries
	old := now.Add(-90 * 24 * time.Hour)
	const n = 4500 // more than two batches
	reqs := make([]hookhub.PublishRequest, n)
	for i := range reqs {
		reqs[i].Event = newEvent(ten.ID, "contact.created", old)
	}
	if _, err := s.Publish(t.Context(), old, reqs...); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	r, err := s.Purge(t.Context(), now.Add(-60*24*time.Hour))
	if err != nil {
		t.Fatalf("Purge: %v", err)
	}
	if r.Events != n {
		t.Errorf("Purge deleted %d events, want %d", r.Events, n)
	}
	if left, err := s.ListEvents(t.Context(), ten.ID, hookhub.EventFilter{}); err != nil || len(left) != 0 {
		t.Errorf("events left after the purge: %d, %v", len(left), err)
	}
}

// testPurgeKeepsUnsent: a purge of several batches deletes the old finished
// deliveries and attempts among old deliveries that must stay (held for a
// stopped webhook, interleaved with them), keeps the events that still have
// a delivery, and keeps what is younger than the cut.
func testPurgeKeepsUnsent(t *testing.T, s Store) {
	ctx := t.Context()
	ten := newTenant(t, s)
	newWebhook(t, s, ten.ID, func(w *hookhub.Webhook) { w.Events = []string{"contact.*"} })
	newWebhook(t, s, ten.ID, func(w *hookhub.Webhook) { w.Events, w.State = []string{"contact.*"}, hookhub.StateStopped })
	old := now.Add(-90 * 24 * time.Hour)
	const n = 2500 // more than one batch
	reqs := make([]hookhub.PublishRequest, n)
	for i := range reqs {
		reqs[i].Event = newEvent(ten.ID, "contact.created", old)
	}
	if _, err := s.Publish(ctx, old, reqs...); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	cs := claim(t, s, old, n)
	if len(cs) != n {
		t.Fatalf("claimed %d, want %d", len(cs), n)
	}
	outs := make([]hookhub.Outcome, len(cs))
	for i, c := range cs {
		outs[i] = succeeded(c, old)
	}
	complete(t, s, old, outs...)
	young := publish(t, s, now, ten.ID, "contact.created").Event.ID
	c := claimOne(t, s, now)
	complete(t, s, now, succeeded(c, now))

	r, err := s.Purge(ctx, now.Add(-60*24*time.Hour))
	if err != nil {
		t.Fatalf("Purge: %v", err)
	}
	if want := (hookhub.PurgeResult{Attempts: n, Deliveries: n}); r != want {
		t.Errorf("Purge = %+v, want %+v (events stay with their held deliveries)", r, want)
	}
	st, err := s.Stats(ctx, ten.ID, old.Add(-time.Minute))
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	if want := (hookhub.Stats{Succeeded: 1, Held: n + 1}); st != want { // the young event has one held too
		t.Errorf("deliveries left = %+v, want %+v", st, want)
	}
	if _, err := s.GetEvent(ctx, ten.ID, young); err != nil {
		t.Errorf("GetEvent(young) after the purge: %v", err)
	}
	if r, err := s.Purge(ctx, now.Add(-60*24*time.Hour)); err != nil || r != (hookhub.PurgeResult{}) {
		t.Errorf("second Purge = %+v, %v; want nothing", r, err)
	}
}
