package delivery_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/delivery"
)

// BenchmarkTry measures one try of an event to a loopback receiver:
// plain, with a small transform (what a transform adds per delivery is the
// difference), and a script webhook's run (no request; the script reads
// the event and logs).
func BenchmarkTry(b *testing.B) {
	rc := newReceiver(b, nil)
	eng := delivery.New(delivery.Config{Client: loopbackClient(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ev := &hookhub.Event{ID: 42, Type: "contact.created", CreatedAt: time.Now(),
		Data: json.RawMessage(`{"id":42,"name":"Ada Lovelace","email":"ada@example.com","tags":["vip"]}`)}
	for _, tt := range []struct {
		name string
		edit func(w *hookhub.Webhook)
	}{
		{"plain", func(*hookhub.Webhook) {}},
		{"transform", func(w *hookhub.Webhook) {
			w.Transform = `function handler(webhook) {
				webhook.headers["X-Kind"] = webhook.eventType;
				webhook.payload = {event: webhook.eventType, contact: webhook.payload.data};
				return webhook;
			}`
		}},
		{"script", func(w *hookhub.Webhook) {
			w.Type, w.Script = hookhub.TypeScript, `function handler(event, hookhub) { hookhub.log("contact", event.data.email); return {ok: true} }`
		}},
	} {
		b.Run(tt.name, func(b *testing.B) {
			w := &hookhub.Webhook{ID: 1, TenantID: "t", URL: rc.URL + "/hook", Events: []string{"*"}, Secret: newSecret(b)}
			tt.edit(w)
			w.ApplyDefaults()
			b.ReportAllocs()
			for b.Loop() {
				if a := eng.Try(context.Background(), w, ev); !a.Success {
					b.Fatalf("try failed: %s", a.Error)
				}
			}
		})
	}
}
