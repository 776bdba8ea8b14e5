package storetest

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

// checkAttempt reports every field of got that differs from want.
func checkAttempt(t *testing.T, got, want *hookhub.Attempt) {
	t.Helper()
	if got.ID == 0 {
		t.Error("stored attempt has no ID")
	}
	if got.DeliveryID != want.DeliveryID || got.TenantID != want.TenantID || got.WebhookID != want.WebhookID ||
		got.EventID != want.EventID || got.Number != want.Number || got.URL != want.URL ||
		got.Status != want.Status || got.Error != want.Error || got.Success != want.Success ||
		got.Duration.Truncate(time.Millisecond) != want.Duration.Truncate(time.Millisecond) || !sameTime(got.StartedAt, want.StartedAt) {
		t.Errorf("attempt = %+v\nwant %+v", got, want)
	}
	if !sameHeader(got.RequestHeaders, want.RequestHeaders) || !sameHeader(got.ResponseHeaders, want.ResponseHeaders) {
		t.Errorf("attempt headers = %v, %v, want %v, %v", got.RequestHeaders, got.ResponseHeaders, want.RequestHeaders, want.ResponseHeaders)
	}
	if !bytes.Equal(got.RequestBody, want.RequestBody) || !bytes.Equal(got.ResponseBody, want.ResponseBody) {
		t.Errorf("attempt bodies = %q, %q, want %q, %q", got.RequestBody, got.ResponseBody, want.RequestBody, want.ResponseBody)
	}
}

func attemptsOf(t *testing.T, s Store, tenantID string, deliveryID int64) []*hookhub.Attempt {
	t.Helper()
	as, err := s.ListAttempts(t.Context(), tenantID, hookhub.AttemptFilter{DeliveryID: deliveryID, Page: hookhub.Page{Limit: 100}})
	if err != nil {
		t.Fatalf("ListAttempts: %v", err)
	}
	return as
}

// mailOf lists the tenant's e-mails about a webhook, oldest first.
func mailOf(t *testing.T, s Store, tenantID string, webhookID int64) []*hookhub.Mail {
	t.Helper()
	ms, err := s.ListMail(t.Context(), tenantID, hookhub.Page{Limit: 100})
	if err != nil {
		t.Fatalf("ListMail: %v", err)
	}
	var out []*hookhub.Mail
	for _, m := range ms {
		if m.WebhookID == webhookID {
			out = append(out, m)
		}
	}
	slices.Reverse(out)
	return out
}

func mailKinds(ms []*hookhub.Mail) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Kind)
	}
	return out
}

func testCompleteSucceeded(t *testing.T, s Store) {
	b := setup(t, s)
	publishN(t, s, now, b.tenant.ID, "contact.created", 2)
	cs := claim(t, s, now, 10)
	if len(cs) != 2 {
		t.Fatalf("claimed %d, want 2", len(cs))
	}
	// A failure first, so that the success ends a streak.
	complete(t, s, now, retry(cs[0], now, now.Add(time.Hour)))
	before := getWebhook(t, s, b.tenant.ID, b.webhook.ID)
	if before.ConsecutiveFailures != 1 {
		t.Fatalf("ConsecutiveFailures after a failure = %d, want 1", before.ConsecutiveFailures)
	}

	at := now.Add(time.Second)
	o := succeeded(cs[1], at)
	complete(t, s, at, o)

	d := getDelivery(t, s, b.tenant.ID, cs[1].ID)
	if d.State != hookhub.DeliverySucceeded || d.Attempts != 1 || d.LastStatus != 200 {
		t.Errorf("delivery = state %s, attempts %d, last status %d; want succeeded, 1, 200", d.State, d.Attempts, d.LastStatus)
	}
	as := attemptsOf(t, s, b.tenant.ID, cs[1].ID)
	if len(as) != 1 {
		t.Fatalf("delivery has %d attempts, want 1", len(as))
	}
	checkAttempt(t, as[0], o.Attempt)

	w := getWebhook(t, s, b.tenant.ID, b.webhook.ID)
	if got, want := w.TotalCalls, before.TotalCalls+1; got != want {
		t.Errorf("TotalCalls = %d, want %d", got, want)
	}
	if got, want := w.TotalErrors, before.TotalErrors; got != want {
		t.Errorf("TotalErrors = %d, want %d", got, want)
	}
	if w.ConsecutiveFailures != 0 || !w.FailingSince.IsZero() {
		t.Errorf("streak after a success = %d failures since %v, want 0 since zero", w.ConsecutiveFailures, w.FailingSince)
	}
	if !sameTime(w.LastTriggeredAt, at) {
		t.Errorf("LastTriggeredAt = %v, want %v", w.LastTriggeredAt, at)
	}
	if w.State != hookhub.StateActive {
		t.Errorf("State = %s, want active", w.State)
	}
	if got := claim(t, s, now.Add(24*time.Hour), 10); len(got) != 1 || got[0].ID != cs[0].ID {
		t.Errorf("a day later Claim got %v, want only the retried delivery %d", ids(got, claimID), cs[0].ID)
	}
}

