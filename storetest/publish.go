package storetest

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

func testPublishFanOut(t *testing.T, s Store) {
	ten := newTenant(t, s)
	mk := func(state hookhub.WebhookState, events ...string) *hookhub.Webhook {
		return newWebhook(t, s, ten.ID, func(w *hookhub.Webhook) { w.State, w.Events = state, events })
	}
	exact := mk(hookhub.StateActive, "conversation.created")
	prefix := mk(hookhub.StateActive, "conversation.*")
	star := mk(hookhub.StateActive, "*")
	contacts := mk(hookhub.StateActive, "contact.*", "sale.sold")
	stopped := mk(hookhub.StateStopped, "*")
	tooMany := mk(hookhub.StateTooManyErrors, "conversation.*")

	for _, tt := range []struct {
		typ  string
		want map[int64]hookhub.DeliveryState
	}{
		{"conversation.created", map[int64]hookhub.DeliveryState{
			exact.ID: hookhub.DeliveryPending, prefix.ID: hookhub.DeliveryPending, star.ID: hookhub.DeliveryPending,
			stopped.ID: hookhub.DeliveryHeld, tooMany.ID: hookhub.DeliveryHeld,
		}},
		{"conversation.visitor.replied", map[int64]hookhub.DeliveryState{
			prefix.ID: hookhub.DeliveryPending, star.ID: hookhub.DeliveryPending,
			stopped.ID: hookhub.DeliveryHeld, tooMany.ID: hookhub.DeliveryHeld,
		}},
		{"sale.sold", map[int64]hookhub.DeliveryState{
			star.ID: hookhub.DeliveryPending, contacts.ID: hookhub.DeliveryPending, stopped.ID: hookhub.DeliveryHeld,
		}},
		{"sale.lost", map[int64]hookhub.DeliveryState{
			star.ID: hookhub.DeliveryPending, stopped.ID: hookhub.DeliveryHeld,
		}},
	} {
		t.Run(tt.typ, func(t *testing.T) {
			r := publish(t, s, now, ten.ID, tt.typ)
			if got, want := r.Deliveries, len(tt.want); got != want {
				t.Errorf("PublishResult.Deliveries = %d, want %d", got, want)
			}
			if r.Duplicate {
				t.Error("PublishResult.Duplicate = true for a new event")
			}
			got := map[int64]hookhub.DeliveryState{}
			for _, d := range deliveriesOf(t, s, ten.ID, r.Event.ID) {
				got[d.WebhookID] = d.State
				if d.EventID != r.Event.ID || d.TenantID != ten.ID || d.Attempts != 0 || !sameTime(d.CreatedAt, now) {
					t.Errorf("delivery = %+v, want event %d, tenant %s, 0 attempts, created %v", d, r.Event.ID, ten.ID, now)
				}
				if d.State == hookhub.DeliveryPending && !sameTime(d.RunAt, now) {
					t.Errorf("pending delivery RunAt = %v, want %v", d.RunAt, now)
				}
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("deliveries by webhook = %v, want %v", got, tt.want)
			}
		})
	}
}

