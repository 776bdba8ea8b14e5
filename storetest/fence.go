package storetest

import (
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

// testCompleteFenced: a worker whose lease ran out, and whose delivery
// another worker claimed since, reports its outcome late. It must change
// nothing: not the delivery, not the attempts, not the webhook's figures.
func testCompleteFenced(t *testing.T, s Store) {
	b := setup(t, s)
	res := publish(t, s, now, b.tenant.ID, "contact.created")
	stale := claimOne(t, s, now)
	later := now.Add(lease + 1)
	fresh := claimOne(t, s, later) // the lease ran out: claimed again
	if got, want := fresh.Attempts, stale.Attempts+1; got != want {
		t.Fatalf("second claim Attempts = %d, want %d", got, want)
	}

	late := succeeded(stale, later)
	late.Try = stale.Attempts
	complete(t, s, later, late)
	if d := onlyDelivery(t, s, b.tenant.ID, res.Event.ID); d.State != hookhub.DeliveryInFlight {
		t.Fatalf("after a stale outcome the delivery is %s, want still in_flight", d.State)
	}
	if as := attemptsOf(t, s, b.tenant.ID, fresh.ID); len(as) != 0 {
		t.Fatalf("a stale outcome recorded %d attempts, want none", len(as))
	}
	if w := getWebhook(t, s, b.tenant.ID, b.webhook.ID); w.TotalCalls != 0 {
		t.Fatalf("a stale outcome counted %d calls, want 0", w.TotalCalls)
	}

	current := retry(fresh, later, later.Add(lease))
	current.Try = fresh.Attempts
	complete(t, s, later, current)
	d := onlyDelivery(t, s, b.tenant.ID, res.Event.ID)
	if d.State != hookhub.DeliveryPending || d.Attempts != fresh.Attempts {
		t.Fatalf("after the current outcome the delivery is %s with %d tries, want pending with %d", d.State, d.Attempts, fresh.Attempts)
	}
	if as := attemptsOf(t, s, b.tenant.ID, fresh.ID); len(as) != 1 {
		t.Fatalf("the current outcome recorded %d attempts, want 1", len(as))
	}

	// The same outcome again (a retried Complete) is stale too.
	complete(t, s, later, current)
	if as := attemptsOf(t, s, b.tenant.ID, fresh.ID); len(as) != 1 {
		t.Fatalf("a repeated outcome recorded %d attempts, want 1", len(as))
	}
}

// testCompleteFencedMany: successes recorded many at once are fenced one by
// one: a stale one among fresh ones changes nothing of its delivery, and
// the others apply, each with its attempt.
func testCompleteFencedMany(t *testing.T, s Store) {
	b := setup(t, s)
	publishN(t, s, now, b.tenant.ID, "contact.created", 4)
	cs := claim(t, s, now, 4)
	if len(cs) != 4 {
		t.Fatalf("claimed %d, want 4", len(cs))
	}
	// The last one's lease runs out and another worker claims it.
	later := now.Add(lease + 1)
	if err := s.Complete(t.Context(), now, []hookhub.Outcome{succeeded(cs[0], now), succeeded(cs[1], now)}); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	fresh := claim(t, s, later, 10)
	if len(fresh) != 2 {
		t.Fatalf("claimed again %d, want 2 (the two whose outcomes were not recorded)", len(fresh))
	}
	fenced := func(c *hookhub.Claim) hookhub.Outcome {
		o := succeeded(c, later)
		o.Try = c.Attempts
		return o
	}
	outs := []hookhub.Outcome{fenced(cs[2]), fenced(fresh[0]), fenced(cs[3])} // cs[2] and cs[3] are stale
	if err := s.Complete(t.Context(), later, outs); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	for _, c := range fresh {
		d, err := s.GetDelivery(t.Context(), b.tenant.ID, c.ID)
		if err != nil {
			t.Fatalf("GetDelivery: %v", err)
		}
		as := attemptsOf(t, s, b.tenant.ID, c.ID)
		if c.ID == fresh[0].ID {
			if d.State != hookhub.DeliverySucceeded || len(as) != 1 || as[0].Number != fresh[0].Attempts {
				t.Errorf("delivery %d with its current outcome: %s, %d attempts; want succeeded with try %d", c.ID, d.State, len(as), fresh[0].Attempts)
			}
			continue
		}
		if d.State != hookhub.DeliveryInFlight || len(as) != 0 {
			t.Errorf("delivery %d after only a stale outcome: %s, %d attempts; want in_flight, none", c.ID, d.State, len(as))
		}
	}
	if w := getWebhook(t, s, b.tenant.ID, b.webhook.ID); w.TotalCalls != 3 {
		t.Errorf("webhook counted %d calls, want 3 (the stale ones not)", w.TotalCalls)
	}
}

// testCompleteManyMixed: a hundred outcomes at once, most of them
// successes (recorded in bulk) among retries, failures and a stale success,
// each fenced by its try: every delivery ends as its own outcome says, with
// one attempt for each outcome that applied, and the webhook counts them.
func testCompleteManyMixed(t *testing.T, s Store) {
	b := setup(t, s)
	const n = 100
	publishN(t, s, now, b.tenant.ID, "contact.created", n)
	cs := claim(t, s, now, n)
	if len(cs) != n {
		t.Fatalf("claimed %d, want %d", len(cs), n)
	}
	fence := func(o hookhub.Outcome, c *hookhub.Claim) hookhub.Outcome {
		o.Try = c.Attempts
		return o
	}
	outs := make([]hookhub.Outcome, 0, n+1)
	want := map[int64]hookhub.DeliveryState{}
	for i, c := range cs {
		switch i % 10 {
		case 3:
			outs = append(outs, fence(retry(c, now, now.Add(time.Hour)), c))
			want[c.ID] = hookhub.DeliveryPending
		case 7:
			outs = append(outs, fence(failed(c, now), c))
			want[c.ID] = hookhub.DeliveryFailed
		default:
			outs = append(outs, fence(succeeded(c, now), c))
			want[c.ID] = hookhub.DeliverySucceeded
		}
	}
	stale := fence(succeeded(cs[3], now), cs[3]) // cs[3] retries: a late second outcome of its try
	outs = append(outs, stale)
	complete(t, s, now, outs...)
	for _, c := range cs {
		d, err := s.GetDelivery(t.Context(), b.tenant.ID, c.ID)
		if err != nil {
			t.Fatalf("GetDelivery: %v", err)
		}
		if d.State != want[c.ID] {
			t.Errorf("delivery %d = %s, want %s", c.ID, d.State, want[c.ID])
		}
		if as := attemptsOf(t, s, b.tenant.ID, c.ID); len(as) != 1 {
			t.Errorf("delivery %d has %d attempts, want 1", c.ID, len(as))
		}
	}
	if w := getWebhook(t, s, b.tenant.ID, b.webhook.ID); w.TotalCalls != n {
		t.Errorf("webhook counted %d calls, want %d", w.TotalCalls, n)
	}
}
