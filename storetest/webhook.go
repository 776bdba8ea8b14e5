package storetest

import (
	"encoding/json"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

// fullWebhook sets every setting of w to a value that is not a default.
func fullWebhook(w *hookhub.Webhook) {
	w.Name = "Orders to ERP"
	w.URL = "https://erp.example/in?src=hookhub"
	w.Events = []string{"sale.created", "conversation.*"}
	w.State = hookhub.StateStopped
	w.Format = "superoffice"
	w.Secret = "s3cr3t-" + hookhub.RandomString(8)
	w.SigningScheme = "hmac-sha256"
	w.PreviousSecret = "old-" + hookhub.RandomString(8)
	w.PreviousUntil = now.Add(24*time.Hour + 123*time.Millisecond)
	w.Headers = map[string]string{"X-Api-Key": "k1", "X-Tenant": "acme"}
	w.Properties = json.RawMessage(`{"source": "crm", "nested": {"a": [1, 2]}}`)
	w.Timeout = 2500 * time.Millisecond
	w.Retry = hookhub.RetryPolicy{Schedule: []time.Duration{0, 1500 * time.Millisecond, time.Minute, 15 * time.Minute}, Jitter: 0.15}
	w.SuccessCodes = []int{200, 202}
	w.RateLimitPerS = 12.5
	w.MaxInFlight = 7
	w.FailureThreshold = 4
	w.ErrorsEmail = "ops@acme.example"
	w.EmailEachFailure = true
	w.Meta = json.RawMessage(`{"type": "webhook", "apps": ["a", "b"]}`)
	w.RegisteredAt = now.Add(-time.Hour + 7*time.Millisecond)
	w.RegisteredBy = "tok_registrar"
	w.UpdatedAt = now.Add(-time.Minute)
	w.UpdatedBy = "tok_updater"
}

// checkSettings reports every setting of got that differs from want.
func checkSettings(t *testing.T, got, want *hookhub.Webhook) {
	t.Helper()
	if got.ID != want.ID || got.TenantID != want.TenantID {
		t.Errorf("ID, TenantID = %d, %s, want %d, %s", got.ID, got.TenantID, want.ID, want.TenantID)
	}
	for _, f := range []struct {
		name      string
		got, want any
	}{
		{"Name", got.Name, want.Name},
		{"URL", got.URL, want.URL},
		{"State", got.State, want.State},
		{"Format", got.Format, want.Format},
		{"Secret", got.Secret, want.Secret},
		{"SigningScheme", got.SigningScheme, want.SigningScheme},
		{"PreviousSecret", got.PreviousSecret, want.PreviousSecret},
		{"Timeout", got.Timeout, want.Timeout},
		{"Retry.Jitter", got.Retry.Jitter, want.Retry.Jitter},
		{"RateLimitPerS", got.RateLimitPerS, want.RateLimitPerS},
		{"MaxInFlight", got.MaxInFlight, want.MaxInFlight},
		{"FailureThreshold", got.FailureThreshold, want.FailureThreshold},
		{"ErrorsEmail", got.ErrorsEmail, want.ErrorsEmail},
		{"EmailEachFailure", got.EmailEachFailure, want.EmailEachFailure},
		{"RegisteredBy", got.RegisteredBy, want.RegisteredBy},
		{"UpdatedBy", got.UpdatedBy, want.UpdatedBy},
	} {
		if f.got != f.want {
			t.Errorf("%s = %v, want %v", f.name, f.got, f.want)
		}
	}
	if !slices.Equal(got.Events, want.Events) {
		t.Errorf("Events = %q, want %q", got.Events, want.Events)
	}
	if !maps.Equal(got.Headers, want.Headers) {
		t.Errorf("Headers = %v, want %v", got.Headers, want.Headers)
	}
	if !sameJSON(got.Properties, want.Properties) {
		t.Errorf("Properties = %s, want %s", got.Properties, want.Properties)
	}
	if !sameJSON(got.Meta, want.Meta) {
		t.Errorf("Meta = %s, want %s", got.Meta, want.Meta)
	}
	if !slices.Equal(got.Retry.Schedule, want.Retry.Schedule) {
		t.Errorf("Retry.Schedule = %v, want %v", got.Retry.Schedule, want.Retry.Schedule)
	}
	if !slices.Equal(got.SuccessCodes, want.SuccessCodes) {
		t.Errorf("SuccessCodes = %v, want %v", got.SuccessCodes, want.SuccessCodes)
	}
	for _, f := range []struct {
		name      string
		got, want time.Time
	}{
		{"PreviousUntil", got.PreviousUntil, want.PreviousUntil},
		{"RegisteredAt", got.RegisteredAt, want.RegisteredAt},
		{"UpdatedAt", got.UpdatedAt, want.UpdatedAt},
	} {
		if !sameTime(f.got, f.want) {
			t.Errorf("%s = %v, want %v", f.name, f.got, f.want)
		}
	}
}

// checkStatistics reports every statistic of got that differs from want.
func checkStatistics(t *testing.T, got, want *hookhub.Webhook) {
	t.Helper()
	if got.ConsecutiveFailures != want.ConsecutiveFailures || got.TotalCalls != want.TotalCalls ||
		got.TotalErrors != want.TotalErrors || got.LastError != want.LastError ||
		!sameTime(got.LastTriggeredAt, want.LastTriggeredAt) || !sameTime(got.FailingSince, want.FailingSince) {
		t.Errorf("statistics = {failures %d, calls %d, errors %d, last error %q, last triggered %v, failing since %v}, "+
			"want {failures %d, calls %d, errors %d, last error %q, last triggered %v, failing since %v}",
			got.ConsecutiveFailures, got.TotalCalls, got.TotalErrors, got.LastError, got.LastTriggeredAt, got.FailingSince,
			want.ConsecutiveFailures, want.TotalCalls, want.TotalErrors, want.LastError, want.LastTriggeredAt, want.FailingSince)
	}
}

func testWebhookRoundTrip(t *testing.T, s Store) {
	ten := newTenant(t, s)
	want := newWebhook(t, s, ten.ID, fullWebhook)
	got := getWebhook(t, s, ten.ID, want.ID)
	checkSettings(t, got, want)
	checkStatistics(t, got, &hookhub.Webhook{})

	// A webhook with the empty optional settings keeps them empty.
	want = newWebhook(t, s, ten.ID, nil)
	got = getWebhook(t, s, ten.ID, want.ID)
	checkSettings(t, got, want)
	if !got.PreviousUntil.IsZero() {
		t.Errorf("PreviousUntil = %v, want zero", got.PreviousUntil)
	}

	// Ids are distinct.
	if other := newWebhook(t, s, ten.ID, nil); other.ID == want.ID {
		t.Errorf("two webhooks have the id %d", other.ID)
	}
	_, err := s.GetWebhook(t.Context(), ten.ID, want.ID+1000)
	wantCode(t, "GetWebhook(unknown)", err, hookhub.ENOTFOUND)
}

func testWebhookList(t *testing.T, s Store) {
	ten, other := newTenant(t, s), newTenant(t, s)
	mk := func(tenantID, name string, events []string, state hookhub.WebhookState, format string) *hookhub.Webhook {
		return newWebhook(t, s, tenantID, func(w *hookhub.Webhook) {
			w.Name, w.Events, w.State, w.Format = name, events, state, format
			w.SigningScheme = hookhub.SchemeHMAC
		})
	}
	orders := mk(ten.ID, "Orders Hook", []string{"sale.*"}, hookhub.StateActive, hookhub.FormatStandard)
	chat := mk(ten.ID, "chat relay", []string{"conversation.created"}, hookhub.StateStopped, "salesiq")
	all := mk(ten.ID, "Everything", []string{"*"}, hookhub.StateTooManyErrors, "superoffice")
	contacts := mk(ten.ID, "contacts ORDERS", []string{"contact.created", "contact.changed"}, hookhub.StateActive, "tilby")
	tickets := mk(ten.ID, "Tickets ÄNDERN", []string{"ticket.created"}, hookhub.StateStopped, "crm360")
	mk(other.ID, "Orders Hook", []string{"*"}, hookhub.StateActive, hookhub.FormatStandard)

	for _, tt := range []struct {
		name string
		f    hookhub.WebhookFilter
		want []*hookhub.Webhook
	}{
		{"none", hookhub.WebhookFilter{}, []*hookhub.Webhook{orders, chat, all, contacts, tickets}},
		{"name", hookhub.WebhookFilter{Name: "orders"}, []*hookhub.Webhook{orders, contacts}},
		{"name mid-word", hookhub.WebhookFilter{Name: "LAY"}, []*hookhub.Webhook{chat}},
		{"name none", hookhub.WebhookFilter{Name: "nothing"}, nil},
		{"name beyond ASCII", hookhub.WebhookFilter{Name: "änd"}, []*hookhub.Webhook{tickets}},
		{"name percent is literal", hookhub.WebhookFilter{Name: "%"}, nil},
		{"name underscore is literal", hookhub.WebhookFilter{Name: "_"}, nil},
		{"event by prefix pattern", hookhub.WebhookFilter{Event: "sale.sold"}, []*hookhub.Webhook{orders, all}},
		{"event exact", hookhub.WebhookFilter{Event: "conversation.created"}, []*hookhub.Webhook{chat, all}},
		{"event second of list", hookhub.WebhookFilter{Event: "contact.changed"}, []*hookhub.Webhook{all, contacts}},
		{"event only star", hookhub.WebhookFilter{Event: "operator.created"}, []*hookhub.Webhook{all}},
		{"event not a prefix of its own", hookhub.WebhookFilter{Event: "sale"}, []*hookhub.Webhook{all}},
		{"state active", hookhub.WebhookFilter{State: hookhub.StateActive}, []*hookhub.Webhook{orders, contacts}},
		{"state stopped", hookhub.WebhookFilter{State: hookhub.StateStopped}, []*hookhub.Webhook{chat, tickets}},
		{"state too many errors", hookhub.WebhookFilter{State: hookhub.StateTooManyErrors}, []*hookhub.Webhook{all}},
		{"format", hookhub.WebhookFilter{Format: "salesiq"}, []*hookhub.Webhook{chat}},
		{"name and format", hookhub.WebhookFilter{Name: "hook", Format: hookhub.FormatStandard}, []*hookhub.Webhook{orders}},
		{"event and state", hookhub.WebhookFilter{Event: "contact.created", State: hookhub.StateActive}, []*hookhub.Webhook{contacts}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ws, err := s.ListWebhooks(t.Context(), ten.ID, tt.f)
			if err != nil {
				t.Fatalf("ListWebhooks: %v", err)
			}
			if got, want := ids(ws, webhookID), ids(tt.want, webhookID); !slices.Equal(got, want) {
				t.Errorf("ListWebhooks(%+v) = %v, want %v", tt.f, got, want)
			}
		})
	}

	// Listed webhooks carry their settings.
	ws, err := s.ListWebhooks(t.Context(), ten.ID, hookhub.WebhookFilter{Format: "tilby"})
	if err != nil || len(ws) != 1 {
		t.Fatalf("ListWebhooks = %d webhooks, %v", len(ws), err)
	}
	checkSettings(t, ws[0], contacts)
}

