package storetest

import (
	"encoding/json"
	"testing"

	"github.com/hookhub/hookhub"
)

// testScriptFields checks that a webhook keeps its filter, transform, type
// and script through create, get, list and update.
func testScriptFields(t *testing.T, s Store) {
	ctx := t.Context()
	ten := newTenant(t, s)
	w := newWebhook(t, s, ten.ID, func(w *hookhub.Webhook) {
		w.Filter = json.RawMessage(`{"data.n":{"$gte":1}}`)
		w.Transform = "function handler(webhook) { return webhook }"
	})
	plain := newWebhook(t, s, ten.ID, nil)
	got := getWebhook(t, s, ten.ID, w.ID)
	if string(got.Filter) != string(w.Filter) || got.Transform != w.Transform || got.Type != hookhub.TypeHTTP || got.Script != "" {
		t.Errorf("GetWebhook = filter %s, transform %q, type %q, script %q", got.Filter, got.Transform, got.Type, got.Script)
	}
	if p := getWebhook(t, s, ten.ID, plain.ID); p.Filter != nil || p.Transform != "" || p.Type != hookhub.TypeHTTP {
		t.Errorf("GetWebhook of a plain webhook = filter %s, transform %q, type %q", p.Filter, p.Transform, p.Type)
	}
	got.Filter, got.Transform = nil, ""
	got.Type, got.Script = hookhub.TypeScript, "function handler(event, hookhub) {}"
	if err := s.UpdateWebhook(ctx, got, ""); err != nil {
		t.Fatalf("UpdateWebhook: %v", err)
	}
	ws, err := s.ListWebhooks(ctx, ten.ID, hookhub.WebhookFilter{})
	if err != nil {
		t.Fatalf("ListWebhooks: %v", err)
	}
	for _, x := range ws {
		if x.ID == w.ID && (x.Filter != nil || x.Transform != "" || !x.IsScript() || x.Script != got.Script) {
			t.Errorf("ListWebhooks after update = filter %s, transform %q, type %q, script %q", x.Filter, x.Transform, x.Type, x.Script)
		}
	}
}

// testPublishFilter checks that fan-out honours payload filters: an event
// that does not match a webhook's filter makes no delivery for it.
func testPublishFilter(t *testing.T, s Store) {
	ctx := t.Context()
	ten := newTenant(t, s)
	big := newWebhook(t, s, ten.ID, func(w *hookhub.Webhook) {
		w.Filter = json.RawMessage(`{"data.amount": {"$gte": 100}, "data.currency": {"$in": ["EUR", "USD"]}}`)
	})
	all := newWebhook(t, s, ten.ID, nil)
	byEntity := newWebhook(t, s, ten.ID, func(w *hookhub.Webhook) {
		w.Filter = json.RawMessage(`{"entity_type": "sale", "type": {"$regex": "^sale\\."}}`)
	})
	for _, tt := range []struct {
		name, data string
		want       []int64
	}{
		{"Matches", `{"amount": 150, "currency": "EUR"}`, []int64{big.ID, all.ID, byEntity.ID}},
		{"TooSmall", `{"amount": 99, "currency": "EUR"}`, []int64{all.ID, byEntity.ID}},
		{"OtherCurrency", `{"amount": 150, "currency": "NOK"}`, []int64{all.ID, byEntity.ID}},
	} {
		e := newEvent(ten.ID, "sale.changed", now)
		e.EntityType, e.Data = "sale", json.RawMessage(tt.data)
		rs, err := s.Publish(ctx, now, hookhub.PublishRequest{Event: e})
		if err != nil {
			t.Fatalf("%s: Publish: %v", tt.name, err)
		}
		if rs[0].Deliveries != len(tt.want) {
			t.Errorf("%s: PublishResult.Deliveries = %d, want %d", tt.name, rs[0].Deliveries, len(tt.want))
		}
		got := map[int64]bool{}
		for _, d := range deliveriesOf(t, s, ten.ID, rs[0].Event.ID) {
			got[d.WebhookID] = true
		}
		for _, id := range tt.want {
			if !got[id] || len(got) != len(tt.want) {
				t.Errorf("%s: deliveries to webhooks %v, want %v", tt.name, got, tt.want)
				break
			}
		}
	}
	// A publish to one webhook (a test event) ignores its filter.
	rs, err := s.Publish(ctx, now, hookhub.PublishRequest{Event: newEvent(ten.ID, hookhub.TestEventType, now), WebhookID: big.ID})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if d := onlyDelivery(t, s, ten.ID, rs[0].Event.ID); d.WebhookID != big.ID {
		t.Errorf("test delivery to webhook %d, want %d", d.WebhookID, big.ID)
	}
}
