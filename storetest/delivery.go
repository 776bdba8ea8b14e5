package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

func testRetryDelivery(t *testing.T, s Store) {
	ctx := t.Context()
	b, other := setup(t, s), setup(t, s)
	publishN(t, s, now, b.tenant.ID, "contact.created", 3)
	cs := claim(t, s, now, 10)
	if len(cs) != 3 {
		t.Fatalf("claimed %d, want 3", len(cs))
	}
	dead, busy, done := cs[0], cs[1], cs[2]
	complete(t, s, now, failed(dead, now), succeeded(done, now))

	at := now.Add(10 * time.Second) // busy's lease runs until now+30s
	d, err := s.RetryDelivery(ctx, b.tenant.ID, dead.ID, at)
	if err != nil {
		t.Fatalf("RetryDelivery(failed): %v", err)
	}
	if d.ID != dead.ID || d.State != hookhub.DeliveryPending || d.RunAt.After(at) {
		t.Errorf("RetryDelivery = %d %s at %v, want %d pending by %v", d.ID, d.State, d.RunAt, dead.ID, at)
	}
	if d := getDelivery(t, s, b.tenant.ID, dead.ID); d.State != hookhub.DeliveryPending || d.RunAt.After(at) {
		t.Errorf("stored delivery = %s at %v, want pending by %v", d.State, d.RunAt, at)
	}
	if got := claim(t, s, at, 10); !slices.Equal(ids(got, claimID), []int64{dead.ID}) {
		t.Errorf("Claim after RetryDelivery got %v, want [%d]", ids(got, claimID), dead.ID)
	}

	_, err = s.RetryDelivery(ctx, b.tenant.ID, busy.ID, at)
	wantCode(t, "RetryDelivery(in flight)", err, hookhub.ECONFLICT)
	if d := getDelivery(t, s, b.tenant.ID, busy.ID); d.State != hookhub.DeliveryInFlight || !sameTime(d.RunAt, now.Add(lease)) {
		t.Errorf("in-flight delivery after a refused retry = %s at %v", d.State, d.RunAt)
	}

	_, err = s.RetryDelivery(ctx, other.tenant.ID, done.ID, at)
	wantCode(t, "RetryDelivery(other tenant's)", err, hookhub.ENOTFOUND)
	if d := getDelivery(t, s, b.tenant.ID, done.ID); d.State != hookhub.DeliverySucceeded {
		t.Errorf("delivery after another tenant's retry = %s, want succeeded", d.State)
	}
	_, err = s.RetryDelivery(ctx, b.tenant.ID, done.ID+1000, at)
	wantCode(t, "RetryDelivery(unknown)", err, hookhub.ENOTFOUND)

	// A succeeded delivery can be sent again by hand.
	d, err = s.RetryDelivery(ctx, b.tenant.ID, done.ID, at)
	if err != nil {
		t.Fatalf("RetryDelivery(succeeded): %v", err)
	}
	if d.State != hookhub.DeliveryPending || d.RunAt.After(at) {
		t.Errorf("RetryDelivery(succeeded) = %s at %v, want pending by %v", d.State, d.RunAt, at)
	}
}