func testWebhookUpdate(t *testing.T, s Store) {
	b := setup(t, s)
	w := b.webhook

	// Make statistics: a failure, then a success, then another failure.
	publishN(t, s, now, b.tenant.ID, "contact.created", 3)
	cs := claim(t, s, now, 10)
	if len(cs) != 3 {
		t.Fatalf("claimed %d deliveries, want 3", len(cs))
	}
	complete(t, s, now, retry(cs[0], now, now.Add(time.Hour)))
	complete(t, s, now.Add(time.Second), succeeded(cs[1], now.Add(time.Second)))
	complete(t, s, now.Add(2*time.Second), retry(cs[2], now.Add(2*time.Second), now.Add(time.Hour)))
	before := getWebhook(t, s, b.tenant.ID, w.ID)
	if before.TotalCalls == 0 || before.TotalErrors == 0 || before.ConsecutiveFailures != 1 {
		t.Fatalf("statistics before update: calls %d, errors %d, failures %d", before.TotalCalls, before.TotalErrors, before.ConsecutiveFailures)
	}

	upd := *before
	fullWebhook(&upd)
	upd.State = hookhub.StateActive // stays active: the streak is not cleared
	upd.RegisteredAt, upd.RegisteredBy = before.RegisteredAt, before.RegisteredBy
	upd.UpdatedAt, upd.UpdatedBy = now.Add(time.Minute), "tok_editor"
	upd.ConsecutiveFailures, upd.TotalCalls, upd.TotalErrors = 99, 99, 99
	upd.LastError, upd.LastTriggeredAt, upd.FailingSince = "made up", now.Add(48*time.Hour), now.Add(-48*time.Hour)
	if err := s.UpdateWebhook(t.Context(), &upd, ""); err != nil {
		t.Fatalf("UpdateWebhook: %v", err)
	}
	got := getWebhook(t, s, b.tenant.ID, w.ID)
	checkSettings(t, got, &upd)
	checkStatistics(t, got, before)

	// Settings can be emptied again.
	upd = *got
	upd.Headers, upd.Properties, upd.Meta, upd.SuccessCodes = nil, nil, nil, nil
	upd.PreviousSecret, upd.PreviousUntil, upd.ErrorsEmail, upd.EmailEachFailure = "", time.Time{}, "", false
	if err := s.UpdateWebhook(t.Context(), &upd, ""); err != nil {
		t.Fatalf("UpdateWebhook: %v", err)
	}
	checkSettings(t, getWebhook(t, s, b.tenant.ID, w.ID), &upd)

	missing := upd
	missing.ID += 1000
	wantCode(t, "UpdateWebhook(unknown)", s.UpdateWebhook(t.Context(), &missing, ""), hookhub.ENOTFOUND)
}