func testPublishIdempotency(t *testing.T, s Store) {
	ctx := t.Context()
	a, b := setup(t, s), setup(t, s)

	first := newEvent(a.tenant.ID, "contact.created", now)
	first.IdempotencyKey = "key-1"
	first.Data = json.RawMessage(`{"v":1}`)
	rs, err := s.Publish(ctx, now, hookhub.PublishRequest{Event: first})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	orig := rs[0]
	if orig.Duplicate || orig.Deliveries != 1 {
		t.Fatalf("first publish = duplicate %v, %d deliveries, want false, 1", orig.Duplicate, orig.Deliveries)
	}
	if got, want := orig.Event.IdempotencyKey, "key-1"; got != want {
		t.Errorf("IdempotencyKey = %q, want %q", got, want)
	}

	// The same key later, with other data: the first event, nothing new.
	again := newEvent(a.tenant.ID, "contact.changed", now.Add(time.Minute))
	again.IdempotencyKey = "key-1"
	again.Data = json.RawMessage(`{"v":2}`)
	rs, err = s.Publish(ctx, now.Add(time.Minute), hookhub.PublishRequest{Event: again})
	if err != nil {
		t.Fatalf("Publish(duplicate): %v", err)
	}
	dup := rs[0]
	if !dup.Duplicate || dup.Deliveries != 0 {
		t.Errorf("duplicate publish = duplicate %v, %d deliveries, want true, 0", dup.Duplicate, dup.Deliveries)
	}
	if dup.Event.ID != orig.Event.ID || dup.Event.Type != "contact.created" || !sameJSON(dup.Event.Data, first.Data) {
		t.Errorf("duplicate's event = %d %s %s, want the first: %d contact.created %s",
			dup.Event.ID, dup.Event.Type, dup.Event.Data, orig.Event.ID, first.Data)
	}

	// Twice the same key in one call: one event.
	x := newEvent(a.tenant.ID, "sale.created", now)
	x.IdempotencyKey = "key-2"
	y := newEvent(a.tenant.ID, "sale.created", now)
	y.IdempotencyKey = "key-2"
	rs, err = s.Publish(ctx, now, hookhub.PublishRequest{Event: x}, hookhub.PublishRequest{Event: y})
	if err != nil {
		t.Fatalf("Publish(same key twice): %v", err)
	}
	if len(rs) != 2 {
		t.Fatalf("Publish returned %d results, want 2", len(rs))
	}
	if rs[0].Duplicate || rs[0].Deliveries != 1 {
		t.Errorf("first of the pair = duplicate %v, %d deliveries, want false, 1", rs[0].Duplicate, rs[0].Deliveries)
	}
	if !rs[1].Duplicate || rs[1].Deliveries != 0 || rs[1].Event.ID != rs[0].Event.ID {
		t.Errorf("second of the pair = duplicate %v, %d deliveries, event %d, want true, 0, %d",
			rs[1].Duplicate, rs[1].Deliveries, rs[1].Event.ID, rs[0].Event.ID)
	}

	// The same key in another tenant is another event.
	z := newEvent(b.tenant.ID, "contact.created", now)
	z.IdempotencyKey = "key-1"
	rs, err = s.Publish(ctx, now, hookhub.PublishRequest{Event: z})
	if err != nil {
		t.Fatalf("Publish(other tenant): %v", err)
	}
	if rs[0].Duplicate || rs[0].Deliveries != 1 || rs[0].Event.ID == orig.Event.ID || rs[0].Event.TenantID != b.tenant.ID {
		t.Errorf("other tenant's publish = duplicate %v, %d deliveries, event %d of %s; want a new event of %s",
			rs[0].Duplicate, rs[0].Deliveries, rs[0].Event.ID, rs[0].Event.TenantID, b.tenant.ID)
	}

	// Events without a key are never duplicates.
	publish(t, s, now, a.tenant.ID, "contact.created")
	if r := publish(t, s, now, a.tenant.ID, "contact.created"); r.Duplicate {
		t.Error("an event without idempotency key is a duplicate")
	}

	evs, err := s.ListEvents(ctx, a.tenant.ID, hookhub.EventFilter{Page: hookhub.Page{Limit: 100}})
	if err != nil {
		t.Fatalf("ListEvents: %v", err)
	}
	if got, want := len(evs), 4; got != want {
		t.Errorf("tenant a has %d events, want %d", got, want)
	}
	ds, err := s.ListDeliveries(ctx, a.tenant.ID, hookhub.DeliveryFilter{Page: hookhub.Page{Limit: 100}})
	if err != nil {
		t.Fatalf("ListDeliveries: %v", err)
	}
	if got, want := len(ds), 4; got != want {
		t.Errorf("tenant a has %d deliveries, want %d", got, want)
	}
}