func testRecoverDeliveries(t *testing.T, s Store) {
	ctx := t.Context()
	b := setup(t, s)
	w := b.webhook
	w.Events = []string{"contact.*"}
	if err := s.UpdateWebhook(ctx, w, ""); err != nil {
		t.Fatalf("UpdateWebhook: %v", err)
	}
	sibling := newWebhook(t, s, b.tenant.ID, func(w *hookhub.Webhook) { w.Events = []string{"sale.*"} })

	// An old failure of w, before the recovery window.
	old := now.Add(-2 * time.Hour)
	publish(t, s, old, b.tenant.ID, "contact.created")
	oldC := claimOne(t, s, old)
	complete(t, s, old, failed(oldC, old))

	// In the window: two failures and a success of w, a failure of sibling.
	publishN(t, s, now, b.tenant.ID, "contact.created", 3)
	publish(t, s, now, b.tenant.ID, "sale.created")
	var mine, theirs []*hookhub.Claim
	for _, c := range claim(t, s, now, 10) {
		switch c.WebhookID {
		case w.ID:
			mine = append(mine, c)
		case sibling.ID:
			theirs = append(theirs, c)
		}
	}
	if len(mine) != 3 || len(theirs) != 1 {
		t.Fatalf("claimed %d of w and %d of sibling, want 3 and 1", len(mine), len(theirs))
	}
	complete(t, s, now, failed(mine[0], now), failed(mine[1], now), succeeded(mine[2], now), failed(theirs[0], now))

	at := now.Add(time.Minute)
	n, err := s.RecoverDeliveries(ctx, b.tenant.ID, w.ID, now.Add(-time.Hour), at)
	if err != nil {
		t.Fatalf("RecoverDeliveries: %v", err)
	}
	if got, want := n, 2; got != want {
		t.Errorf("RecoverDeliveries = %d, want %d", got, want)
	}
	for _, tt := range []struct {
		id    int64
		state hookhub.DeliveryState
	}{
		{mine[0].ID, hookhub.DeliveryPending},
		{mine[1].ID, hookhub.DeliveryPending},
		{mine[2].ID, hookhub.DeliverySucceeded},
		{oldC.ID, hookhub.DeliveryFailed},
		{theirs[0].ID, hookhub.DeliveryFailed},
	} {
		if d := getDelivery(t, s, b.tenant.ID, tt.id); d.State != tt.state {
			t.Errorf("delivery %d = %s, want %s", tt.id, d.State, tt.state)
		}
	}
	if got, want := ids(claim(t, s, at, 10), claimID), sorted(mine[0].ID, mine[1].ID); !slices.Equal(got, want) {
		t.Errorf("Claim after recovery got %v, want %v", got, want)
	}

	n, err = s.RecoverDeliveries(ctx, b.tenant.ID, w.ID, now.Add(-time.Hour), at)
	if err != nil || n != 0 {
		t.Errorf("RecoverDeliveries with nothing failed = %d, %v; want 0", n, err)
	}
}