func testWebhookDelete(t *testing.T, s Store) {
	ctx := t.Context()
	b := setup(t, s)
	w := b.webhook
	stopped := newWebhook(t, s, b.tenant.ID, func(w *hookhub.Webhook) { w.State = hookhub.StateStopped })
	keep := newWebhook(t, s, b.tenant.ID, nil)

	// One delivery of w succeeds (an attempt), one stays pending.
	done := publish(t, s, now, b.tenant.ID, "contact.created")
	for _, c := range claim(t, s, now, 10) {
		complete(t, s, now, succeeded(c, now))
	}
	pending := publish(t, s, now, b.tenant.ID, "contact.changed")
	var wPending, keepPending *hookhub.Delivery
	for _, d := range deliveriesOf(t, s, b.tenant.ID, pending.Event.ID) {
		switch d.WebhookID {
		case w.ID:
			wPending = d
		case keep.ID:
			keepPending = d
		}
	}
	if wPending == nil || keepPending == nil {
		t.Fatal("missing pending deliveries")
	}
	held := publish(t, s, now, b.tenant.ID, "contact.deleted")
	var heldD *hookhub.Delivery
	for _, d := range deliveriesOf(t, s, b.tenant.ID, held.Event.ID) {
		if d.WebhookID == stopped.ID {
			heldD = d
		}
	}
	if heldD == nil || heldD.State != hookhub.DeliveryHeld {
		t.Fatalf("delivery for the stopped webhook = %+v, want held", heldD)
	}

	for _, id := range []int64{w.ID, stopped.ID} {
		if err := s.DeleteWebhook(ctx, b.tenant.ID, id); err != nil {
			t.Fatalf("DeleteWebhook: %v", err)
		}
		_, err := s.GetWebhook(ctx, b.tenant.ID, id)
		wantCode(t, "GetWebhook(deleted)", err, hookhub.ENOTFOUND)
	}
	wantCode(t, "DeleteWebhook(deleted)", s.DeleteWebhook(ctx, b.tenant.ID, w.ID), hookhub.ENOTFOUND)

	for _, d := range []*hookhub.Delivery{wPending, heldD} {
		_, err := s.GetDelivery(ctx, b.tenant.ID, d.ID)
		wantCode(t, "GetDelivery(unsent delivery of a deleted webhook)", err, hookhub.ENOTFOUND)
	}
	// The other webhook's delivery, the events and past attempts stay.
	if d := getDelivery(t, s, b.tenant.ID, keepPending.ID); d.State != hookhub.DeliveryPending {
		t.Errorf("other webhook's delivery state = %s, want pending", d.State)
	}
	for _, id := range []int64{done.Event.ID, pending.Event.ID, held.Event.ID} {
		if _, err := s.GetEvent(ctx, b.tenant.ID, id); err != nil {
			t.Errorf("GetEvent(%d) after DeleteWebhook: %v", id, err)
		}
	}
	as, err := s.ListAttempts(ctx, b.tenant.ID, hookhub.AttemptFilter{WebhookID: w.ID})
	if err != nil {
		t.Fatalf("ListAttempts: %v", err)
	}
	if got, want := len(as), 1; got != want {
		t.Errorf("attempts of the deleted webhook = %d, want %d", got, want)
	}
	// Nothing of the deleted webhooks is claimed any more.
	for _, c := range claim(t, s, now.Add(time.Hour), 100) {
		if c.WebhookID == w.ID || c.WebhookID == stopped.ID {
			t.Errorf("claimed delivery %d of deleted webhook %d", c.ID, c.WebhookID)
		}
	}
}

