package client_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookhub/hookhub/client"
)

// TestWebhooksEventsDeliveries drives webhooks, events, deliveries and
// attempts through the client against a real server and receiver.
func TestWebhooksEventsDeliveries(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := t.Context()
	var fail atomic.Bool
	var got atomic.Int64
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		got.Add(1)
		if fail.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(rcv.Close)

	w, err := e.tenant.CreateWebhook(ctx, client.WebhookCreate{
		Name: "CRM sync", URL: rcv.URL + "/hook", Events: []string{"contact.*"},
		Headers: map[string]string{"X-Team": "sales"}, Retry: &client.Retry{ScheduleSeconds: []float64{0}},
	})
	if err != nil {
		t.Fatalf("CreateWebhook: %v", err)
	}
	if w.ID == 0 || !strings.HasPrefix(w.Secret, "whsec_") || w.State != "active" || w.Headers["X-Team"] != "sales" {
		t.Errorf("CreateWebhook = %+v, want an active webhook with its secret and header", w)
	}
	if g, err := e.tenant.GetWebhook(ctx, w.ID); err != nil || g.Secret != "" || g.Name != "CRM sync" {
		t.Errorf("GetWebhook = %+v, %v; want it without its secret", g, err)
	}
	ws, err := e.tenant.ListWebhooks(ctx, client.WebhookFilter{Event: "contact.created"})
	if err != nil || len(ws) != 1 || ws[0].ID != w.ID {
		t.Errorf("ListWebhooks(contact.created) = %v, %v; want the webhook", ws, err)
	}
	if ws, err := e.tenant.ListWebhooks(ctx, client.WebhookFilter{Event: "sale.sold"}); err != nil || len(ws) != 0 {
		t.Errorf("ListWebhooks(sale.sold) = %v, %v; want none", ws, err)
	}

	res, err := e.tenant.SendEvent(ctx, client.EventSend{Type: "contact.created", Data: json.RawMessage(`{"id":42}`), IdempotencyKey: "c42"})
	if err != nil || res.ID == 0 || res.Deliveries != 1 || res.Duplicate {
		t.Fatalf("SendEvent = %+v, %v; want an event with one delivery", res, err)
	}
	again, err := e.tenant.SendEvent(ctx, client.EventSend{Type: "contact.created", Data: json.RawMessage(`{"id":42}`), IdempotencyKey: "c42"})
	if err != nil || !again.Duplicate || again.ID != res.ID {
		t.Errorf("SendEvent(same key) = %+v, %v; want a duplicate of %d", again, err, res.ID)
	}
	ev, err := e.tenant.GetEvent(ctx, res.ID)
	if err != nil || ev.Type != "contact.created" || string(ev.Data) != `{"id":42}` {
		t.Errorf("GetEvent = %+v, %v", ev, err)
	}
	evs, err := e.tenant.ListEvents(ctx, client.EventFilter{Type: "contact.created", ListOptions: client.ListOptions{Limit: 10}})
	if err != nil || len(evs.Data) != 1 {
		t.Errorf("ListEvents = %+v, %v; want one event", evs, err)
	}

	d := waitDelivery(t, e.tenant, res.ID, "succeeded")
	if d.WebhookID != w.ID || d.Attempts != 1 || d.LastStatus != 200 {
		t.Errorf("delivery = %+v, want one try answered 200", d)
	}
	as, err := e.tenant.ListAttempts(ctx, d.ID, client.ListOptions{})
	if err != nil || len(as.Data) != 1 || as.Data[0].Response.Status != 200 || !as.Data[0].Success ||
		as.Data[0].Request.Headers["X-Team"] != "sales" || !strings.Contains(as.Data[0].Request.Body, `"id":42`) {
		t.Errorf("ListAttempts = %+v, %v; want the one try with its request", as, err)
	}

	// Retry a delivery; a failing receiver; recover.
	if _, err := e.tenant.RetryDelivery(ctx, d.ID); err != nil {
		t.Errorf("RetryDelivery: %v", err)
	}
	waitAttempts(t, e.tenant, d.ID, 2)
	fail.Store(true)
	tr, err := e.tenant.TestWebhook(ctx, w.ID)
	if err != nil || tr.Deliveries != 1 {
		t.Fatalf("TestWebhook = %+v, %v", tr, err)
	}
	failed := waitDelivery(t, e.tenant, tr.ID, "failed")
	fail.Store(false)
	n, err := e.tenant.RecoverWebhook(ctx, w.ID, time.Now().Add(-time.Hour))
	if err != nil || n != 1 {
		t.Errorf("RecoverWebhook = %d, %v; want 1", n, err)
	}
	if d := waitDelivery(t, e.tenant, tr.ID, "succeeded"); d.ID != failed.ID {
		t.Errorf("recovered delivery %d, want %d", d.ID, failed.ID)
	}
	page, err := e.tenant.ListDeliveries(ctx, client.DeliveryFilter{WebhookID: w.ID, ListOptions: client.ListOptions{Limit: 1}})
	if err != nil || len(page.Data) != 1 || page.NextCursor == "" {
		t.Fatalf("ListDeliveries(limit 1) = %+v, %v; want one and a cursor", page, err)
	}
	next, err := e.tenant.ListDeliveries(ctx, client.DeliveryFilter{WebhookID: w.ID, ListOptions: client.ListOptions{Limit: 1, Cursor: page.NextCursor}})
	if err != nil || len(next.Data) != 1 || next.Data[0].ID == page.Data[0].ID {
		t.Errorf("ListDeliveries(next page) = %+v, %v; want the other delivery", next, err)
	}

	stopped := "stopped"
	if u, err := e.tenant.UpdateWebhook(ctx, w.ID, client.WebhookUpdate{State: &stopped}); err != nil || u.State != "stopped" {
		t.Errorf("UpdateWebhook(stopped) = %+v, %v", u, err)
	}
	grace := time.Duration(0)
	if r, err := e.tenant.RotateSecret(ctx, w.ID, &grace); err != nil || r.Secret == "" || r.Secret == w.Secret {
		t.Errorf("RotateSecret = %+v, %v; want a new secret", r, err)
	}
	if err := e.tenant.DeleteWebhook(ctx, w.ID); err != nil {
		t.Fatalf("DeleteWebhook: %v", err)
	}
	_, err = e.tenant.GetWebhook(ctx, w.ID)
	if !client.IsNotFound(err) {
		t.Errorf("GetWebhook(deleted) = %v, want a 404", err)
	}
}