func testPublishToWebhook(t *testing.T, s Store) {
	ctx := t.Context()
	b := setup(t, s) // its webhook subscribes to "*"
	target := newWebhook(t, s, b.tenant.ID, func(w *hookhub.Webhook) { w.Events = []string{"contact.*"} })

	rs, err := s.Publish(ctx, now, hookhub.PublishRequest{
		Event:     newEvent(b.tenant.ID, hookhub.TestEventType, now),
		WebhookID: target.ID,
	})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if got, want := rs[0].Deliveries, 1; got != want {
		t.Errorf("Deliveries = %d, want %d", got, want)
	}
	ds := deliveriesOf(t, s, b.tenant.ID, rs[0].Event.ID)
	if len(ds) != 1 || ds[0].WebhookID != target.ID || ds[0].State != hookhub.DeliveryPending {
		t.Errorf("deliveries = %v, want one pending for webhook %d", ds, target.ID)
	}
}

func testPublishTenants(t *testing.T, s Store) {
	ctx := t.Context()
	a, b := setup(t, s), setup(t, s)

	r := publish(t, s, now, a.tenant.ID, "contact.created")
	if got, want := r.Deliveries, 1; got != want {
		t.Errorf("Deliveries = %d, want %d (b's webhook must not count)", got, want)
	}
	if got, want := r.Event.TenantID, a.tenant.ID; got != want {
		t.Errorf("event TenantID = %s, want %s", got, want)
	}

	// Aimed at another tenant's webhook: refused, or sent to nobody.
	rs, err := s.Publish(ctx, now, hookhub.PublishRequest{
		Event:     newEvent(a.tenant.ID, hookhub.TestEventType, now),
		WebhookID: b.webhook.ID,
	})
	switch hookhub.ErrorCode(err) {
	case hookhub.ENOTFOUND:
	case "":
		if rs[0].Deliveries != 0 {
			t.Errorf("Publish to another tenant's webhook made %d deliveries", rs[0].Deliveries)
		}
	default:
		t.Errorf("Publish to another tenant's webhook: %v, want ENOTFOUND or no delivery", err)
	}

	ds, err := s.ListDeliveries(ctx, b.tenant.ID, hookhub.DeliveryFilter{Page: hookhub.Page{Limit: 100}})
	if err != nil {
		t.Fatalf("ListDeliveries: %v", err)
	}
	if len(ds) != 0 {
		t.Errorf("tenant b has %d deliveries of a's events", len(ds))
	}
	for _, c := range claim(t, s, now, 100) {
		if c.WebhookID == b.webhook.ID || c.TenantID != a.tenant.ID || c.Event.TenantID != a.tenant.ID {
			t.Errorf("claimed delivery %d: tenant %s, webhook %d, event of %s", c.ID, c.TenantID, c.WebhookID, c.Event.TenantID)
		}
	}

	_, err = s.GetEvent(ctx, b.tenant.ID, r.Event.ID)
	wantCode(t, "GetEvent(other tenant's)", err, hookhub.ENOTFOUND)
	evs, err := s.ListEvents(ctx, b.tenant.ID, hookhub.EventFilter{})
	if err != nil {
		t.Fatalf("ListEvents: %v", err)
	}
	if len(evs) != 0 {
		t.Errorf("ListEvents(b) = %d events of a", len(evs))
	}
}