func testWebhookTenants(t *testing.T, s Store) {
	ctx := t.Context()
	a, b := setup(t, s), setup(t, s)
	w := getWebhook(t, s, a.tenant.ID, a.webhook.ID)

	_, err := s.GetWebhook(ctx, b.tenant.ID, w.ID)
	wantCode(t, "GetWebhook(other tenant's)", err, hookhub.ENOTFOUND)

	ws, err := s.ListWebhooks(ctx, b.tenant.ID, hookhub.WebhookFilter{})
	if err != nil {
		t.Fatalf("ListWebhooks: %v", err)
	}
	if got, want := ids(ws, webhookID), []int64{b.webhook.ID}; !slices.Equal(got, want) {
		t.Errorf("ListWebhooks(b) = %v, want %v", got, want)
	}

	// An update naming tenant b and a's id changes nothing.
	upd := *w
	upd.TenantID = b.tenant.ID
	upd.Name, upd.URL, upd.State = "hijacked", "https://evil.example/", hookhub.StateStopped
	wantCode(t, "UpdateWebhook(other tenant's)", s.UpdateWebhook(ctx, &upd, ""), hookhub.ENOTFOUND)

	wantCode(t, "DeleteWebhook(other tenant's)", s.DeleteWebhook(ctx, b.tenant.ID, w.ID), hookhub.ENOTFOUND)

	_, err = s.RecoverDeliveries(ctx, b.tenant.ID, w.ID, now.Add(-time.Hour), now)
	wantCode(t, "RecoverDeliveries(other tenant's webhook)", err, hookhub.ENOTFOUND)

	checkSettings(t, getWebhook(t, s, a.tenant.ID, w.ID), w)
}

