package delivery_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/delivery"
)

// BenchmarkStandardFormat builds and signs one request of the standard
// format: 1 KiB of data, webhook properties, custom headers.
func BenchmarkStandardFormat(b *testing.B) {
	w := &hookhub.Webhook{
		ID: 1, URL: "https://example.com/hook", Secret: newSecret(b),
		Headers:    map[string]string{"X-Custom": "yes", "Authorization": "Bearer abc"},
		Properties: json.RawMessage(`{"account":"acme","region":"eu","nested":{"a":[1,2,3]}}`),
	}
	w.ApplyDefaults()
	const head = `{"id":42,"name":"Contact","notes":"`
	data := head + strings.Repeat("n", 1024-len(head)-2) + `"}`
	c := &hookhub.Claim{
		Delivery: hookhub.Delivery{ID: 7, EventID: 42, WebhookID: 1, Attempts: 1},
		Event:    hookhub.Event{ID: 42, Type: "contact.created", Data: json.RawMessage(data), CreatedAt: time.Now()},
	}
	if len(c.Event.Data) != 1024 || !json.Valid(c.Event.Data) {
		b.Fatalf("data is %d bytes", len(c.Event.Data))
	}
	f := &delivery.Standard{}
	now := time.Now()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		body, h, err := f.Format(w, c, now)
		if err != nil || len(body) == 0 || h.Get("webhook-signature") == "" {
			b.Fatal(err)
		}
	}
}

// BenchmarkDeliverLoopback measures the whole path: b.N events published in
// batches of 100 to SQLite, claimed, signed, posted to a loopback receiver
// answering 200, and recorded as succeeded.
func BenchmarkDeliverLoopback(b *testing.B) {
	f := setup(b)
	rc := newReceiver(b, nil)
	f.webhook(b, rc.URL, func(w *hookhub.Webhook) { w.MaxInFlight = 1000 })
	cfg := f.engineConfig(b)
	cfg.PollInterval = 5 * time.Millisecond
	eng := start(b, cfg)
	ctx := context.Background()

	b.ResetTimer()
	began := time.Now()
	for left := b.N; left > 0; {
		n := min(left, 100)
		reqs := make([]hookhub.PublishRequest, n)
		for i := range reqs {
			reqs[i].Event = &hookhub.Event{TenantID: f.tenant, Type: "contact.created", Data: json.RawMessage(`{"id":1,"name":"Contact"}`)}
		}
		if _, err := f.store.Publish(ctx, time.Now(), reqs...); err != nil {
			b.Fatal(err)
		}
		eng.Wake()
		left -= n
	}
	// Wait at the receiver first, which costs nothing, then for the
	// outcomes to be recorded, so that polling the store does not compete
	// with the engine for the database.
	for rc.count() < b.N {
		time.Sleep(time.Millisecond)
	}
	for {
		st, err := f.store.Stats(ctx, f.tenant, time.Time{})
		if err != nil {
			b.Fatal(err)
		}
		if st.Succeeded == int64(b.N) {
			break
		}
		if st.Failed > 0 {
			b.Fatalf("%d deliveries failed", st.Failed)
		}
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(began)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "deliveries/s")
	if got := rc.count(); got < b.N {
		b.Fatalf("receiver got %d requests, want %d", got, b.N)
	}
}

// BenchmarkTryStub is BenchmarkTry/plain without the network and the
// receiver: the client's transport answers at once, so what is left is
// the engine's own cost per try (format, sign, build the request, read the
// answer, fill the attempt) and http.Client's.
func BenchmarkTryStub(b *testing.B) {
	eng := delivery.New(delivery.Config{Client: &http.Client{Transport: stubTransport{}}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ev := &hookhub.Event{ID: 42, Type: "contact.created", CreatedAt: time.Now(),
		Data: json.RawMessage(`{"id":42,"name":"Ada Lovelace","email":"ada@example.com","tags":["vip"]}`)}
	w := &hookhub.Webhook{ID: 1, TenantID: "t", URL: "https://example.com/hook", Events: []string{"*"}, Secret: newSecret(b),
		Headers: map[string]string{"X-Custom": "yes"}}
	w.ApplyDefaults()
	b.ReportAllocs()
	for b.Loop() {
		if a := eng.Try(context.Background(), w, ev); !a.Success {
			b.Fatalf("try failed: %s", a.Error)
		}
	}
}

// stubTransport answers every request with 200 "ok", as a receiver on
// net/http would.
type stubTransport struct{}

func (stubTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	return &http.Response{
		StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}, "Content-Length": {"2"}, "Date": {"Wed, 04 Mar 2026 05:06:07 GMT"}},
		Body:   io.NopCloser(strings.NewReader("ok")), ContentLength: 2, Request: req,
	}, nil
}