func testDeliveryList(t *testing.T, s Store) {
	ctx := t.Context()
	b, other := setup(t, s), setup(t, s)
	w1 := b.webhook // "*"
	w2 := newWebhook(t, s, b.tenant.ID, func(w *hookhub.Webhook) { w.Events = []string{"sale.*"} })

	e0 := publish(t, s, now, b.tenant.ID, "contact.created").Event.ID
	e1 := publish(t, s, now.Add(time.Minute), b.tenant.ID, "sale.sold").Event.ID
	e2 := publish(t, s, now.Add(2*time.Minute), b.tenant.ID, "sale.sold").Event.ID
	publish(t, s, now.Add(time.Minute), other.tenant.ID, "sale.sold")

	at := now.Add(2 * time.Minute)
	cl := map[[2]int64]*hookhub.Claim{} // by (event, webhook)
	for _, c := range claim(t, s, at, 10) {
		if c.TenantID == b.tenant.ID {
			cl[[2]int64{c.EventID, c.WebhookID}] = c
		}
	}
	if len(cl) != 5 {
		t.Fatalf("claimed %d deliveries of b, want 5", len(cl))
	}
	id := func(event int64, w *hookhub.Webhook) int64 {
		c := cl[[2]int64{event, w.ID}]
		if c == nil {
			t.Fatalf("no delivery of event %d for webhook %d", event, w.ID)
		}
		return c.ID
	}
	d0, d1a, d1b, d2a, d2b := id(e0, w1), id(e1, w1), id(e1, w2), id(e2, w1), id(e2, w2)
	complete(t, s, at,
		succeeded(cl[[2]int64{e0, w1.ID}], at),
		failed(cl[[2]int64{e1, w2.ID}], at),
		hookhub.Outcome{DeliveryID: d2b, TenantID: b.tenant.ID, WebhookID: w2.ID, Kind: hookhub.OutcomeReleased},
	)
	// d0 succeeded, d1b failed, d2b pending, d1a and d2a in flight.

	all := sorted(d0, d1a, d1b, d2a, d2b)
	slices.Reverse(all)
	for _, tt := range []struct {
		name string
		f    hookhub.DeliveryFilter
		want []int64
	}{
		{"all", hookhub.DeliveryFilter{}, []int64{d0, d1a, d1b, d2a, d2b}},
		{"webhook", hookhub.DeliveryFilter{WebhookID: w2.ID}, []int64{d1b, d2b}},
		{"event", hookhub.DeliveryFilter{EventID: e1}, []int64{d1a, d1b}},
		{"succeeded", hookhub.DeliveryFilter{State: hookhub.DeliverySucceeded}, []int64{d0}},
		{"failed", hookhub.DeliveryFilter{State: hookhub.DeliveryFailed}, []int64{d1b}},
		{"pending", hookhub.DeliveryFilter{State: hookhub.DeliveryPending}, []int64{d2b}},
		{"in flight", hookhub.DeliveryFilter{State: hookhub.DeliveryInFlight}, []int64{d1a, d2a}},
		{"held", hookhub.DeliveryFilter{State: hookhub.DeliveryHeld}, nil},
		{"since", hookhub.DeliveryFilter{Since: now.Add(30 * time.Second)}, []int64{d1a, d1b, d2a, d2b}},
		{"until", hookhub.DeliveryFilter{Until: now.Add(90 * time.Second)}, []int64{d0, d1a, d1b}},
		{"since until", hookhub.DeliveryFilter{Since: now.Add(30 * time.Second), Until: now.Add(90 * time.Second)}, []int64{d1a, d1b}},
		{"webhook since", hookhub.DeliveryFilter{WebhookID: w1.ID, Since: now.Add(30 * time.Second)}, []int64{d1a, d2a}},
		{"webhook state", hookhub.DeliveryFilter{WebhookID: w1.ID, State: hookhub.DeliveryInFlight}, []int64{d1a, d2a}},
		{"other tenant's webhook", hookhub.DeliveryFilter{WebhookID: other.webhook.ID}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := s.ListDeliveries(ctx, b.tenant.ID, tt.f)
			if err != nil {
				t.Fatalf("ListDeliveries: %v", err)
			}
			got := ids(ds, deliveryID)
			if want := sorted(tt.want...); !slices.Equal(got, want) {
				t.Errorf("ListDeliveries(%+v) = %v, want %v", tt.f, got, want)
			}
			checkNewestFirst(t, ds, deliveryID)
		})
	}

	// Pages, newest first.
	var paged []int64
	before := int64(0)
	for range 4 {
		ds, err := s.ListDeliveries(ctx, b.tenant.ID, hookhub.DeliveryFilter{Page: hookhub.Page{Limit: 2, Before: before}})
		if err != nil {
			t.Fatalf("ListDeliveries: %v", err)
		}
		if len(ds) > 2 {
			t.Fatalf("page of %d, want at most 2", len(ds))
		}
		if len(ds) == 0 {
			break
		}
		for _, d := range ds {
			paged = append(paged, d.ID)
		}
		before = ds[len(ds)-1].ID
	}
	if !slices.Equal(paged, all) {
		t.Errorf("paged deliveries = %v, want %v", paged, all)
	}

	ds, err := s.ListDeliveries(ctx, other.tenant.ID, hookhub.DeliveryFilter{})
	if err != nil {
		t.Fatalf("ListDeliveries: %v", err)
	}
	for _, d := range ds {
		if d.TenantID != other.tenant.ID || slices.Contains(all, d.ID) {
			t.Errorf("other tenant lists delivery %d of %s", d.ID, d.TenantID)
		}
	}
	if len(ds) != 1 {
		t.Errorf("other tenant has %d deliveries, want 1", len(ds))
	}
	_, err = s.GetDelivery(ctx, other.tenant.ID, d0)
	wantCode(t, "GetDelivery(other tenant's)", err, hookhub.ENOTFOUND)
}

// checkNewestFirst fails t unless xs are in descending id order.
func checkNewestFirst[T any](t *testing.T, xs []T, id func(T) int64) {
	t.Helper()
	for i := 1; i < len(xs); i++ {
		if id(xs[i-1]) <= id(xs[i]) {
			t.Errorf("list is not newest first: %d before %d", id(xs[i-1]), id(xs[i]))
		}
	}
}