// TestProblems: answers that are not a success are *client.Error with the
// API's problem: status, detail, fields; Error() is one line.
func TestProblems(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := t.Context()
	_, err := e.tenant.CreateWebhook(ctx, client.WebhookCreate{URL: "ftp://x", Events: []string{"nope"}})
	var p *client.Error
	if !errors.As(err, &p) {
		t.Fatalf("CreateWebhook(bad) = %v, want a *client.Error", err)
	}
	if p.Status != 422 || len(p.Fields) < 2 || p.Fields[0].Location != "body.url" || !strings.Contains(p.Detail, "url") {
		t.Errorf("problem = %+v, want 422 naming body.url and body.events[0]", p)
	}
	if msg := p.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "422 Unprocessable Entity: ") {
		t.Errorf("Error() = %q, want one line starting with the status", msg)
	}

	_, err = client.New(e.url, "hh_wrong").ListWebhooks(ctx, client.WebhookFilter{})
	if !errors.As(err, &p) || p.Status != 401 {
		t.Errorf("ListWebhooks(bad token) = %v, want 401", err)
	}
	_, err = e.tenant.ListTenants(ctx, "")
	if !errors.As(err, &p) || p.Status != 403 {
		t.Errorf("ListTenants(tenant token) = %v, want 403", err)
	}
	_, err = e.admin.ListWebhooks(ctx, client.WebhookFilter{})
	if !errors.As(err, &p) || p.Status != 403 {
		t.Errorf("ListWebhooks(admin token) = %v, want 403", err)
	}
	_, err = e.tenant.GetDelivery(ctx, 999)
	if !client.IsNotFound(err) {
		t.Errorf("GetDelivery(unknown) = %v, want 404", err)
	}
}

// TestTokensAndEventTypes: tokens made, listed, used and revoked; event
// types defined, listed and deleted.
func TestTokensAndEventTypes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := t.Context()
	tok, err := e.tenant.CreateToken(ctx, client.TokenCreate{Name: "ci", Scopes: []string{"webhooks.read"}})
	if err != nil || tok.Secret == "" || len(tok.Scopes) != 1 {
		t.Fatalf("CreateToken = %+v, %v", tok, err)
	}
	ro := client.New(e.url, tok.Secret)
	if _, err := ro.ListWebhooks(ctx, client.WebhookFilter{}); err != nil {
		t.Errorf("read-only token ListWebhooks: %v", err)
	}
	var p *client.Error
	if _, err := ro.SendEvent(ctx, client.EventSend{Type: "contact.created", Data: json.RawMessage(`{}`)}); !errors.As(err, &p) || p.Status != 403 {
		t.Errorf("read-only token SendEvent = %v, want 403", err)
	}
	ts, err := e.tenant.ListTokens(ctx)
	if err != nil || len(ts) != 2 {
		t.Errorf("ListTokens = %d tokens, %v; want 2", len(ts), err)
	}
	if err := e.tenant.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatalf("RevokeToken: %v", err)
	}
	if _, err := ro.ListWebhooks(ctx, client.WebhookFilter{}); !errors.As(err, &p) || p.Status != 401 {
		t.Errorf("revoked token = %v, want 401", err)
	}

	et, err := e.tenant.PutEventType(ctx, client.EventType{Name: "invoice.paid", Description: "An invoice was paid", Example: json.RawMessage(`{"id":1}`)})
	if err != nil || et.Name != "invoice.paid" || et.BuiltIn {
		t.Fatalf("PutEventType = %+v, %v", et, err)
	}
	types, err := e.tenant.ListEventTypes(ctx)
	var found, builtIn bool
	for _, ty := range types {
		found = found || ty.Name == "invoice.paid"
		builtIn = builtIn || ty.BuiltIn
	}
	if err != nil || !found || !builtIn {
		t.Errorf("ListEventTypes: %v; found invoice.paid %v, a built-in %v", err, found, builtIn)
	}
	if err := e.tenant.DeleteEventType(ctx, "invoice.paid"); err != nil {
		t.Errorf("DeleteEventType: %v", err)
	}
	if err := e.tenant.DeleteEventType(ctx, "invoice.paid"); !client.IsNotFound(err) {
		t.Errorf("DeleteEventType(again) = %v, want 404", err)
	}
	// A built-in name cannot be defined again: the API's 409.
	if _, err := e.tenant.PutEventType(ctx, client.EventType{Name: "contact.created"}); !client.IsConflict(err) || client.IsNotFound(err) {
		t.Errorf("PutEventType(a built-in name) = %v, want 409", err)
	}
}

