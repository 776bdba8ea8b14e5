package storetest

import (
	"testing"

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
