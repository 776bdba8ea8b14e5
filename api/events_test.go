package api_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

type eventOut struct {
	ID             int64     `json:"id"`
	Type           string    `json:"type"`
	EntityType     string    `json:"entity_type"`
	EntityID       string    `json:"entity_id"`
	Data           any       `json:"data"`
	ModifiedFields []string  `json:"modified_fields"`
	IdempotencyKey string    `json:"idempotency_key"`
	CreatedAt      time.Time `json:"created_at"`
}

type deliveryOut struct {
	ID            int64      `json:"id"`
	EventID       int64      `json:"event_id"`
	WebhookID     int64      `json:"webhook_id"`
	State         string     `json:"state"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt *time.Time `json:"next_attempt_at"`
	LastStatus    int        `json:"last_status"`
}

type attemptOut struct {
	ID         int64  `json:"id"`
	DeliveryID int64  `json:"delivery_id"`
	Number     int    `json:"number"`
	URL        string `json:"url"`
	Request    struct {
		Headers map[string]string `json:"headers"`
		Body    string            `json:"body"`
	} `json:"request"`
	Response struct {
		Status       int    `json:"status"`
		Body         string `json:"body"`
		BodyEncoding string `json:"body_encoding"`
	} `json:"response"`
	Error   string `json:"error"`
	Success bool   `json:"success"`
}

func TestPublish(t *testing.T) {
	t.Parallel()
	e := setup(t, options{maxBody: 4096})
	e.createWebhook(t, e.a)
	e.createWebhook(t, e.a)

	for _, tt := range []struct {
		name     string
		body     any
		status   int
		location string
	}{
		{"ok", map[string]any{"type": "contact.created", "entity_type": "contact", "entity_id": "42", "data": map[string]any{"id": 42}, "modified_fields": []string{"name"}}, 202, ""},
		{"any JSON data", map[string]any{"type": "contact.created", "data": []int{1, 2}}, 202, ""},
		{"unknown type", map[string]any{"type": "order.shipped", "data": 1}, 422, "body.type"},
		{"bad type", map[string]any{"type": "Order Shipped", "data": 1}, 422, "body.type"},
		{"no type", map[string]any{"data": 1}, 422, "body.type"},
		{"no data", map[string]any{"type": "contact.created"}, 422, "body.data"},
		{"wrong type", map[string]any{"type": "contact.created", "data": 1, "entity_id": 42}, 422, "body.entity_id"},
		{"malformed JSON", `{"type": "contact.created", "data": {`, 400, "body"},
		{"over the limit", map[string]any{"type": "contact.created", "data": strings.Repeat("x", 5000)}, 413, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, h, b := e.do(t, "POST", "/v1/events", e.a, tt.body)
			if tt.status != 202 {
				wantProblem(t, status, h, b, tt.status, tt.location)
				return
			}
			if status != 202 {
				t.Fatalf("status = %d %s", status, b)
			}
			var p published
			mustDecode(t, b, &p)
			if p.ID == 0 || p.Duplicate || p.Deliveries != 2 {
				t.Errorf("answer = %s", b)
			}
			var ev eventOut
			e.must(t, 200, "GET", fmt.Sprintf("/v1/events/%d", p.ID), e.a, nil, &ev)
			if ev.Type != "contact.created" || !ev.CreatedAt.Equal(e.clock.Now()) {
				t.Errorf("event = %+v", ev)
			}
			var ds list[deliveryOut]
			e.must(t, 200, "GET", fmt.Sprintf("/v1/events/%d/deliveries", p.ID), e.a, nil, &ds)
			if len(ds.Data) != 2 || ds.Data[0].State != "pending" || ds.Data[0].NextAttemptAt == nil {
				t.Errorf("deliveries = %+v", ds)
			}
		})
	}
	t.Run("exactly the limit", func(t *testing.T) {
		t.Parallel()
		body := `{"type":"contact.created","data":"` + strings.Repeat("x", 4096-len(`{"type":"contact.created","data":""}`)) + `"}`
		if len(body) != 4096 {
			t.Fatalf("body is %d bytes", len(body))
		}
		e.must(t, 202, "POST", "/v1/events", e.a, body, nil)
	})
}

func TestPublishIdempotency(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	e.createWebhook(t, e.a)
	body := map[string]any{"type": "contact.created", "data": 1, "idempotency_key": "order-1"}
	var first, again published
	e.must(t, 202, "POST", "/v1/events", e.a, body, &first)
	e.must(t, 202, "POST", "/v1/events", e.a, body, &again)
	if first.Duplicate || !again.Duplicate || again.ID != first.ID || again.Deliveries != 0 {
		t.Errorf("first %+v, again %+v", first, again)
	}

	// The header works as the field does.
	send1 := func() published {
		req, _ := http.NewRequest("POST", e.url+"/v1/events", strings.NewReader(`{"type":"contact.created","data":1}`))
		req.Header.Set("Authorization", "Bearer "+e.a)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "order-2")
		status, _, b := send(t, req)
		if status != 202 {
			t.Fatalf("status = %d %s", status, b)
		}
		var p published
		mustDecode(t, b, &p)
		return p
	}
	h1, h2 := send1(), send1()
	if h1.Duplicate || !h2.Duplicate || h1.ID != h2.ID || h1.ID == first.ID {
		t.Errorf("with header: %+v then %+v", h1, h2)
	}

	// Keys are per tenant.
	var other published
	e.must(t, 202, "POST", "/v1/events", e.b, body, &other)
	if other.Duplicate {
		t.Error("tenant B's event is a duplicate of tenant A's")
	}
}

// TestPublishConcurrently posts from many clients at once: all are stored,
// each once, and each client learns its own event.
func TestPublishConcurrently(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	e.createWebhook(t, e.a)
	const n = 60
	ids := make([]int64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var p published
			e.must(t, 202, "POST", "/v1/events", e.a, map[string]any{"type": "contact.created", "entity_id": fmt.Sprint(i), "data": i}, &p)
			ids[i] = p.ID
		})
	}
	wg.Wait()
	seen := map[int64]bool{}
	for i, id := range ids {
		if seen[id] {
			t.Errorf("id %d given twice", id)
		}
		seen[id] = true
		var ev eventOut
		e.must(t, 200, "GET", fmt.Sprintf("/v1/events/%d", id), e.a, nil, &ev)
		if ev.EntityID != fmt.Sprint(i) {
			t.Errorf("client %d got event %d of entity %s", i, id, ev.EntityID)
		}
	}
	var l list[eventOut]
	e.must(t, 200, "GET", "/v1/events?limit=200", e.a, nil, &l)
	if len(l.Data) != n {
		t.Errorf("%d events stored, want %d", len(l.Data), n)
	}
}

func TestPagination(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	e.createWebhook(t, e.a)
	var want []int64
	for i := range 7 {
		typ := "contact.created"
		if i%2 == 1 {
			typ = "sale.created"
		}
		want = append([]int64{e.publish(t, e.a, typ).ID}, want...) // newest first
	}
	for _, tt := range []struct {
		path  string
		limit int
		n     int
	}{
		{"/v1/events", 3, 7},
		{"/v1/events", 7, 7},
		{"/v1/events?type=sale.created", 2, 3},
		{"/v1/deliveries", 3, 7},
		{"/v1/deliveries?state=pending", 4, 7},
	} {
		t.Run(fmt.Sprintf("%s limit %d", tt.path, tt.limit), func(t *testing.T) {
			t.Parallel()
			sep := "?"
			if strings.Contains(tt.path, "?") {
				sep = "&"
			}
			var got []int64
			cursor, pages := "", 0
			for {
				var l list[struct {
					ID      int64 `json:"id"`
					EventID int64 `json:"event_id"`
				}]
				e.must(t, 200, "GET", fmt.Sprintf("%s%slimit=%d&cursor=%s", tt.path, sep, tt.limit, cursor), e.a, nil, &l)
				pages++
				if len(l.Data) > tt.limit {
					t.Fatalf("page of %d, limit %d", len(l.Data), tt.limit)
				}
				for _, it := range l.Data {
					got = append(got, it.ID)
				}
				if l.NextCursor == "" {
					break
				}
				if len(l.Data) == 0 || l.NextCursor != fmt.Sprint(l.Data[len(l.Data)-1].ID) {
					t.Fatalf("cursor %q after %v", l.NextCursor, l.Data)
				}
				cursor = l.NextCursor
			}
			if len(got) != tt.n || pages != (tt.n+tt.limit-1)/tt.limit {
				t.Errorf("got %d items in %d pages, want %d", len(got), pages, tt.n)
			}
			for i := 1; i < len(got); i++ {
				if got[i] >= got[i-1] {
					t.Errorf("not newest first: %v", got)
				}
			}
			if tt.path == "/v1/events" && fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("events = %v, want %v", got, want)
			}
		})
	}
	for _, q := range []string{"cursor=abc", "cursor=-4", "limit=0", "limit=201", "since=yesterday"} {
		s, h, b := e.do(t, "GET", "/v1/events?"+q, e.a, nil)
		loc := "query." + strings.Split(q, "=")[0]
		wantProblem(t, s, h, b, 422, loc)
	}
}

func TestTimeFilters(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	early := e.publish(t, e.a, "contact.created")
	e.clock.Add(time.Hour)
	late := e.publish(t, e.a, "contact.created")
	mid := e.clock.Now().Add(-30 * time.Minute).Format(time.RFC3339)
	var l list[eventOut]
	e.must(t, 200, "GET", "/v1/events?since="+mid, e.a, nil, &l)
	if len(l.Data) != 1 || l.Data[0].ID != late.ID {
		t.Errorf("since: %+v", l.Data)
	}
	e.must(t, 200, "GET", "/v1/events?until="+mid, e.a, nil, &l)
	if len(l.Data) != 1 || l.Data[0].ID != early.ID {
		t.Errorf("until: %+v", l.Data)
	}
}

// failAll claims every due delivery and fails it for good, as a worker with
// no tries left would; the receiver's answer is not UTF-8.
func (e *env) failAll(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	now := e.clock.Now()
	claims, err := e.store.Claim(ctx, now, 100, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var outs []hookhub.Outcome
	for _, c := range claims {
		outs = append(outs, hookhub.Outcome{
			DeliveryID: c.ID, TenantID: c.TenantID, WebhookID: c.WebhookID, Kind: hookhub.OutcomeFailed,
			Attempt: &hookhub.Attempt{
				DeliveryID: c.ID, TenantID: c.TenantID, WebhookID: c.WebhookID, EventID: c.EventID, Number: c.Attempts,
				URL: "https://receiver.example.com/hook", StartedAt: now, Duration: 1500 * time.Microsecond,
				RequestHeaders: http.Header{"Webhook-Id": {c.Event.MessageID()}, "Authorization": {"Bearer tok-5e1f"}}, RequestBody: []byte(`{"type":"x"}`),
				Status: 500, ResponseBody: []byte{0xff, 0xfe, 'x'}, Error: "status 500",
			},
		})
	}
	if err := e.store.Complete(ctx, now, outs); err != nil {
		t.Fatal(err)
	}
}

func TestDeliveriesAndAttempts(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	w := e.createWebhook(t, e.a)
	ev := e.publish(t, e.a, "contact.created")
	e.failAll(t)

	var ds list[deliveryOut]
	e.must(t, 200, "GET", fmt.Sprintf("/v1/deliveries?webhook_id=%d&state=failed", w.ID), e.a, nil, &ds)
	if len(ds.Data) != 1 || ds.Data[0].EventID != ev.ID || ds.Data[0].LastStatus != 500 || ds.Data[0].NextAttemptAt != nil {
		t.Fatalf("failed deliveries = %+v", ds.Data)
	}
	d := ds.Data[0]
	var as list[attemptOut]
	e.must(t, 200, "GET", fmt.Sprintf("/v1/deliveries/%d/attempts", d.ID), e.a, nil, &as)
	if len(as.Data) != 1 {
		t.Fatalf("attempts = %+v", as.Data)
	}
	a := as.Data[0]
	if a.Response.Status != 500 || a.Success || a.Request.Body != `{"type":"x"}` || a.Request.Headers["Webhook-Id"] == "" ||
		a.Response.BodyEncoding != "base64" || a.Response.Body != base64.StdEncoding.EncodeToString([]byte{0xff, 0xfe, 'x'}) {
		t.Errorf("attempt = %+v", a)
	}
	if got := a.Request.Headers["Authorization"]; got != "Bearer (hidden)" {
		t.Errorf("attempt's Authorization = %q, want it hidden after its scheme", got)
	}
	e.must(t, 200, "GET", fmt.Sprintf("/v1/attempts?webhook_id=%d&failed_only=true", w.ID), e.a, nil, &as)
	if len(as.Data) != 1 {
		t.Errorf("failed attempts = %+v", as.Data)
	}

	var retried deliveryOut
	e.must(t, 202, "POST", fmt.Sprintf("/v1/deliveries/%d/retry", d.ID), e.a, nil, &retried)
	if retried.State != "pending" {
		t.Errorf("retried = %+v", retried)
	}
	e.failAll(t)
	var rec struct {
		Recovered int `json:"recovered"`
	}
	since := e.clock.Now().Add(-time.Hour).Format(time.RFC3339)
	e.must(t, 202, "POST", fmt.Sprintf("/v1/webhooks/%d/recover", w.ID), e.a, map[string]any{"since": since}, &rec)
	if rec.Recovered != 1 {
		t.Errorf("recovered %d, want 1", rec.Recovered)
	}
	s, h, b := e.do(t, "POST", fmt.Sprintf("/v1/webhooks/%d/recover", w.ID), e.a, map[string]any{})
	wantProblem(t, s, h, b, 422, "body.since")

	var st struct {
		Pending, QueueDepth int64
	}
	e.must(t, 200, "GET", "/v1/stats", e.a, nil, &st)
	if st.Pending != 1 {
		t.Errorf("stats = %+v", st)
	}
	var mail list[map[string]any]
	e.must(t, 200, "GET", "/v1/mail", e.a, nil, &mail)
	if mail.Data == nil {
		t.Error("mail data is null, want []")
	}
}

func TestSendTest(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	w := e.createWebhook(t, e.a)
	var p published
	e.must(t, 202, "POST", fmt.Sprintf("/v1/webhooks/%d/test", w.ID), e.a, nil, &p)
	if p.Deliveries != 1 {
		t.Errorf("answer = %+v", p)
	}
	var ev eventOut
	e.must(t, 200, "GET", fmt.Sprintf("/v1/events/%d", p.ID), e.a, nil, &ev)
	if ev.Type != hookhub.TestEventType {
		t.Errorf("event = %+v", ev)
	}
}

func TestEventTypes(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	var et map[string]any
	e.must(t, 200, "POST", "/v1/event-types", e.a, map[string]any{"name": "invoice.created", "description": "An order", "example": map[string]any{"id": 1}}, &et)
	if et["name"] != "invoice.created" || et["built_in"] != false {
		t.Errorf("event type = %v", et)
	}
	e.publish(t, e.a, "invoice.created")
	s, h, b := e.do(t, "POST", "/v1/event-types", e.a, map[string]any{"name": "contact.created"})
	wantProblem(t, s, h, b, 409, "")
	s, h, b = e.do(t, "POST", "/v1/event-types", e.a, map[string]any{"name": "Order Created"})
	wantProblem(t, s, h, b, 422, "body.name")
	s, h, b = e.do(t, "DELETE", "/v1/event-types/contact.created", e.a, nil)
	wantProblem(t, s, h, b, 409, "")

	var l list[struct {
		Name    string `json:"name"`
		BuiltIn bool   `json:"built_in"`
	}]
	e.must(t, 200, "GET", "/v1/event-types", e.a, nil, &l)
	found := map[string]bool{}
	for _, t := range l.Data {
		found[t.Name] = t.BuiltIn
	}
	if b, ok := found["invoice.created"]; !ok || b || !found["contact.created"] {
		t.Errorf("catalogue = %v", found)
	}
	e.must(t, 204, "DELETE", "/v1/event-types/invoice.created", e.a, nil, nil)
	s, h, b = e.do(t, "POST", "/v1/events", e.a, map[string]any{"type": "invoice.created", "data": 1})
	p := wantProblem(t, s, h, b, 422, "body.type")
	if !strings.Contains(p.Errors[0].Message, "unknown event type") {
		t.Errorf("message = %q", p.Errors[0].Message)
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	var created struct {
		ID     string   `json:"id"`
		Token  string   `json:"token"`
		Scopes []string `json:"scopes"`
	}
	e.must(t, 201, "POST", "/v1/tokens", e.a, map[string]any{"name": "ci", "scopes": []string{"events.publish", "events.publish"}}, &created)
	if !strings.HasPrefix(created.Token, "hh_") || len(created.Scopes) != 1 {
		t.Errorf("created = %+v", created)
	}
	e.publish(t, created.Token, "contact.created")
	s, h, b := e.do(t, "GET", "/v1/webhooks", created.Token, nil)
	wantProblem(t, s, h, b, 403, "")
	s, h, b = e.do(t, "POST", "/v1/tokens", e.a, map[string]any{"scopes": []string{"root"}})
	wantProblem(t, s, h, b, 422, "body.scopes[0]")

	var l list[map[string]any]
	e.must(t, 200, "GET", "/v1/tokens", e.a, nil, &l)
	if len(l.Data) != 2 {
		t.Errorf("tokens = %v", l.Data)
	}
	for _, tok := range l.Data {
		if _, ok := tok["token"]; ok {
			t.Error("list shows a token's secret")
		}
	}
}

func mustDecode(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// TestPublishMalformedData: the handler publishes without the service
// reading the data again (PublishDecoded), so the API itself must refuse
// every body whose data is not JSON, in the quick check's common shape or
// not, before anything is stored.
func TestPublishMalformedData(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	for _, data := range []string{`{"a":}`, `[1,]`, `tru`, `01`, `1.`, `"\x"`, `{]`, `{"a" 1}`, `{"a":1`, `-`, `nul`} {
		for _, body := range []string{
			`{"type":"contact.created","data":` + data + `}`,
			`{"type":"contact.created","entity_id":null,"data":` + data + `}`, // not the quick shape
		} {
			status, h, b := e.do(t, "POST", "/v1/events", e.a, body)
			wantProblem(t, status, h, b, 400, "body")
		}
	}
	var events list[eventOut]
	e.must(t, 200, "GET", "/v1/events", e.a, nil, &events)
	if len(events.Data) != 0 {
		t.Errorf("stored %d events: %+v", len(events.Data), events.Data)
	}
}