// TestTenants: the admin API through the client.
func TestTenants(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := t.Context()
	nt, err := e.admin.CreateTenant(ctx, "Beta")
	if err != nil || nt.TenantID == "" || nt.Token == "" {
		t.Fatalf("CreateTenant = %+v, %v", nt, err)
	}
	var p *client.Error
	if _, err := e.admin.CreateTenant(ctx, "BETA"); !errors.As(err, &p) || p.Status != 409 || len(p.Fields) != 1 || p.Fields[0].Location != "body.name" {
		t.Errorf("CreateTenant(taken) = %v, want 409 on body.name", err)
	}
	ts, err := e.admin.ListTenants(ctx, "bet")
	if err != nil || len(ts) != 1 || ts[0].ID != nt.TenantID {
		t.Errorf("ListTenants(bet) = %+v, %v", ts, err)
	}
	name, yes, no := "Beta GmbH", true, false
	if te, err := e.admin.UpdateTenant(ctx, nt.TenantID, client.TenantUpdate{Name: &name, Disabled: &yes}); err != nil || te.Name != name || !te.Disabled || te.DisabledAt == nil {
		t.Errorf("UpdateTenant(rename, disable) = %+v, %v", te, err)
	}
	beta := client.New(e.url, nt.Token)
	if _, err := beta.ListWebhooks(ctx, client.WebhookFilter{}); !errors.As(err, &p) || p.Status != 401 {
		t.Errorf("disabled tenant's token = %v, want 401", err)
	}
	if te, err := e.admin.UpdateTenant(ctx, nt.TenantID, client.TenantUpdate{Disabled: &no}); err != nil || te.Disabled {
		t.Errorf("UpdateTenant(enable) = %+v, %v", te, err)
	}
	if _, err := beta.ListWebhooks(ctx, client.WebhookFilter{}); err != nil {
		t.Errorf("enabled tenant's token: %v", err)
	}
	tok, err := e.admin.CreateTenantToken(ctx, nt.TenantID, client.TokenCreate{Name: "recovered"})
	if err != nil || tok.Secret == "" {
		t.Fatalf("CreateTenantToken = %+v, %v", tok, err)
	}
	if got, err := e.admin.GetTenant(ctx, nt.TenantID); err != nil || got.Name != name {
		t.Errorf("GetTenant = %+v, %v", got, err)
	}
	if err := e.admin.DeleteTenant(ctx, nt.TenantID); err != nil {
		t.Fatalf("DeleteTenant: %v", err)
	}
	if _, err := e.admin.GetTenant(ctx, nt.TenantID); !client.IsNotFound(err) {
		t.Errorf("GetTenant(deleted) = %v, want 404", err)
	}
	if _, err := client.New(e.url, tok.Secret).ListWebhooks(ctx, client.WebhookFilter{}); !errors.As(err, &p) || p.Status != 401 {
		t.Errorf("deleted tenant's token = %v, want 401", err)
	}
}

// waitDelivery waits until the event's one delivery is in state.
func waitDelivery(t *testing.T, c *client.Client, eventID int64, state string) client.Delivery {
	t.Helper()
	var last []client.Delivery
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		p, err := c.ListDeliveries(t.Context(), client.DeliveryFilter{EventID: eventID})
		if err != nil {
			t.Fatalf("ListDeliveries: %v", err)
		}
		if last = p.Data; len(last) == 1 && last[0].State == state {
			return last[0]
		}
	}
	t.Fatalf("deliveries of event %d = %+v, want one %s", eventID, last, state)
	return client.Delivery{}
}

// waitAttempts waits until a delivery has n attempts.
func waitAttempts(t *testing.T, c *client.Client, deliveryID int64, n int) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		p, err := c.ListAttempts(t.Context(), deliveryID, client.ListOptions{})
		if err != nil {
			t.Fatalf("ListAttempts: %v", err)
		}
		if len(p.Data) == n {
			return
		}
	}
	t.Fatalf("delivery %d has not %d attempts", deliveryID, n)
}