func testEventList(t *testing.T, s Store) {
	ctx := t.Context()
	a, b := setup(t, s), setup(t, s)

	// Five events of a a minute apart, alternating types; one of b.
	var evs []hookhub.Event
	for i := range 5 {
		typ := "contact.created"
		if i%2 == 1 {
			typ = "sale.sold"
		}
		at := now.Add(time.Duration(i) * time.Minute)
		e := newEvent(a.tenant.ID, typ, at)
		e.Data = json.RawMessage(`{"i":` + string(rune('0'+i)) + `}`)
		e.IdempotencyKey = "k" + string(rune('0'+i))
		rs, err := s.Publish(ctx, at, hookhub.PublishRequest{Event: e})
		if err != nil {
			t.Fatalf("Publish: %v", err)
		}
		evs = append(evs, rs[0].Event)
	}
	publish(t, s, now, b.tenant.ID, "contact.created")

	// GetEvent round-trips every field.
	want := evs[1]
	got, err := s.GetEvent(ctx, a.tenant.ID, want.ID)
	if err != nil {
		t.Fatalf("GetEvent: %v", err)
	}
	if got.ID != want.ID || got.TenantID != want.TenantID || got.Type != want.Type || got.EntityType != want.EntityType ||
		got.EntityID != want.EntityID || got.IdempotencyKey != want.IdempotencyKey || !sameTime(got.CreatedAt, want.CreatedAt) ||
		!sameJSON(got.Data, want.Data) || !slices.Equal(got.ModifiedFields, want.ModifiedFields) {
		t.Errorf("GetEvent = %+v\nwant %+v", got, want)
	}
	if !sameTime(want.CreatedAt, now.Add(time.Minute)) || !sameJSON(want.Data, []byte(`{"i":1}`)) {
		t.Errorf("PublishResult.Event = %+v, want the published event", want)
	}
	_, err = s.GetEvent(ctx, a.tenant.ID, evs[4].ID+1000)
	wantCode(t, "GetEvent(unknown)", err, hookhub.ENOTFOUND)

	id := func(i ...int) []int64 {
		var out []int64
		for _, j := range i {
			out = append(out, evs[j].ID)
		}
		return out
	}
	for _, tt := range []struct {
		name string
		f    hookhub.EventFilter
		want []int64 // newest first
	}{
		{"all", hookhub.EventFilter{}, id(4, 3, 2, 1, 0)},
		{"type", hookhub.EventFilter{Type: "sale.sold"}, id(3, 1)},
		{"since", hookhub.EventFilter{Since: now.Add(90 * time.Second)}, id(4, 3, 2)},
		{"until", hookhub.EventFilter{Until: now.Add(90 * time.Second)}, id(1, 0)},
		{"since until", hookhub.EventFilter{Since: now.Add(30 * time.Second), Until: now.Add(150 * time.Second)}, id(2, 1)},
		{"type since", hookhub.EventFilter{Type: "contact.created", Since: now.Add(30 * time.Second)}, id(4, 2)},
		{"limit", hookhub.EventFilter{Page: hookhub.Page{Limit: 2}}, id(4, 3)},
		{"before", hookhub.EventFilter{Page: hookhub.Page{Limit: 2, Before: evs[3].ID}}, id(2, 1)},
		{"last page", hookhub.EventFilter{Page: hookhub.Page{Limit: 2, Before: evs[1].ID}}, id(0)},
		{"type page", hookhub.EventFilter{Type: "contact.created", Page: hookhub.Page{Limit: 1, Before: evs[4].ID}}, id(2)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			es, err := s.ListEvents(ctx, a.tenant.ID, tt.f)
			if err != nil {
				t.Fatalf("ListEvents: %v", err)
			}
			var got []int64
			for _, e := range es {
				got = append(got, e.ID)
				if e.TenantID != a.tenant.ID {
					t.Errorf("event %d of tenant %s", e.ID, e.TenantID)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("ListEvents(%+v) = %v, want %v", tt.f, got, tt.want)
			}
		})
	}
}

