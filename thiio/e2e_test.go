package thiio_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub/postgres/pgtest"
	"github.com/hookhub/hookhub/secrets"
	"github.com/hookhub/hookhub/server"
	"github.com/hookhub/hookhub/webhooktest"
)

// sample is the guide's sample payload with a real date in place of the
// format's placeholder.
const sample = `{ "event": "order", "source": "Thiio Custom", "contact": { "first_name": "John", "last_name": "Doe", "email": "john.doe@example.com" }, "phone": { "country": "US", "number": "+15124713434" }, "billing_address": { "first_name": "John", "last_name": "Doe", "line1": "11801 Stonehollow Drive", "line2": "line two", "city": "Austin", "state": "TX", "zip_code": "78758", "country": "US" }, "shipping_address": { "first_name": "John", "last_name": "Doe", "line1": "11801 Stonehollow Drive", "line2": "line two", "city": "Austin", "state": "TX", "zip_code": "78758", "country": "US" }, "order": { "id": 123, "type": "success", "user_id": 10, "date": "2024-05-01 13:45:10", "shipping": 10, "taxes": 10, "total": 120, "items": [ { "name": "Product one", "title": "Product one Red", "quantity": 1, "price": 50 }, { "name": "Product two", "title": "Product two White", "quantity": 1, "price": 50 } ] } }`

// TestEndToEnd runs the guide's walkthrough against the whole server on
// each database: a Thiio integration made through the API, the sample
// posted to its URL and answered as the guide says, the contact and order
// found through the API, contact.created and order.created received
// (signed) by a subscribed webhook; then a second order, a deactivated
// integration, a rotated URL, and another tenant that sees none of it.
func TestEndToEnd(t *testing.T) {
	t.Parallel()
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			cfg := server.Defaults()
			cfg.Addr, cfg.AllowPrivateTargets, cfg.RetryScale, cfg.PollInterval = "127.0.0.1:0", true, 0.001, 20*time.Millisecond
			if db == "sqlite" {
				cfg.DB = filepath.Join(t.TempDir(), "hookhub.db")
			} else {
				cfg.DB, cfg.EncryptionKey = pgtest.NewDatabase(t), fmt.Sprintf("%x", secrets.GenerateKey())
			}
			walkthrough(t, cfg)
		})
	}
}