// testWebhookLimit: creates under a limit never pass it, however many run
// at once; webhooks that do not count, and other tenants', do not matter.
func testWebhookLimit(t *testing.T, s Store) {
	b := setup(t, s) // b.webhook is named "hook": it does not count
	other := newTenant(t, s)
	newWebhook(t, s, other.ID, func(w *hookhub.Webhook) { w.Name = "limited" })
	l := hookhub.WebhookLimit{Max: 3, Counts: func(w *hookhub.Webhook) bool { return w.Name == "limited" }, Message: "at most 3 limited webhooks"}

	const tries = 12
	errs := make(chan error, tries)
	var wg sync.WaitGroup
	for range tries {
		wg.Go(func() {
			w := &hookhub.Webhook{TenantID: b.tenant.ID, Name: "limited", URL: "https://receiver.example/hook",
				Events: []string{"*"}, RegisteredAt: now, UpdatedAt: now}
			w.ApplyDefaults()
			errs <- s.CreateWebhookWithin(t.Context(), w, l)
		})
	}
	wg.Wait()
	close(errs)
	made := 0
	for err := range errs {
		switch {
		case err == nil:
			made++
		case hookhub.ErrorCode(err) != hookhub.ECONFLICT || hookhub.ErrorMessage(err) != l.Message:
			t.Errorf("CreateWebhookWithin refused with %v, want conflict %q", err, l.Message)
		}
	}
	ws, err := s.ListWebhooks(t.Context(), b.tenant.ID, hookhub.WebhookFilter{Name: "limited"})
	if err != nil {
		t.Fatal(err)
	}
	if made != l.Max || len(ws) != l.Max {
		t.Errorf("made %d (stored %d) webhooks under a limit of %d", made, len(ws), l.Max)
	}
}
