package storetest

import (
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

func testClaim(t *testing.T, s Store) {
	b := setup(t, s)
	publishN(t, s, now, b.tenant.ID, "contact.created", 5)
	later := publish(t, s, now.Add(10*time.Second), b.tenant.ID, "contact.created")

	first := claim(t, s, now, 3)
	if got, want := len(first), 3; got != want {
		t.Fatalf("first Claim got %d, want %d", got, want)
	}
	for _, c := range first {
		if c.State != hookhub.DeliveryInFlight || c.Attempts != 1 || !sameTime(c.RunAt, now.Add(lease)) {
			t.Errorf("claimed delivery = state %s, attempts %d, run at %v; want in_flight, 1, %v", c.State, c.Attempts, c.RunAt, now.Add(lease))
		}
		if c.TenantID != b.tenant.ID || c.WebhookID != b.webhook.ID || c.EventID == later.Event.ID {
			t.Errorf("claimed delivery = tenant %s, webhook %d, event %d", c.TenantID, c.WebhookID, c.EventID)
		}
		d := getDelivery(t, s, b.tenant.ID, c.ID)
		if d.State != hookhub.DeliveryInFlight || d.Attempts != 1 || !sameTime(d.RunAt, now.Add(lease)) {
			t.Errorf("stored claimed delivery = state %s, attempts %d, run at %v; want in_flight, 1, %v", d.State, d.Attempts, d.RunAt, now.Add(lease))
		}
	}
	second := claim(t, s, now, 3)
	if got, want := len(second), 2; got != want {
		t.Fatalf("second Claim got %d, want %d", got, want)
	}
	if got := claim(t, s, now, 3); len(got) != 0 {
		t.Errorf("third Claim got %d, want 0", len(got))
	}
	all := ids(append(first, second...), claimID)
	if len(slices.Compact(slices.Clone(all))) != 5 {
		t.Errorf("claimed ids %v are not 5 distinct deliveries", all)
	}

	// The later delivery is due at its own time, while the others' leases run.
	c := claimOne(t, s, now.Add(10*time.Second))
	if c.EventID != later.Event.ID {
		t.Errorf("claimed event %d, want %d", c.EventID, later.Event.ID)
	}
	if got := claim(t, s, now.Add(10*time.Second), 10); len(got) != 0 {
		t.Errorf("Claim got %d more, want 0", len(got))
	}
}

func testClaimLease(t *testing.T, s Store) {
	b := setup(t, s)
	r := publish(t, s, now, b.tenant.ID, "contact.created")

	c := claimOne(t, s, now)
	if got := claim(t, s, now, 10); len(got) != 0 {
		t.Errorf("Claim at the same time got %d, want 0", len(got))
	}
	if got := claim(t, s, now.Add(lease-time.Millisecond), 10); len(got) != 0 {
		t.Errorf("Claim before the lease ran out got %d, want 0", len(got))
	}
	again := claimOne(t, s, now.Add(lease))
	if again.ID != c.ID || again.EventID != r.Event.ID {
		t.Errorf("reclaimed delivery %d of event %d, want %d of %d", again.ID, again.EventID, c.ID, r.Event.ID)
	}
	if got, want := again.Attempts, 2; got != want {
		t.Errorf("Attempts after the second claim = %d, want %d", got, want)
	}
	if !sameTime(again.RunAt, now.Add(2*lease)) || again.State != hookhub.DeliveryInFlight {
		t.Errorf("reclaimed delivery = state %s, run at %v; want in_flight, %v", again.State, again.RunAt, now.Add(2*lease))
	}
	if got := claim(t, s, now.Add(lease), 10); len(got) != 0 {
		t.Errorf("Claim after the reclaim got %d, want 0", len(got))
	}
}

func testClaimEvent(t *testing.T, s Store) {
	b := setup(t, s)
	e := &hookhub.Event{
		TenantID:       b.tenant.ID,
		Type:           "conversation.visitor.replied",
		EntityType:     "conversation",
		EntityID:       "conv-42",
		Data:           json.RawMessage(`{"message": "héllo", "list": [1, 2, {"x": null}]}`),
		ModifiedFields: []string{"message", "status"},
		CreatedAt:      now,
	}
	rs, err := s.Publish(t.Context(), now, hookhub.PublishRequest{Event: e})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	c := claimOne(t, s, now)
	got := c.Event
	if got.ID != rs[0].Event.ID || c.EventID != got.ID || got.TenantID != e.TenantID || got.Type != e.Type ||
		got.EntityType != e.EntityType || got.EntityID != e.EntityID || !sameJSON(got.Data, e.Data) ||
		!slices.Equal(got.ModifiedFields, e.ModifiedFields) || !sameTime(got.CreatedAt, e.CreatedAt) {
		t.Errorf("claimed event = %+v\nwant %+v with id %d", got, e, rs[0].Event.ID)
	}
}

func testClaimConcurrent(t *testing.T, s Store) {
	const deliveries, claimers, limit = 500, 8, 7
	b := setup(t, s)
	publishN(t, s, now, b.tenant.ID, "contact.created", deliveries)

	var (
		mu    sync.Mutex
		got   = map[int64]int{}
		total int // claims counted, to stop a store that hands out too many
		wg    sync.WaitGroup
	)
	for range claimers {
		wg.Go(func() {
			for {
				cs, err := s.Claim(t.Context(), now, limit, lease)
				if err != nil {
					t.Errorf("Claim: %v", err)
					return
				}
				if len(cs) == 0 {
					return
				}
				if len(cs) > limit {
					t.Errorf("Claim got %d, over the limit %d", len(cs), limit)
				}
				mu.Lock()
				for _, c := range cs {
					got[c.ID]++
				}
				total += len(cs)
				over := total > deliveries
				mu.Unlock()
				if over {
					return // more claims than deliveries: reported below
				}
			}
		})
	}
	wg.Wait()

	if total != deliveries {
		t.Errorf("claimers got %d claims, want %d", total, deliveries)
	}
	if len(got) != deliveries {
		t.Errorf("claimers got %d distinct deliveries, want %d", len(got), deliveries)
	}
	for id, n := range got {
		if n != 1 {
			t.Errorf("delivery %d claimed %d times", id, n)
		}
	}
}