func testCompleteRetry(t *testing.T, s Store) {
	b := setup(t, s)
	publish(t, s, now, b.tenant.ID, "contact.created")
	c := claimOne(t, s, now)
	before := getWebhook(t, s, b.tenant.ID, b.webhook.ID)

	runAt := now.Add(5 * time.Minute)
	complete(t, s, now, retry(c, now, runAt))

	d := getDelivery(t, s, b.tenant.ID, c.ID)
	if d.State != hookhub.DeliveryPending || !sameTime(d.RunAt, runAt) || d.Attempts != 1 {
		t.Errorf("delivery = state %s, run at %v, attempts %d; want pending, %v, 1", d.State, d.RunAt, d.Attempts, runAt)
	}
	if d.LastStatus != 500 || d.LastError == "" {
		t.Errorf("delivery LastStatus, LastError = %d, %q; want 500 and an error", d.LastStatus, d.LastError)
	}
	w := getWebhook(t, s, b.tenant.ID, b.webhook.ID)
	if got, want := w.TotalErrors, before.TotalErrors+1; got != want {
		t.Errorf("TotalErrors = %d, want %d", got, want)
	}
	if got, want := w.ConsecutiveFailures, 1; got != want {
		t.Errorf("ConsecutiveFailures = %d, want %d", got, want)
	}
	if w.LastError == "" {
		t.Error("webhook LastError is empty after a failure")
	}
	if !sameTime(w.FailingSince, now) {
		t.Errorf("FailingSince = %v, want %v", w.FailingSince, now)
	}
	if got := attemptsOf(t, s, b.tenant.ID, c.ID); len(got) != 1 || got[0].Success {
		t.Errorf("attempts = %d, want 1 failed", len(got))
	}

	if got := claim(t, s, runAt.Add(-time.Millisecond), 10); len(got) != 0 {
		t.Errorf("Claim before RunAt got %d, want 0", len(got))
	}
	c = claimOne(t, s, runAt)
	if got, want := c.Attempts, 2; got != want {
		t.Errorf("Attempts on the second claim = %d, want %d", got, want)
	}

	// A second failure continues the streak that began at the first.
	complete(t, s, runAt, retry(c, runAt, runAt.Add(time.Hour)))
	w = getWebhook(t, s, b.tenant.ID, b.webhook.ID)
	if w.ConsecutiveFailures != 2 || w.TotalErrors != before.TotalErrors+2 || !sameTime(w.FailingSince, now) {
		t.Errorf("after two failures: failures %d, errors %d, failing since %v; want 2, %d, %v",
			w.ConsecutiveFailures, w.TotalErrors, w.FailingSince, before.TotalErrors+2, now)
	}
	as := attemptsOf(t, s, b.tenant.ID, c.ID)
	if got, want := len(as), 2; got != want {
		t.Fatalf("attempts = %d, want %d", got, want)
	}
	if got := []int{as[0].Number, as[1].Number}; !slices.Equal(got, []int{2, 1}) {
		t.Errorf("attempt numbers newest first = %v, want [2 1]", got)
	}
}

