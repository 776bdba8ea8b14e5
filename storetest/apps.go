package storetest

import (
	"maps"
	"slices"
	"testing"

	"github.com/hookhub/hookhub"
)

// testApps checks that webhooks keep their app limit and events their app,
// and that fan-out honours the limit: a webhook limited to apps takes only
// events of those apps, one without a limit takes events of any app or of
// none.
func testApps(t *testing.T, s Store) {
	ctx := t.Context()
	ten := newTenant(t, s)
	mk := func(state hookhub.WebhookState, apps ...string) *hookhub.Webhook {
		return newWebhook(t, s, ten.ID, func(w *hookhub.Webhook) {
			w.State, w.Events, w.Apps = state, []string{"conversation.*"}, apps
		})
	}
	anyApp := mk(hookhub.StateActive)
	onlyA := mk(hookhub.StateActive, "8000000000047")
	aOrB := mk(hookhub.StateActive, "8000000000047", "app-b")
	onlyC := mk(hookhub.StateActive, "app-c")
	stoppedB := mk(hookhub.StateStopped, "app-b")

	t.Run("RoundTrip", func(t *testing.T) {
		if got := getWebhook(t, s, ten.ID, aOrB.ID).Apps; !slices.Equal(got, []string{"8000000000047", "app-b"}) {
			t.Errorf("GetWebhook Apps = %q, want [8000000000047 app-b]", got)
		}
		if got := getWebhook(t, s, ten.ID, anyApp.ID).Apps; len(got) != 0 {
			t.Errorf("GetWebhook Apps of a webhook without a limit = %q, want none", got)
		}
		ws, err := s.ListWebhooks(ctx, ten.ID, hookhub.WebhookFilter{})
		if err != nil {
			t.Fatalf("ListWebhooks: %v", err)
		}
		for _, w := range ws {
			if w.ID == onlyA.ID && !slices.Equal(w.Apps, onlyA.Apps) {
				t.Errorf("ListWebhooks Apps = %q, want %q", w.Apps, onlyA.Apps)
			}
		}
	})

	published := map[int64]string{} // event id → app
	for _, tt := range []struct {
		name, app string
		want      map[int64]hookhub.DeliveryState
	}{
		{"AppA", "8000000000047", map[int64]hookhub.DeliveryState{
			anyApp.ID: hookhub.DeliveryPending, onlyA.ID: hookhub.DeliveryPending, aOrB.ID: hookhub.DeliveryPending,
		}},
		{"AppB", "app-b", map[int64]hookhub.DeliveryState{
			anyApp.ID: hookhub.DeliveryPending, aOrB.ID: hookhub.DeliveryPending, stoppedB.ID: hookhub.DeliveryHeld,
		}},
		{"UnknownApp", "app-z", map[int64]hookhub.DeliveryState{anyApp.ID: hookhub.DeliveryPending}},
		{"NoApp", "", map[int64]hookhub.DeliveryState{anyApp.ID: hookhub.DeliveryPending}},
	} {
		t.Run("FanOut"+tt.name, func(t *testing.T) {
			e := newEvent(ten.ID, "conversation.created", now)
			e.AppID = tt.app
			rs, err := s.Publish(ctx, now, hookhub.PublishRequest{Event: e})
			if err != nil {
				t.Fatalf("Publish: %v", err)
			}
			if got, want := rs[0].Deliveries, len(tt.want); got != want {
				t.Errorf("PublishResult.Deliveries = %d, want %d", got, want)
			}
			published[rs[0].Event.ID] = tt.app
			if got := rs[0].Event.AppID; got != tt.app {
				t.Errorf("PublishResult.Event.AppID = %q, want %q", got, tt.app)
			}
			got := map[int64]hookhub.DeliveryState{}
			for _, d := range deliveriesOf(t, s, ten.ID, rs[0].Event.ID) {
				got[d.WebhookID] = d.State
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("deliveries by webhook = %v, want %v", got, tt.want)
			}
			stored, err := s.GetEvent(ctx, ten.ID, rs[0].Event.ID)
			if err != nil {
				t.Fatalf("GetEvent: %v", err)
			}
			if stored.AppID != tt.app {
				t.Errorf("GetEvent AppID = %q, want %q", stored.AppID, tt.app)
			}
		})
	}

	t.Run("Claim", func(t *testing.T) {
		// A claimed delivery's event carries its app.
		cs := claim(t, s, now, 100)
		if len(cs) == 0 {
			t.Fatal("Claim got nothing")
		}
		for _, c := range cs {
			if want, ok := published[c.EventID]; !ok || c.Event.AppID != want {
				t.Errorf("claimed event %d has app %q, want %q (published: %t)", c.EventID, c.Event.AppID, want, ok)
			}
		}
	})

	t.Run("ToWebhook", func(t *testing.T) {
		// A publish to one webhook (a test event) ignores its app limit.
		e := newEvent(ten.ID, hookhub.TestEventType, now)
		rs, err := s.Publish(ctx, now, hookhub.PublishRequest{Event: e, WebhookID: onlyC.ID})
		if err != nil {
			t.Fatalf("Publish: %v", err)
		}
		if d := onlyDelivery(t, s, ten.ID, rs[0].Event.ID); d.WebhookID != onlyC.ID {
			t.Errorf("delivery to webhook %d, want %d", d.WebhookID, onlyC.ID)
		}
	})

	t.Run("Update", func(t *testing.T) {
		w := getWebhook(t, s, ten.ID, onlyC.ID)
		w.Apps = []string{"app-d"}
		if err := s.UpdateWebhook(ctx, w, ""); err != nil {
			t.Fatalf("UpdateWebhook: %v", err)
		}
		if got := getWebhook(t, s, ten.ID, onlyC.ID).Apps; !slices.Equal(got, []string{"app-d"}) {
			t.Errorf("Apps after update = %q, want [app-d]", got)
		}
		w.Apps = nil
		if err := s.UpdateWebhook(ctx, w, ""); err != nil {
			t.Fatalf("UpdateWebhook: %v", err)
		}
		if got := getWebhook(t, s, ten.ID, onlyC.ID).Apps; len(got) != 0 {
			t.Errorf("Apps after removing the limit = %q, want none", got)
		}
	})
}