func walkthrough(t *testing.T, cfg server.Config) {
	hh := start(t, cfg)
	a, b := hh.tenant(t, "acme"), hh.tenant(t, "globex")
	rcv := webhooktest.New(t)

	var wh struct {
		ID     int64  `json:"id"`
		Secret string `json:"secret"`
	}
	hh.must(t, a, "POST", "/v1/webhooks", map[string]any{"url": rcv.URL, "events": []string{"contact.*", "order.*"}}, 201, &wh)
	rcv.SetSecret(t, wh.Secret)

	// "in the search engine we place thiio and press configure"
	var kinds struct {
		Data []struct{ Kind, Title string }
	}
	hh.must(t, a, "GET", "/v1/integration-kinds?q=THIIO", nil, 200, &kinds)
	if len(kinds.Data) != 1 || kinds.Data[0].Kind != "thiio" || kinds.Data[0].Title != "Thiio" {
		t.Fatalf("integration kinds for thiio = %+v", kinds.Data)
	}
	// "We place the name … and press save"; "we copy the url of the webhook"
	var in integration
	hh.must(t, a, "POST", "/v1/integrations", map[string]any{"kind": "thiio", "name": "My Thiio shop"}, 201, &in)
	if !strings.HasPrefix(in.URL, hh.base+"/in/in_") || len(in.URL) < len(hh.base)+30 || !in.Active {
		t.Fatalf("integration = %+v, want an active one with a URL of %s carrying a long token", in, hh.base)
	}

	// The sample gets the guide's answer, with the payload as data.
	status, answer := post(t, in.URL, sample)
	if want := `{"success":true,"msg":"received successfully","err":"","data":` + sample + "}\n"; status != 200 || answer != want {
		t.Fatalf("POST sample = %d\n%s\nwant 200\n%s", status, answer, want)
	}

	// The contact and the order, through the API.
	var contacts list
	hh.must(t, a, "GET", "/v1/contacts?email=JOHN.DOE@example.com", nil, 200, &contacts)
	if len(contacts.Data) != 1 {
		t.Fatalf("contacts = %s, want John Doe", contacts.Data)
	}
	var contact struct {
		ID            int64
		FirstName     string `json:"first_name"`
		Email         string
		Source        string
		IntegrationID int64 `json:"integration_id"`
		Phone         struct{ Country, Number string }
	}
	mustDecode(t, contacts.Data[0], &contact)
	if contact.FirstName != "John" || contact.Email != "john.doe@example.com" || contact.Source != "Thiio Custom" ||
		contact.IntegrationID != in.ID || contact.Phone.Number != "+15124713434" {
		t.Errorf("contact = %s", contacts.Data[0])
	}
	var orders list
	hh.must(t, a, "GET", fmt.Sprintf("/v1/orders?contact_id=%d", contact.ID), nil, 200, &orders)
	if len(orders.Data) != 1 {
		t.Fatalf("orders = %s, want order 123", orders.Data)
	}
	var order struct {
		ID         int64
		ExternalID string `json:"external_id"`
		Total      json.Number
		Date       time.Time
		Items      []json.RawMessage
	}
	mustDecode(t, orders.Data[0], &order)
	if order.ExternalID != "123" || order.Total != "120" || !order.Date.Equal(time.Date(2024, 5, 1, 13, 45, 10, 0, time.UTC)) || len(order.Items) != 2 {
		t.Errorf("order = %s", orders.Data[0])
	}

	// The subscribed webhook hears of both, with the records as data.
	got := rcv.WaitN(t, 2)
	byType := map[string]json.RawMessage{}
	for _, m := range got {
		byType[m.Type] = m.Data
	}
	var contactNow, orderNow json.RawMessage
	hh.must(t, a, "GET", fmt.Sprintf("/v1/contacts/%d", contact.ID), nil, 200, &contactNow)
	hh.must(t, a, "GET", fmt.Sprintf("/v1/orders/%d", order.ID), nil, 200, &orderNow)
	if !sameJSON(byType["contact.created"], contactNow) || !sameJSON(byType["order.created"], orderNow) {
		t.Errorf("received %v\nwant contact.created with %s and order.created with %s", got, contactNow, orderNow)
	}

	// A second order of the same customer is an order, not a contact.
	status, answer = post(t, in.URL, strings.Replace(sample, `"id": 123`, `"id": "124"`, 1))
	if status != 200 {
		t.Fatalf("second order = %d %s", status, answer)
	}
	hh.must(t, a, "GET", "/v1/contacts", nil, 200, &contacts)
	hh.must(t, a, "GET", "/v1/orders", nil, 200, &orders)
	if len(contacts.Data) != 1 || len(orders.Data) != 2 {
		t.Errorf("after a second order: %d contacts, %d orders; want 1 and 2", len(contacts.Data), len(orders.Data))
	}
	if got := rcv.WaitN(t, 3); got[2].Type != "order.created" {
		t.Errorf("third message = %s, want order.created", got[2].Type)
	}

	// Each request is kept with its headers, body and outcome.
	var requests struct{ Data []request }
	hh.must(t, a, "GET", fmt.Sprintf("/v1/integrations/%d/requests", in.ID), nil, 200, &requests)
	if len(requests.Data) != 2 || requests.Data[1].Body != sample || requests.Data[1].Status != "done" || requests.Data[1].Answer != 200 ||
		requests.Data[1].Headers["Content-Type"] != "application/json" || requests.Data[1].Entity != "order" {
		t.Errorf("requests = %+v", requests.Data)
	}

	// Deactivated: refused in the guide's format, and kept.
	hh.must(t, a, "PATCH", fmt.Sprintf("/v1/integrations/%d", in.ID), map[string]any{"active": false}, 200, nil)
	status, answer = post(t, in.URL, sample)
	wantErr := "WebforceIntegrationInactiveException | the integration is deactivated; activate it to receive requests"
	if status != 403 || !strings.Contains(answer, `"success":false`) || !strings.Contains(answer, `"err":"`+wantErr+`"`) {
		t.Errorf("POST to a deactivated integration = %d %s, want 403 with %q", status, answer, wantErr)
	}
	hh.must(t, a, "GET", fmt.Sprintf("/v1/integrations/%d/requests?status=failed", in.ID), nil, 200, &requests)
	if len(requests.Data) != 1 || requests.Data[0].Reason != wantErr || requests.Data[0].Answer != 403 || requests.Data[0].Body != sample {
		t.Errorf("failed requests = %+v", requests.Data)
	}
	hh.must(t, a, "PATCH", fmt.Sprintf("/v1/integrations/%d", in.ID), map[string]any{"active": true}, 200, nil)

	// A rotated URL: the old one is unknown.
	var rotated integration
	hh.must(t, a, "POST", fmt.Sprintf("/v1/integrations/%d/rotate-url", in.ID), nil, 200, &rotated)
	if status, _ := post(t, in.URL, sample); status != 404 || rotated.URL == in.URL {
		t.Errorf("old URL after rotation = %d (new URL %s), want 404", status, rotated.URL)
	}
	if status, answer := post(t, rotated.URL, sample); status != 200 {
		t.Errorf("new URL = %d %s", status, answer)
	}

	// Another tenant sees none of it, and its own integration makes its own contact.
	for _, path := range []string{
		fmt.Sprintf("/v1/integrations/%d", in.ID), fmt.Sprintf("/v1/integrations/%d/requests", in.ID),
		fmt.Sprintf("/v1/contacts/%d", contact.ID), fmt.Sprintf("/v1/orders/%d", order.ID),
	} {
		hh.must(t, b, "GET", path, nil, 404, nil)
	}
	hh.must(t, b, "PATCH", fmt.Sprintf("/v1/integrations/%d", in.ID), map[string]any{"active": false}, 404, nil)
	hh.must(t, b, "DELETE", fmt.Sprintf("/v1/integrations/%d", in.ID), nil, 404, nil)
	for _, path := range []string{"/v1/contacts", "/v1/orders", "/v1/integrations"} {
		var l list
		if hh.must(t, b, "GET", path, nil, 200, &l); len(l.Data) != 0 {
			t.Errorf("tenant B: GET %s = %s, want nothing", path, l.Data)
		}
	}
	var theirs integration
	hh.must(t, b, "POST", "/v1/integrations", map[string]any{"kind": "Thiio", "name": "Their shop"}, 201, &theirs)
	if status, _ := post(t, theirs.URL, sample); status != 200 {
		t.Fatalf("tenant B's integration = %d", status)
	}
	var theirContacts list
	hh.must(t, b, "GET", "/v1/contacts", nil, 200, &theirContacts)
	mustDecode(t, theirContacts.Data[0], &contact)
	if len(theirContacts.Data) != 1 || contact.IntegrationID != theirs.ID {
		t.Errorf("tenant B's contacts = %s, want its own John Doe", theirContacts.Data)
	}
	if got := rcv.WaitN(t, 3); len(got) != 3 {
		t.Errorf("tenant A's webhook got %d messages, want tenant B's contact not among them", len(got))
	}

	// An unknown URL.
	if status, _ := post(t, hh.base+"/in/in_nosuchtoken", sample); status != 404 {
		t.Errorf("unknown token = %d, want 404", status)
	}
}

type integration struct {
	ID     int64  `json:"id"`
	URL    string `json:"url"`
	Active bool   `json:"active"`
}

type request struct {
	Body    string
	Headers map[string]string
	Status  string
	Reason  string
	Answer  int
	Entity  string
}

type list struct{ Data []json.RawMessage }

// server is a running hookhub.
type hookhub struct {
	base string
	s    *server.Server
}

func start(t *testing.T, cfg server.Config) *hookhub {
	t.Helper()
	s, err := server.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
	})
	return &hookhub{base: "http://" + s.Addr(), s: s}
}

// tenant makes a tenant and returns its first token.
func (h *hookhub) tenant(t *testing.T, name string) string {
	t.Helper()
	_, secret, err := h.s.Service().CreateTenant(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

func (h *hookhub) must(t *testing.T, token, method, path string, body any, want int, out any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, h.base+path, r)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, resp.StatusCode, b, want)
	}
	if out != nil {
		mustDecode(t, b, out)
	}
}

// post sends a body to an integration's URL as a shop does.
func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func mustDecode(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return bytes.Equal(xb, yb)
}