func testCompleteFailed(t *testing.T, s Store) {
	b := setup(t, s)
	publish(t, s, now, b.tenant.ID, "contact.created")
	c := claimOne(t, s, now)
	o := failed(c, now)
	complete(t, s, now, o)

	d := getDelivery(t, s, b.tenant.ID, c.ID)
	if d.State != hookhub.DeliveryFailed || d.LastStatus != 500 {
		t.Errorf("delivery = state %s, last status %d; want failed, 500", d.State, d.LastStatus)
	}
	as := attemptsOf(t, s, b.tenant.ID, c.ID)
	if len(as) != 1 {
		t.Fatalf("attempts = %d, want 1", len(as))
	}
	checkAttempt(t, as[0], o.Attempt)
	w := getWebhook(t, s, b.tenant.ID, b.webhook.ID)
	if w.ConsecutiveFailures != 1 || w.TotalErrors != 1 || !sameTime(w.FailingSince, now) {
		t.Errorf("webhook = failures %d, errors %d, failing since %v; want 1, 1, %v", w.ConsecutiveFailures, w.TotalErrors, w.FailingSince, now)
	}
	if got := claim(t, s, now.Add(30*24*time.Hour), 10); len(got) != 0 {
		t.Errorf("a failed delivery was claimed again")
	}
}

func testCompleteHeld(t *testing.T, s Store) {
	b := setup(t, s)
	publish(t, s, now, b.tenant.ID, "contact.created")
	c := claimOne(t, s, now)
	before := getWebhook(t, s, b.tenant.ID, b.webhook.ID)
	complete(t, s, now, hookhub.Outcome{DeliveryID: c.ID, TenantID: c.TenantID, WebhookID: c.WebhookID, Kind: hookhub.OutcomeHeld})

	d := getDelivery(t, s, b.tenant.ID, c.ID)
	if d.State != hookhub.DeliveryHeld || d.Attempts != 0 {
		t.Errorf("delivery = state %s, attempts %d; want held, 0", d.State, d.Attempts)
	}
	if got := attemptsOf(t, s, b.tenant.ID, c.ID); len(got) != 0 {
		t.Errorf("held delivery has %d attempts, want 0", len(got))
	}
	checkStatistics(t, getWebhook(t, s, b.tenant.ID, b.webhook.ID), before)
	if got := claim(t, s, now.Add(24*time.Hour), 10); len(got) != 0 {
		t.Errorf("a held delivery was claimed")
	}
}

func testCompleteReleased(t *testing.T, s Store) {
	b := setup(t, s)
	publish(t, s, now, b.tenant.ID, "contact.created")
	c := claimOne(t, s, now)
	before := getWebhook(t, s, b.tenant.ID, b.webhook.ID)

	at := now.Add(time.Second)
	complete(t, s, at, hookhub.Outcome{DeliveryID: c.ID, TenantID: c.TenantID, WebhookID: c.WebhookID, Kind: hookhub.OutcomeReleased})
	d := getDelivery(t, s, b.tenant.ID, c.ID)
	if d.State != hookhub.DeliveryPending || d.Attempts != 0 || d.RunAt.After(at) {
		t.Errorf("delivery = state %s, attempts %d, run at %v; want pending, 0, by %v", d.State, d.Attempts, d.RunAt, at)
	}
	if got := attemptsOf(t, s, b.tenant.ID, c.ID); len(got) != 0 {
		t.Errorf("released delivery has %d attempts, want 0", len(got))
	}
	checkStatistics(t, getWebhook(t, s, b.tenant.ID, b.webhook.ID), before)
	c = claimOne(t, s, at)
	if c.Attempts != 1 {
		t.Errorf("Attempts after claiming the released delivery = %d, want 1", c.Attempts)
	}

	// Released with a RunAt (the webhook is busy): due then, not before.
	later := at.Add(time.Minute)
	complete(t, s, at, hookhub.Outcome{DeliveryID: c.ID, TenantID: c.TenantID, WebhookID: c.WebhookID, Kind: hookhub.OutcomeReleased, RunAt: later})
	if d := getDelivery(t, s, b.tenant.ID, c.ID); d.State != hookhub.DeliveryPending || d.Attempts != 0 || !sameTime(d.RunAt, later) {
		t.Errorf("delivery released until %v = state %s, attempts %d, run at %v", later, d.State, d.Attempts, d.RunAt)
	}
	if got := claim(t, s, later.Add(-time.Millisecond), 10); len(got) != 0 {
		t.Errorf("Claim before the release time got %d, want 0", len(got))
	}
	claimOne(t, s, later)
}

