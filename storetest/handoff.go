package storetest

import (
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

// testPublishLeased: a publish can lease some of its new deliveries to the
// publisher, as a claim would, so that its node sends them without claiming.
func testPublishLeased(t *testing.T, s Store) {
	b := setup(t, s)
	stopped := newWebhook(t, s, b.tenant.ID, func(w *hookhub.Webhook) { w.State = hookhub.StateStopped })
	reqs := make([]hookhub.PublishRequest, 3)
	for i := range reqs {
		reqs[i] = hookhub.PublishRequest{Event: newEvent(b.tenant.ID, "contact.created", now)}
	}
	rs, err := s.PublishLeased(t.Context(), now, hookhub.Lease{Max: 2, For: lease}, reqs...)
	if err != nil {
		t.Fatalf("PublishLeased: %v", err)
	}
	var claims []*hookhub.Claim
	for i, r := range rs {
		if r.Deliveries != 2 {
			t.Errorf("result %d: %d deliveries, want 2 (one per webhook)", i, r.Deliveries)
		}
		for _, c := range r.Claims {
			if c.EventID != r.Event.ID || c.Event.ID != r.Event.ID || string(c.Event.Data) != `{"name":"Ada","n":1}` {
				t.Errorf("result %d: claim of event %d carries event %d %s, want %d", i, c.EventID, c.Event.ID, c.Event.Data, r.Event.ID)
			}
		}
		claims = append(claims, r.Claims...)
	}
	if len(claims) != 2 {
		t.Fatalf("PublishLeased leased %d deliveries, want 2 (lease.Max)", len(claims))
	}
	for _, c := range claims {
		if c.ID == 0 || c.WebhookID != b.webhook.ID || c.TenantID != b.tenant.ID {
			t.Errorf("leased delivery %d of webhook %d, tenant %s; want an id, webhook %d (the active one)", c.ID, c.WebhookID, c.TenantID, b.webhook.ID)
		}
		if c.State != hookhub.DeliveryInFlight || c.Attempts != 1 || !sameTime(c.RunAt, now.Add(lease)) {
			t.Errorf("leased delivery = state %s, attempts %d, run at %v; want in_flight, 1, %v", c.State, c.Attempts, c.RunAt, now.Add(lease))
		}
		d := getDelivery(t, s, b.tenant.ID, c.ID)
		if d.State != hookhub.DeliveryInFlight || d.Attempts != 1 || !sameTime(d.RunAt, now.Add(lease)) || !sameTime(d.CreatedAt, now) {
			t.Errorf("stored leased delivery = state %s, attempts %d, run at %v, created %v; want in_flight, 1, %v, %v",
				d.State, d.Attempts, d.RunAt, d.CreatedAt, now.Add(lease), now)
		}
	}
	held, err := s.ListDeliveries(t.Context(), b.tenant.ID, hookhub.DeliveryFilter{WebhookID: stopped.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range held {
		if d.State != hookhub.DeliveryHeld {
			t.Errorf("delivery %d to a stopped webhook is %s, want held (never leased)", d.ID, d.State)
		}
	}

	// A claim takes only the one left pending, not the leased ones.
	rest := claim(t, s, now, 10)
	if len(rest) != 1 || rest[0].ID == claims[0].ID || rest[0].ID == claims[1].ID {
		t.Fatalf("Claim after PublishLeased got %v, want the one pending delivery", ids(rest, claimID))
	}

	// The first leased delivery succeeds with its try; the second's node
	// died: it is claimed again when its lease runs out, as its second try.
	complete(t, s, now, hookhub.Outcome{DeliveryID: claims[0].ID, TenantID: b.tenant.ID, WebhookID: b.webhook.ID, Try: 1,
		Kind: hookhub.OutcomeSucceeded, Attempt: &hookhub.Attempt{EventID: claims[0].EventID, Number: 1, URL: b.webhook.URL,
			StartedAt: now, Status: 200, Success: true}})
	complete(t, s, now, hookhub.Outcome{DeliveryID: rest[0].ID, TenantID: b.tenant.ID, WebhookID: b.webhook.ID, Try: 1,
		Kind: hookhub.OutcomeSucceeded, Attempt: &hookhub.Attempt{EventID: rest[0].EventID, Number: 1, URL: b.webhook.URL,
			StartedAt: now, Status: 200, Success: true}})
	if d := getDelivery(t, s, b.tenant.ID, claims[0].ID); d.State != hookhub.DeliverySucceeded {
		t.Errorf("leased delivery after its success is %s, want succeeded", d.State)
	}
	if got := claim(t, s, now.Add(lease-time.Millisecond), 10); len(got) != 0 {
		t.Errorf("Claim before the lease ran out got %v, want none", ids(got, claimID))
	}
	again := claimOne(t, s, now.Add(lease))
	if again.ID != claims[1].ID || again.Attempts != 2 {
		t.Errorf("reclaimed delivery %d with attempts %d, want %d with 2", again.ID, again.Attempts, claims[1].ID)
	}

	// Without a lease, nothing is leased.
	r := publish(t, s, now, b.tenant.ID, "contact.created")
	if len(r.Claims) != 0 {
		t.Errorf("Publish leased %d deliveries, want none", len(r.Claims))
	}
}

// testPublishLeasedTakeBack: a delivery a publish leased belongs to the
// publishing node, which takes it back at once when it starts again;
// another node on a shared database leaves it to its lease.
func testPublishLeasedTakeBack(t *testing.T, s Store) {
	b := setup(t, s)
	a := asNode(t, s, "node-a")
	rs, err := s.PublishLeased(t.Context(), now, hookhub.Lease{Max: 1, For: lease},
		hookhub.PublishRequest{Event: newEvent(b.tenant.ID, "contact.created", now)})
	if err != nil || len(rs) != 1 || len(rs[0].Claims) != 1 {
		t.Fatalf("PublishLeased = %v, %v; want one leased delivery", rs, err)
	}
	id := rs[0].Claims[0].ID
	other := asNode(t, s, "node-b")
	if got := takeBack(t, other, now.Add(time.Second)); !other.OneNode() && got.Deliveries != 0 {
		t.Errorf("another node took back %d deliveries, want 0 (not its lease)", got.Deliveries)
	}
	asNode(t, s, "node-a")
	takeBack(t, a, now.Add(time.Second))
	c := claimOne(t, s, now.Add(time.Second))
	if c.ID != id || c.Attempts != 2 {
		t.Errorf("after node-a started again, claimed delivery %d with attempts %d, want %d with 2", c.ID, c.Attempts, id)
	}
}

// testWebhookVersion: every change of a webhook's settings or state counts
// a version, and a leased delivery names the version its publish saw, so
// that a worker's copy of that version is known to be current.
func testWebhookVersion(t *testing.T, s Store) {
	b := setup(t, s)
	lease1 := func() *hookhub.Claim {
		t.Helper()
		rs, err := s.PublishLeased(t.Context(), now, hookhub.Lease{Max: 1, For: lease},
			hookhub.PublishRequest{Event: newEvent(b.tenant.ID, "contact.created", now)})
		if err != nil || len(rs) != 1 || len(rs[0].Claims) != 1 {
			t.Fatalf("PublishLeased = %v, %v; want one leased delivery", rs, err)
		}
		return rs[0].Claims[0]
	}
	w := getWebhook(t, s, b.tenant.ID, b.webhook.ID)
	c := lease1()
	if c.WebhookVersion != w.Version {
		t.Errorf("leased delivery names webhook version %d, GetWebhook says %d", c.WebhookVersion, w.Version)
	}
	w.URL = "https://receiver.example/other"
	if err := s.UpdateWebhook(t.Context(), w, ""); err != nil {
		t.Fatal(err)
	}
	w2 := getWebhook(t, s, b.tenant.ID, b.webhook.ID)
	if w2.Version <= w.Version {
		t.Errorf("version after UpdateWebhook = %d, want more than %d", w2.Version, w.Version)
	}
	if c := lease1(); c.WebhookVersion != w2.Version {
		t.Errorf("leased delivery after the change names version %d, want %d", c.WebhookVersion, w2.Version)
	}
	// Tripped to too_many_errors by failures: a change of state, a version.
	w2.FailureThreshold = 1
	if err := s.UpdateWebhook(t.Context(), w2, ""); err != nil {
		t.Fatal(err)
	}
	w3 := getWebhook(t, s, b.tenant.ID, b.webhook.ID)
	ds := claim(t, s, now.Add(lease), 1)
	if len(ds) != 1 {
		t.Fatalf("Claim after the leases ran out got %d, want 1", len(ds))
	}
	d := ds[0]
	complete(t, s, now.Add(lease), hookhub.Outcome{DeliveryID: d.ID, TenantID: b.tenant.ID, WebhookID: b.webhook.ID, Try: d.Attempts,
		Kind: hookhub.OutcomeRetry, RunAt: now.Add(time.Hour), Attempt: &hookhub.Attempt{EventID: d.EventID, Number: d.Attempts,
			URL: w3.URL, StartedAt: now.Add(lease), Status: 500}})
	w4 := getWebhook(t, s, b.tenant.ID, b.webhook.ID)
	if w4.State != hookhub.StateTooManyErrors || w4.Version <= w3.Version {
		t.Errorf("after the trip: state %s, version %d; want too_many_errors and more than %d", w4.State, w4.Version, w3.Version)
	}
}