// testPublishBatchMatches: a publish of many events at once (written in
// chunks, some with an idempotency key, one repeating an earlier key), fanned
// out to two webhooks and partly leased, answers each event with its own
// id: read back, every event is the one published at its place, and every
// claim and delivery is of its own event.
func testPublishBatchMatches(t *testing.T, s Store) {
	ctx := t.Context()
	ten := newTenant(t, s)
	w1 := newWebhook(t, s, ten.ID, func(w *hookhub.Webhook) { w.Events = []string{"*"} })
	w2 := newWebhook(t, s, ten.ID, func(w *hookhub.Webhook) { w.Events = []string{"contact.*"} })
	earlier := newEvent(ten.ID, "contact.created", now)
	earlier.IdempotencyKey = "repeat"
	firsts, err := s.Publish(ctx, now, hookhub.PublishRequest{Event: earlier})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	first := firsts[0]

	other := newTenant(t, s)
	newWebhook(t, s, other.ID, func(w *hookhub.Webhook) { w.Events = []string{"*"} })

	// Event 50 repeats the earlier key, event 90 repeats event 17's key in
	// the same chunk, event 97 repeats event 37's key across chunks, and
	// event 95 is another tenant's with the earlier key: new, as keys are
	// each tenant's own.
	const n = 101 // chunks of 64, 32, 4 and 1
	repeats := map[int]int{90: 17, 97: 37}
	reqs := make([]hookhub.PublishRequest, n)
	for i := range reqs {
		typ := "contact.created"
		if i%3 == 0 {
			typ = "sale.sold" // for w1 only
		}
		e := newEvent(ten.ID, typ, now)
		e.EntityID = "e" + strconv.Itoa(i)
		e.Data = json.RawMessage(`{"i":` + strconv.Itoa(i) + `}`)
		switch {
		case i == 50:
			e.IdempotencyKey = "repeat"
		case i == 95:
			e.TenantID = other.ID
			e.IdempotencyKey = "repeat"
		case repeats[i] != 0:
			e.IdempotencyKey = "k" + strconv.Itoa(repeats[i])
		case i%10 == 7:
			e.IdempotencyKey = "k" + strconv.Itoa(i)
		}
		reqs[i].Event = e
	}
	rs, err := s.PublishLeased(ctx, now, hookhub.Lease{Max: 60, For: lease}, reqs...)
	if err != nil {
		t.Fatalf("PublishLeased: %v", err)
	}
	claims := 0
	for i, r := range rs {
		if i == 50 {
			if !r.Duplicate || r.Event.ID != first.Event.ID {
				t.Errorf("event 50 (a repeated key) = duplicate %v, id %d; want the first, %d", r.Duplicate, r.Event.ID, first.Event.ID)
			}
			continue
		}
		if j := repeats[i]; j != 0 {
			if !r.Duplicate || r.Event.ID != rs[j].Event.ID || r.Deliveries != 0 {
				t.Errorf("event %d (event %d's key) = duplicate %v, id %d, %d deliveries; want event %d's id, %d, and none",
					i, j, r.Duplicate, r.Event.ID, r.Deliveries, j, rs[j].Event.ID)
			}
			continue
		}
		if i == 95 {
			if r.Duplicate || r.Event.TenantID != other.ID || r.Deliveries != 1 {
				t.Errorf("event 95 (another tenant's, with a key this one used) = duplicate %v, tenant %s, %d deliveries; want new, %s, 1",
					r.Duplicate, r.Event.TenantID, r.Deliveries, other.ID)
			}
			if _, err := s.GetEvent(ctx, other.ID, r.Event.ID); err != nil {
				t.Errorf("GetEvent(event 95, its tenant): %v", err)
			}
			continue
		}
		got, err := s.GetEvent(ctx, ten.ID, r.Event.ID)
		if err != nil {
			t.Fatalf("GetEvent(result %d): %v", i, err)
		}
		if want := "e" + strconv.Itoa(i); got.EntityID != want || string(got.Data) != string(reqs[i].Event.Data) || r.Event.EntityID != want {
			t.Errorf("result %d: stored event %d is %s %s, want %s %s", i, got.ID, got.EntityID, got.Data, want, reqs[i].Event.Data)
		}
		wantD := 2
		if reqs[i].Event.Type == "sale.sold" {
			wantD = 1
		}
		if r.Deliveries != wantD {
			t.Errorf("result %d: %d deliveries, want %d", i, r.Deliveries, wantD)
		}
		for _, c := range r.Claims {
			claims++
			d, err := s.GetDelivery(ctx, ten.ID, c.ID)
			if err != nil || d.EventID != r.Event.ID || c.EventID != r.Event.ID || d.WebhookID != c.WebhookID || d.State != hookhub.DeliveryInFlight {
				t.Errorf("result %d: claim %+v, stored %+v, %v; want in flight, of event %d", i, c.Delivery, d, err, r.Event.ID)
			}
		}
		if ds := deliveriesOf(t, s, ten.ID, r.Event.ID); len(ds) != wantD {
			t.Errorf("result %d: %d deliveries stored, want %d", i, len(ds), wantD)
		} else {
			for _, d := range ds {
				if d.WebhookID != w1.ID && d.WebhookID != w2.ID {
					t.Errorf("result %d: a delivery to webhook %d", i, d.WebhookID)
				}
			}
		}
	}
	if claims != 60 {
		t.Errorf("%d deliveries leased, want 60 (the lease's Max)", claims)
	}
	// Ids follow the order of the request.
	var prev int64
	for i, r := range rs {
		if i == 50 || repeats[i] != 0 {
			continue
		}
		if r.Event.ID <= prev {
			t.Errorf("event %d has id %d, after %d: ids out of the request's order", i, r.Event.ID, prev)
		}
		prev = r.Event.ID
	}
	// One event published twice in one call is two events, each with its
	// own deliveries.
	twice := newEvent(ten.ID, "sale.sold", now)
	rs, err = s.Publish(ctx, now, hookhub.PublishRequest{Event: twice}, hookhub.PublishRequest{Event: twice})
	if err != nil {
		t.Fatalf("Publish(the same event twice): %v", err)
	}
	if rs[0].Event.ID == rs[1].Event.ID {
		t.Fatalf("the same event published twice got one id, %d", rs[0].Event.ID)
	}
	for _, r := range rs {
		if ds := deliveriesOf(t, s, ten.ID, r.Event.ID); len(ds) != 1 {
			t.Errorf("event %d published twice in one call: %d deliveries, want 1", r.Event.ID, len(ds))
		}
	}
}