func testCompleteGone(t *testing.T, s Store) {
	b := setup(t, s)
	publish(t, s, now, b.tenant.ID, "contact.created")
	c := claimOne(t, s, now)
	o := outcome(c, hookhub.OutcomeFailed, attempt(c, now, 410))
	o.Gone = true
	complete(t, s, now, o)

	w := getWebhook(t, s, b.tenant.ID, b.webhook.ID)
	if got, want := w.State, hookhub.StateStopped; got != want {
		t.Errorf("State after 410 Gone = %s, want %s", got, want)
	}
	if got := mailOf(t, s, b.tenant.ID, w.ID); len(got) != 0 {
		t.Errorf("410 Gone queued e-mails %v, want none (no errors address)", mailKinds(got))
	}
	r := publish(t, s, now, b.tenant.ID, "contact.created")
	if d := onlyDelivery(t, s, b.tenant.ID, r.Event.ID); d.State != hookhub.DeliveryHeld {
		t.Errorf("new delivery for the stopped webhook = %s, want held", d.State)
	}
}

func testCompleteTooManyErrors(t *testing.T, s Store) {
	const threshold, failures = 3, 5
	for _, tt := range []struct {
		name    string
		typ     string
		email   string
		oneCall bool
	}{
		{"one by one", "test.one_by_one", "ops@example.com", false},
		{"one call", "test.one_call", "ops@example.com", true},
		{"no address", "test.no_address", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ten := newTenant(t, s)
			w := newWebhook(t, s, ten.ID, func(w *hookhub.Webhook) {
				w.FailureThreshold = threshold
				w.ErrorsEmail = tt.email
				w.Events = []string{tt.typ}
			})
			publishN(t, s, now, ten.ID, w.Events[0], failures)
			var cs []*hookhub.Claim
			for _, c := range claim(t, s, now, 100) {
				if c.WebhookID == w.ID {
					cs = append(cs, c)
				}
			}
			if len(cs) != failures {
				t.Fatalf("claimed %d deliveries of the webhook, want %d", len(cs), failures)
			}

			var os []hookhub.Outcome
			for i, c := range cs {
				at := now.Add(time.Duration(i) * 2 * time.Second) // one after another: each try is a step
				o := retry(c, at, now.Add(time.Hour))
				if !tt.oneCall {
					complete(t, s, at, o)
					got := getWebhook(t, s, ten.ID, w.ID)
					want := hookhub.StateActive
					if i+1 >= threshold {
						want = hookhub.StateTooManyErrors
					}
					if got.State != want || got.ConsecutiveFailures != i+1 {
						t.Errorf("after %d failures: state %s, %d failures; want %s, %d", i+1, got.State, got.ConsecutiveFailures, want, i+1)
					}
					continue
				}
				os = append(os, o)
			}
			if tt.oneCall {
				complete(t, s, now, os...)
			}

			got := getWebhook(t, s, ten.ID, w.ID)
			if got.State != hookhub.StateTooManyErrors || got.ConsecutiveFailures != failures {
				t.Errorf("webhook = %s with %d failures, want too_many_errors with %d", got.State, got.ConsecutiveFailures, failures)
			}
			ms := mailOf(t, s, ten.ID, w.ID)
			want := 1
			if tt.email == "" {
				want = 0
			}
			if len(ms) != want {
				t.Fatalf("e-mails = %v, want %d %s", mailKinds(ms), want, hookhub.MailTooManyErrors)
			}
			if want == 1 {
				m := ms[0]
				if m.Kind != hookhub.MailTooManyErrors || m.To != tt.email || m.TenantID != ten.ID ||
					m.State != hookhub.MailQueued || m.Subject == "" || m.Text == "" {
					t.Errorf("e-mail = %+v, want a queued %s to %s", m, hookhub.MailTooManyErrors, tt.email)
				}
			}
		})
	}
}