func testAttemptList(t *testing.T, s Store) {
	ctx := t.Context()
	b, other := setup(t, s), setup(t, s)
	w1 := b.webhook
	w2 := newWebhook(t, s, b.tenant.ID, func(w *hookhub.Webhook) { w.Events = []string{"sale.*"} })
	publish(t, s, now, b.tenant.ID, "contact.created") // w1
	publish(t, s, now, b.tenant.ID, "sale.lost")       // w1 and w2
	publish(t, s, now, other.tenant.ID, "sale.lost")

	// Each of b's deliveries fails once and then succeeds; other's fails.
	for _, at := range []time.Time{now, now.Add(time.Minute)} {
		for _, c := range claim(t, s, at, 10) {
			if c.TenantID == other.tenant.ID {
				complete(t, s, at, failed(c, at))
				continue
			}
			if c.Attempts == 1 {
				complete(t, s, at, retry(c, at, now.Add(time.Minute)))
			} else {
				complete(t, s, at, succeeded(c, at))
			}
		}
	}

	list := func(f hookhub.AttemptFilter) []*hookhub.Attempt {
		t.Helper()
		as, err := s.ListAttempts(ctx, b.tenant.ID, f)
		if err != nil {
			t.Fatalf("ListAttempts: %v", err)
		}
		for _, a := range as {
			if a.TenantID != b.tenant.ID {
				t.Errorf("attempt %d of tenant %s", a.ID, a.TenantID)
			}
		}
		checkNewestFirst(t, as, attemptID)
		return as
	}
	all := list(hookhub.AttemptFilter{})
	if got, want := len(all), 6; got != want {
		t.Fatalf("b has %d attempts, want %d", got, want)
	}
	d := all[0].DeliveryID
	byDelivery := list(hookhub.AttemptFilter{DeliveryID: d})
	if len(byDelivery) != 2 || byDelivery[0].Number != 2 || byDelivery[1].Number != 1 || !byDelivery[0].Success || byDelivery[1].Success {
		t.Errorf("attempts of delivery %d = %d, want try 2 (success) then try 1 (failure)", d, len(byDelivery))
	}
	for _, a := range byDelivery {
		if a.DeliveryID != d {
			t.Errorf("attempt %d of delivery %d, want %d", a.ID, a.DeliveryID, d)
		}
	}
	if as := list(hookhub.AttemptFilter{WebhookID: w2.ID}); len(as) != 2 || as[0].WebhookID != w2.ID || as[1].WebhookID != w2.ID {
		t.Errorf("attempts of w2 = %d, want 2 of w2", len(as))
	}
	if got, want := len(list(hookhub.AttemptFilter{WebhookID: w1.ID})), 4; got != want {
		t.Errorf("attempts of w1 = %d, want %d", got, want)
	}
	failures := list(hookhub.AttemptFilter{FailedOnly: true})
	if len(failures) != 3 {
		t.Errorf("failed attempts = %d, want 3", len(failures))
	}
	for _, a := range failures {
		if a.Success {
			t.Errorf("FailedOnly listed successful attempt %d", a.ID)
		}
	}
	if got, want := len(list(hookhub.AttemptFilter{WebhookID: w2.ID, FailedOnly: true})), 1; got != want {
		t.Errorf("failed attempts of w2 = %d, want %d", got, want)
	}
	if got, want := len(list(hookhub.AttemptFilter{Since: now.Add(30 * time.Second)})), 3; got != want {
		t.Errorf("attempts since the second round = %d, want %d", got, want)
	}
	if got, want := len(list(hookhub.AttemptFilter{Until: now.Add(30 * time.Second)})), 3; got != want {
		t.Errorf("attempts until the second round = %d, want %d", got, want)
	}

	page := list(hookhub.AttemptFilter{Page: hookhub.Page{Limit: 4}})
	rest := list(hookhub.AttemptFilter{Page: hookhub.Page{Limit: 4, Before: page[len(page)-1].ID}})
	if got, want := append(ids(page, attemptID), ids(rest, attemptID)...), ids(all, attemptID); len(page) != 4 || !slices.Equal(sorted(got...), want) {
		t.Errorf("pages %v + %v, want %v", ids(page, attemptID), ids(rest, attemptID), want)
	}

	as, err := s.ListAttempts(ctx, other.tenant.ID, hookhub.AttemptFilter{})
	if err != nil {
		t.Fatalf("ListAttempts: %v", err)
	}
	if len(as) != 1 || as[0].TenantID != other.tenant.ID {
		t.Errorf("other tenant has %d attempts, want 1 of its own", len(as))
	}
	if as, err := s.ListAttempts(ctx, other.tenant.ID, hookhub.AttemptFilter{DeliveryID: d}); err != nil || len(as) != 0 {
		t.Errorf("other tenant lists %d attempts of b's delivery (%v)", len(as), err)
	}
}