// testPublishKeysCrossed: two publishes at once of the same idempotency
// keys in opposite orders (a client retrying a batch while the first try
// still runs, say) both succeed, and each key is one event: the first
// writer's, which the other gets back as a duplicate. On PostgreSQL each
// waits on a key the other inserted first, a deadlock the database breaks
// by failing one of them.
func testPublishKeysCrossed(t *testing.T, s Store) {
	ctx := t.Context()
	ten := newTenant(t, s)
	newWebhook(t, s, ten.ID, nil)
	const rounds, keys = 8, 64
	for round := range rounds {
		var results [2][]hookhub.PublishResult
		var errs [2]error
		var wg sync.WaitGroup
		start := make(chan struct{})
		for side := range 2 {
			reqs := make([]hookhub.PublishRequest, keys)
			for i := range reqs {
				k := i
				if side == 1 {
					k = keys - 1 - i
				}
				e := newEvent(ten.ID, "contact.created", now)
				e.IdempotencyKey = fmt.Sprintf("r%d-k%d", round, k)
				reqs[i].Event = e
			}
			wg.Go(func() {
				<-start
				results[side], errs[side] = s.Publish(ctx, now, reqs...)
			})
		}
		close(start)
		wg.Wait()
		for side, err := range errs {
			if err != nil {
				t.Fatalf("round %d: publish %d: %v", round, side, err)
			}
		}
		for i := range keys {
			a, b := results[0][i], results[1][keys-1-i] // the same key
			if a.Event.ID != b.Event.ID || a.Duplicate == b.Duplicate {
				t.Errorf("round %d, key %d: events %d (duplicate %v) and %d (duplicate %v); want one event, new to one of them",
					round, i, a.Event.ID, a.Duplicate, b.Event.ID, b.Duplicate)
			}
		}
	}
}