func testCompleteEmailEachFailure(t *testing.T, s Store) {
	ten := newTenant(t, s)
	mk := func(each bool) *hookhub.Webhook {
		return newWebhook(t, s, ten.ID, func(w *hookhub.Webhook) {
			w.ErrorsEmail, w.EmailEachFailure = "tilby@example.com", each
			w.Retry = hookhub.RetryPolicy{Schedule: []time.Duration{0, time.Minute, time.Minute}}
		})
	}
	each, quiet := mk(true), mk(false)
	publish(t, s, now, ten.ID, "sale.created")

	// Both webhooks fail three tries: two retries, then failed.
	at := now
	for try := 1; try <= 3; try++ {
		cs := claim(t, s, at, 10)
		if len(cs) != 2 {
			t.Fatalf("try %d: claimed %d, want 2", try, len(cs))
		}
		var os []hookhub.Outcome
		for _, c := range cs {
			if c.Attempts != try {
				t.Errorf("try %d: Attempts = %d", try, c.Attempts)
			}
			if try < 3 {
				os = append(os, retry(c, at, at.Add(time.Minute)))
			} else {
				os = append(os, failed(c, at))
			}
		}
		complete(t, s, at, os...)
		at = at.Add(time.Minute)
	}

	ms := mailOf(t, s, ten.ID, each.ID)
	// One e-mail per failed try, and a separate final one at the limit.
	if got, want := mailKinds(ms), []string{hookhub.MailFailedTry, hookhub.MailFailedTry, hookhub.MailFailedTry, hookhub.MailExhausted}; !slices.Equal(got, want) {
		t.Errorf("e-mails of the webhook with EmailEachFailure = %v, want %v", got, want)
	}
	for _, m := range ms {
		if m.To != each.ErrorsEmail || m.State != hookhub.MailQueued || m.TenantID != ten.ID {
			t.Errorf("e-mail = %+v, want queued to %s", m, each.ErrorsEmail)
		}
	}
	if got := mailOf(t, s, ten.ID, quiet.ID); len(got) != 0 {
		t.Errorf("e-mails of the webhook without EmailEachFailure = %v, want none", mailKinds(got))
	}
}

func testCompleteMany(t *testing.T, s Store) {
	ten := newTenant(t, s)
	mk := func(event string) *hookhub.Webhook {
		return newWebhook(t, s, ten.ID, func(w *hookhub.Webhook) { w.Events = []string{event} })
	}
	ok, again, dead, back := mk("a.one"), mk("a.two"), mk("a.three"), mk("a.four")
	for _, typ := range []string{"a.one", "a.two", "a.three", "a.four"} {
		publish(t, s, now, ten.ID, typ)
	}
	cs := claim(t, s, now, 10)
	if len(cs) != 4 {
		t.Fatalf("claimed %d, want 4", len(cs))
	}
	byWebhook := map[int64]*hookhub.Claim{}
	for _, c := range cs {
		byWebhook[c.WebhookID] = c
	}
	runAt := now.Add(time.Minute)
	complete(t, s, now,
		succeeded(byWebhook[ok.ID], now),
		retry(byWebhook[again.ID], now, runAt),
		failed(byWebhook[dead.ID], now),
		hookhub.Outcome{DeliveryID: byWebhook[back.ID].ID, TenantID: ten.ID, WebhookID: back.ID, Kind: hookhub.OutcomeReleased},
	)

	for _, tt := range []struct {
		w                   *hookhub.Webhook
		state               hookhub.DeliveryState
		attempts            int
		calls, errs, streak int
	}{
		{ok, hookhub.DeliverySucceeded, 1, 1, 0, 0},
		{again, hookhub.DeliveryPending, 1, -1, 1, 1},
		{dead, hookhub.DeliveryFailed, 1, -1, 1, 1},
		{back, hookhub.DeliveryPending, 0, 0, 0, 0},
	} {
		d := getDelivery(t, s, ten.ID, byWebhook[tt.w.ID].ID)
		if d.State != tt.state {
			t.Errorf("delivery of %s = %s, want %s", tt.w.Events[0], d.State, tt.state)
		}
		if got := len(attemptsOf(t, s, ten.ID, d.ID)); got != tt.attempts {
			t.Errorf("attempts of %s = %d, want %d", tt.w.Events[0], got, tt.attempts)
		}
		w := getWebhook(t, s, ten.ID, tt.w.ID)
		if (tt.calls >= 0 && w.TotalCalls != int64(tt.calls)) || w.TotalErrors != int64(tt.errs) || w.ConsecutiveFailures != tt.streak {
			t.Errorf("webhook %s: calls %d, errors %d, streak %d; want %d, %d, %d (calls -1: any)",
				tt.w.Events[0], w.TotalCalls, w.TotalErrors, w.ConsecutiveFailures, tt.calls, tt.errs, tt.streak)
		}
	}
	got := claim(t, s, runAt, 10)
	if want := sorted(byWebhook[again.ID].ID, byWebhook[back.ID].ID); !slices.Equal(ids(got, claimID), want) {
		t.Errorf("Claim at RunAt got %v, want %v", ids(got, claimID), want)
	}
}

