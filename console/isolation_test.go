package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/console"
	"github.com/hookhub/hookhub/crm"
)

// sample is the Thiio guide's sample payload with a real date in place of
// its "yyyy-mm-dd h:m:s".
const sample = `{ "event": "order", "source": "Thiio Custom", "contact": { "first_name": "John", "last_name": "Doe", "email": "john.doe@example.com" }, "phone": { "country": "US", "number": "+15124713434" }, "billing_address": { "first_name": "John", "last_name": "Doe", "line1": "11801 Stonehollow Drive", "line2": "line two", "city": "Austin", "state": "TX", "zip_code": "78758", "country": "US" }, "shipping_address": { "first_name": "John", "last_name": "Doe", "line1": "11801 Stonehollow Drive", "line2": "line two", "city": "Austin", "state": "TX", "zip_code": "78758", "country": "US" }, "order": { "id": 123, "type": "success", "user_id": 10, "date": "2024-05-01 13:45:10", "shipping": 10, "taxes": 10, "total": 120, "items": [ { "name": "Product one", "title": "Product one Red", "quantity": 1, "price": 50 }, { "name": "Product two", "title": "Product two White", "quantity": 1, "price": 50 } ] } }`

// postInbound posts a payload to an integration's URL.
func postInbound(t *testing.T, u, payload string) {
	t.Helper()
	resp, err := http.Post(u, "application/json", strings.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

// objects are one tenant's objects of every kind.
type objects struct {
	webhook     *hookhub.Webhook
	event       int64
	delivery    int64
	integration *hookhub.Integration
	contact     int64
	order       int64
	token       *hookhub.Token
}

// populate gives actor's tenant one object of each kind, all named with
// the word mark.
func (b *bundle) populate(t *testing.T, actor *hookhub.Token, mark string) objects {
	t.Helper()
	ctx := context.Background()
	var o objects
	o.webhook = b.webhook(t, actor, mark+"-hook")
	res, err := b.svc.SendTest(ctx, actor, o.webhook.ID)
	if err != nil {
		t.Fatal(err)
	}
	o.event = res.Event.ID
	ds, err := b.svc.ListDeliveries(ctx, actor, hookhub.DeliveryFilter{EventID: o.event})
	if err != nil || len(ds) != 1 {
		t.Fatalf("deliveries of the test event: %v, %v", ds, err)
	}
	o.delivery = ds[0].ID
	if o.integration, err = b.svc.CreateIntegration(ctx, actor, &hookhub.Integration{Kind: "thiio", Name: mark + "-shop", Active: true}); err != nil {
		t.Fatal(err)
	}
	postInbound(t, b.svc.IntegrationURL(o.integration), strings.ReplaceAll(sample, "john.doe@example.com", mark+"@example.com"))
	cs, err := b.svc.ListContacts(ctx, actor, crm.ContactFilter{})
	if err != nil || len(cs) != 1 {
		t.Fatalf("contacts: %v, %v", cs, err)
	}
	o.contact = cs[0].ID
	os, err := b.svc.ListOrders(ctx, actor, crm.OrderFilter{})
	if err != nil || len(os) != 1 {
		t.Fatalf("orders: %v, %v", os, err)
	}
	o.order = os[0].ID
	if o.token, _, err = b.svc.CreateToken(ctx, actor, mark+"-token", []hookhub.Scope{hookhub.ScopeEventsRead}, b.clock.Now().Add(48*3600e9)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.PutEventType(ctx, actor, &hookhub.EventType{Name: mark + ".happened", Description: mark}); err != nil {
		t.Fatal(err)
	}
	return o
}

// One tenant's console never shows another tenant's objects: their ids
// are not found, their actions change nothing, the lists leave them out.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	b := setup(t, console.Options{})
	mine := b.populate(t, b.a, "acmeco")
	theirs := b.populate(t, b.b, "globexco")
	c := b.client(t)
	c.signIn(b.aSecret)

	for _, path := range []string{
		"/webhooks/" + itoa(theirs.webhook.ID),
		"/webhooks/" + itoa(theirs.webhook.ID) + "/edit",
		"/webhooks/" + itoa(theirs.webhook.ID) + "/deliveries",
		"/webhooks/" + itoa(theirs.webhook.ID) + "/delete",
		"/deliveries/" + itoa(theirs.delivery),
		"/events/" + itoa(theirs.event),
		"/integrations/" + itoa(theirs.integration.ID),
		"/contacts/" + itoa(theirs.contact),
		"/orders/" + itoa(theirs.order),
	} {
		p := c.get(path)
		if p.status != http.StatusNotFound {
			t.Errorf("GET %s of another tenant = %d, want 404", path, p.status)
		}
		p.lacks(t, "globexco")
	}
	for _, path := range []string{
		"/webhooks/" + itoa(theirs.webhook.ID),
		"/webhooks/" + itoa(theirs.webhook.ID) + "/state",
		"/webhooks/" + itoa(theirs.webhook.ID) + "/rotate-secret",
		"/webhooks/" + itoa(theirs.webhook.ID) + "/test",
		"/webhooks/" + itoa(theirs.webhook.ID) + "/recover",
		"/webhooks/" + itoa(theirs.webhook.ID) + "/delete",
		"/deliveries/" + itoa(theirs.delivery) + "/retry",
		"/integrations/" + itoa(theirs.integration.ID),
		"/integrations/" + itoa(theirs.integration.ID) + "/rotate-url",
		"/integrations/" + itoa(theirs.integration.ID) + "/delete",
		"/tokens/" + theirs.token.ID + "/revoke",
		"/event-types/globexco.happened/delete",
	} {
		form := url.Values{"state": {"stopped"}, "name": {"taken"}, "url": {"http://127.0.0.1:9/x"}, "since": {"2020-01-01T00:00"}}
		if p := c.post(path, form); p.status != http.StatusNotFound {
			t.Errorf("POST %s of another tenant = %d, want 404", path, p.status)
		}
	}
	ctx := context.Background()
	if w, err := b.svc.GetWebhook(ctx, b.b, theirs.webhook.ID); err != nil || w.State != hookhub.StateActive || w.Name != "globexco-hook" || w.Secret != theirs.webhook.Secret {
		t.Errorf("another tenant's webhook changed: %+v, %v", w, err)
	}
	if in, err := b.svc.GetIntegration(ctx, b.b, theirs.integration.ID); err != nil || in.Name != "globexco-shop" || in.Token != theirs.integration.Token {
		t.Errorf("another tenant's integration changed: %+v, %v", in, err)
	}
	if tok, err := b.svc.Authenticate(ctx, b.bSecret); err != nil || tok == nil {
		t.Errorf("another tenant's token stopped working: %v", err)
	}

	for _, path := range []string{"/", "/webhooks", "/events", "/integrations", "/contacts", "/orders", "/tokens", "/event-types", "/mail",
		"/webhooks/" + itoa(mine.webhook.ID), "/events/" + itoa(mine.event)} {
		p := c.get(path).want(t, http.StatusOK)
		p.lacks(t, "globexco", theirs.token.ID)
	}
	c.get("/webhooks").has(t, "acmeco-hook")
	c.get("/integrations").has(t, "acmeco-shop")
	c.get("/contacts").has(t, "acmeco@example.com")
	c.get("/tokens").has(t, "acmeco-token")
	c.get("/event-types").has(t, "acmeco.happened")
}
