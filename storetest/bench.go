package storetest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

// Bench measures a store's hot paths: publishing events with their
// deliveries, claiming due deliveries, and recording their outcomes, in the
// batch sizes the service and the engine use. open returns a new empty
// store, closed when b ends. A store's benchmark calls it:
//
//	func BenchmarkStore(b *testing.B) { storetest.Bench(b, openBench) }
func Bench(b *testing.B, open func(b *testing.B) Store) {
	const batch = 64
	data := json.RawMessage(`{"id":42,"name":"Ada Lovelace","email":"ada@example.com","n":1}`)
	setupBench := func(b *testing.B) (Store, *hookhub.Tenant) {
		s := open(b)
		ten := &hookhub.Tenant{ID: hookhub.NewID("ten"), Name: "bench", CreatedAt: now}
		if err := s.CreateTenant(b.Context(), ten); err != nil {
			b.Fatalf("CreateTenant: %v", err)
		}
		w := &hookhub.Webhook{TenantID: ten.ID, Name: "hook", URL: "https://receiver.example/hook", Events: []string{"*"},
			Secret: "whsec_" + hookhub.RandomString(24), RegisteredAt: now, UpdatedAt: now}
		w.ApplyDefaults()
		if err := s.CreateWebhook(b.Context(), w); err != nil {
			b.Fatalf("CreateWebhook: %v", err)
		}
		return s, ten
	}
	publishBatch := func(b *testing.B, s Store, tenantID string, at time.Time) {
		reqs := make([]hookhub.PublishRequest, batch)
		for i := range reqs {
			reqs[i].Event = &hookhub.Event{TenantID: tenantID, Type: "contact.created", EntityType: "contact", Data: data}
		}
		if _, err := s.Publish(b.Context(), at, reqs...); err != nil {
			b.Fatalf("Publish: %v", err)
		}
	}

	// Publish: one transaction of 64 events, each with its delivery, as the
	// service's group commit makes them under load. Reported per event.
	b.Run("Publish", func(b *testing.B) {
		s, ten := setupBench(b)
		b.ReportAllocs()
		for b.Loop() {
			publishBatch(b, s, ten.ID, now)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/event")
	})

	// Burst: what a burst of single-event publishes costs the store, as
	// the service and the engine write it: transactions of 8 events whose
	// deliveries are leased to the publishing node (PublishLeased), and
	// their outcomes recorded 64 at a time, each with a 1 KB request body
	// as the Standard format sends. Each event has an idempotency key, as
	// `hookhub bench` and careful clients send. Reported per delivery.
	b.Run("Burst", func(b *testing.B) {
		s, ten := setupBench(b)
		b.ReportAllocs()
		const perPublish = 8
		body := make([]byte, 1024)
		for i := range body {
			body[i] = 'x'
		}
		at := now
		var outs []hookhub.Outcome
		n := 0
		for b.Loop() {
			reqs := make([]hookhub.PublishRequest, perPublish)
			for i := range reqs {
				n++
				reqs[i].Event = &hookhub.Event{TenantID: ten.ID, Type: "contact.created", EntityType: "contact", Data: data,
					IdempotencyKey: "burst-" + strconv.Itoa(n)}
			}
			res, err := s.PublishLeased(b.Context(), at, hookhub.Lease{Max: perPublish, For: time.Minute}, reqs...)
			if err != nil {
				b.Fatalf("PublishLeased: %v", err)
			}
			for _, r := range res {
				for _, c := range r.Claims {
					outs = append(outs, succeededBench(c, at, body))
				}
			}
			if len(outs) >= batch {
				if err := s.Complete(b.Context(), at, outs); err != nil {
					b.Fatalf("Complete: %v", err)
				}
				outs = outs[:0]
			}
			at = at.Add(time.Millisecond)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*perPublish), "ns/delivery")
	})

	// ClaimComplete: claim 64 due deliveries, then record 64 successful
	// attempts (request and response kept) in one transaction, as the
	// engine does. Reported per delivery.
	b.Run("ClaimComplete", func(b *testing.B) {
		s, ten := setupBench(b)
		b.ReportAllocs()
		at := now
		for b.Loop() {
			b.StopTimer()
			publishBatch(b, s, ten.ID, at)
			b.StartTimer()
			claims, err := s.Claim(b.Context(), at, batch, time.Minute)
			if err != nil || len(claims) != batch {
				b.Fatalf("Claim = %d claims, %v; want %d", len(claims), err, batch)
			}
			outs := make([]hookhub.Outcome, len(claims))
			for i, c := range claims {
				outs[i] = succeededBench(c, at, data)
			}
			if err := s.Complete(b.Context(), at, outs); err != nil {
				b.Fatalf("Complete: %v", err)
			}
			at = at.Add(time.Millisecond)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/delivery")
	})
}

// succeededBench is the outcome of a successful first try of c, as the
// engine reports it.
func succeededBench(c *hookhub.Claim, at time.Time, body []byte) hookhub.Outcome {
	a := &hookhub.Attempt{DeliveryID: c.ID, TenantID: c.TenantID, WebhookID: c.WebhookID, EventID: c.EventID,
		Number: c.Attempts, URL: "https://receiver.example/hook", StartedAt: at, Duration: time.Millisecond,
		RequestHeaders: http.Header{"Content-Type": {"application/json"}, "User-Agent": {"hookhub/1.0 (+webhooks)"},
			"Webhook-Id": {c.Event.MessageID()}, "Webhook-Timestamp": {"1700000000"}, "Webhook-Signature": {"v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="}},
		RequestBody: body, Status: 200, ResponseHeaders: http.Header{"Content-Length": {"2"}, "Date": {"Wed, 02 Dec 2026 16:00:00 GMT"}},
		ResponseBody: []byte("ok"), Success: true}
	return hookhub.Outcome{DeliveryID: c.ID, TenantID: c.TenantID, WebhookID: c.WebhookID,
		Try: c.Attempts, Kind: hookhub.OutcomeSucceeded, Attempt: a}
}