func testHeldReactivated(t *testing.T, s Store) {
	b := setup(t, s)
	w := b.webhook
	w.FailureThreshold = 2
	if err := s.UpdateWebhook(t.Context(), w, ""); err != nil {
		t.Fatalf("UpdateWebhook: %v", err)
	}

	// Two failures switch the webhook to too_many_errors.
	readWhileActive := *getWebhook(t, s, b.tenant.ID, w.ID)
	publishN(t, s, now, b.tenant.ID, "contact.created", 2)
	for i, c := range claim(t, s, now, 10) {
		at := now.Add(time.Duration(i) * 2 * time.Second) // one after another
		complete(t, s, at, retry(c, at, now.Add(30*24*time.Hour)))
	}
	stuck := getWebhook(t, s, b.tenant.ID, w.ID)
	if stuck.State != hookhub.StateTooManyErrors || stuck.ConsecutiveFailures != 2 || stuck.FailingSince.IsZero() {
		t.Fatalf("webhook = %s, %d failures since %v; want too_many_errors, 2, a time", stuck.State, stuck.ConsecutiveFailures, stuck.FailingSince)
	}

	// A save from a copy read before the switch, that leaves the state as
	// it read it, does not undo the switch.
	stale := readWhileActive
	stale.Name, stale.UpdatedAt = "renamed while failing", now.Add(time.Second)
	if err := s.UpdateWebhook(t.Context(), &stale, hookhub.StateActive); err != nil {
		t.Fatalf("UpdateWebhook(stale copy): %v", err)
	}
	if got := getWebhook(t, s, b.tenant.ID, w.ID); got.State != hookhub.StateTooManyErrors || got.Name != stale.Name || got.ConsecutiveFailures != 2 {
		t.Fatalf("after a stale save: %s %q with %d failures, want too_many_errors %q with 2", got.State, got.Name, got.ConsecutiveFailures, stale.Name)
	}
	if stale.State != hookhub.StateTooManyErrors {
		t.Errorf("UpdateWebhook left w.State %s, want the state saved (too_many_errors)", stale.State)
	}
	stuck = getWebhook(t, s, b.tenant.ID, w.ID)

	// New events are held for it.
	held := publishN(t, s, now.Add(time.Minute), b.tenant.ID, "contact.changed", 3)
	var heldIDs []int64
	for _, id := range held {
		d := onlyDelivery(t, s, b.tenant.ID, id)
		if d.State != hookhub.DeliveryHeld {
			t.Errorf("delivery for a too_many_errors webhook = %s, want held", d.State)
		}
		heldIDs = append(heldIDs, d.ID)
	}
	if got := claim(t, s, now.Add(time.Hour), 10); len(got) != 0 {
		t.Errorf("held deliveries were claimed: %v", ids(got, claimID))
	}

	// Active again: they are due at once, and the streak is over.
	at := now.Add(2 * time.Hour)
	upd := *stuck
	upd.State, upd.UpdatedAt = hookhub.StateActive, at
	if err := s.UpdateWebhook(t.Context(), &upd, ""); err != nil {
		t.Fatalf("UpdateWebhook: %v", err)
	}
	got := getWebhook(t, s, b.tenant.ID, w.ID)
	if got.State != hookhub.StateActive || got.ConsecutiveFailures != 0 || !got.FailingSince.IsZero() {
		t.Errorf("re-activated webhook = %s, %d failures since %v; want active, 0, zero", got.State, got.ConsecutiveFailures, got.FailingSince)
	}
	if got.TotalErrors != stuck.TotalErrors {
		t.Errorf("TotalErrors = %d, want %d: re-activation keeps totals", got.TotalErrors, stuck.TotalErrors)
	}
	for _, id := range heldIDs {
		d := getDelivery(t, s, b.tenant.ID, id)
		if d.State != hookhub.DeliveryPending || d.RunAt.After(at) {
			t.Errorf("released delivery = %s at %v, want pending by %v", d.State, d.RunAt, at)
		}
	}
	if got := claim(t, s, at, 10); !slices.Equal(ids(got, claimID), sorted(heldIDs...)) {
		t.Errorf("Claim at re-activation got %v, want the held deliveries %v", ids(got, claimID), heldIDs)
	}
	if r := publish(t, s, at, b.tenant.ID, "contact.changed"); onlyDelivery(t, s, b.tenant.ID, r.Event.ID).State != hookhub.DeliveryPending {
		t.Error("a new delivery for the re-activated webhook is not pending")
	}
}
