package console_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/console"
	"github.com/hookhub/hookhub/salesiq"
)

// fieldError finds the error shown in the field around the input name.
func fieldError(p page, name string) string {
	re := regexp.MustCompile(`(?s)<(?:div|fieldset) class="field invalid">(?:(?:[^<]|<[^/]|</[^df])*?)name="` + regexp.QuoteMeta(name) +
		`".*?<p class="field-error">([^<]*)</p>`)
	m := re.FindStringSubmatch(p.body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

func TestWebhookForm(t *testing.T) {
	t.Parallel()
	b := setup(t, console.Options{})
	c := b.client(t)
	c.signIn(b.aSecret)
	c.get("/webhooks/new").want(t, http.StatusOK).has(t, `value="contact.created"`, `value="0s, 5s, 5m, 30m, 2h, 5h, 10h, 10h"`)

	bad := url.Values{
		"name": {"CRM"}, "url": {"ftp://example.com/x"}, "patterns": {"Contact.Created"}, "headers": {"no colon here"},
		"properties": {"[1, 2]"}, "retry_schedule": {"0, soon"}, "timeout": {"100"}, "failure_threshold": {"-1"},
		"errors_email": {"not an address"}, "signing_scheme": {"v1"}, "active": {"1"},
	}
	p := c.post("/webhooks", bad).want(t, http.StatusUnprocessableEntity)
	for field, want := range map[string]string{
		"url": "http", "headers": "line 1 must be Name: value", "retry_schedule": `"soon" is not a delay`,
		"errors_email": "must be a valid e-mail address",
	} {
		if got := fieldError(p, field); !strings.Contains(got, want) {
			t.Errorf("error beside %s = %q, want it to say %q", field, got, want)
		}
	}
	p.has(t, `value="CRM"`, `value="ftp://example.com/x"`) // what was typed stays

	// With the parse errors fixed, the service's own checks show too.
	bad.Set("headers", "X-Team: sales")
	bad.Set("retry_schedule", "0, 5s")
	p = c.post("/webhooks", bad).want(t, http.StatusUnprocessableEntity)
	for field, want := range map[string]string{
		"url": "http", "events": "lower-case words", "properties": "must be a JSON object",
		"timeout": "between 100 and 60000", "failure_threshold": "between 1 and 1000",
	} {
		if got := fieldError(p, field); !strings.Contains(got, want) {
			t.Errorf("error beside %s = %q, want it to say %q", field, got, want)
		}
	}

	good := url.Values{
		"name": {"CRM sync"}, "url": {"http://127.0.0.1:9/hook"}, "events": {"contact.created", "contact.changed"},
		"patterns": {"sale.*"}, "headers": {"X-Team: sales\nX-Env: test"}, "properties": {`{"source": "hookhub"}`},
		"retry_schedule": {"0, 10s, 5m"}, "retry_jitter": {"0.1"}, "timeout": {"2.5"}, "failure_threshold": {"3"},
		"errors_email": {"ops@example.com"}, "signing_scheme": {"v1"}, "active": {"1"},
	}
	p = c.post("/webhooks", good).want(t, http.StatusOK)
	p.has(t, "Webhook created", "whsec_", "it is not shown again")
	ws, _ := b.svc.ListWebhooks(context.Background(), b.a, hookhub.WebhookFilter{})
	if len(ws) != 1 {
		t.Fatalf("%d webhooks, want 1", len(ws))
	}
	w := ws[0]
	if got := strings.Join(w.Events, " "); got != "contact.created contact.changed sale.*" || w.Headers["X-Env"] != "test" ||
		w.Timeout.Milliseconds() != 2500 || w.FailureThreshold != 3 || len(w.Retry.Schedule) != 3 || w.State != hookhub.StateActive {
		t.Errorf("created webhook = %+v", w)
	}
	if !strings.Contains(html.UnescapeString(p.body), w.Secret) {
		t.Error("the created page does not show the webhook's secret")
	}
	page := c.get("/webhooks/"+itoa(w.ID)).want(t, http.StatusOK)
	if strings.Contains(html.UnescapeString(page.body), w.Secret) {
		t.Error("the webhook's page shows its secret, which only its creation may")
	}
	page.has(t, "CRM sync", "3 tries, after 0s, 10s, 5m; delays move by up to ±10 %")

	edit := c.get("/webhooks/"+itoa(w.ID)+"/edit").want(t, http.StatusOK)
	edit.has(t, `value="0s, 10s, 5m"`, `value="sale.*"`, "X-Env: test")
	good.Set("name", "CRM sync 2")
	good.Del("active")
	c.post("/webhooks/"+itoa(w.ID), good).want(t, http.StatusSeeOther)
	if w, _ = b.svc.GetWebhook(context.Background(), b.a, w.ID); w.Name != "CRM sync 2" || w.State != hookhub.StateActive {
		t.Errorf("after save: name %q state %s, want the new name and the state unchanged", w.Name, w.State)
	}

	// A new signing scheme makes a new secret, shown once.
	good.Set("signing_scheme", "v1a")
	p = c.post("/webhooks/"+itoa(w.ID), good).want(t, http.StatusOK)
	p.has(t, "whsk_", "whpk_")
	c.post("/webhooks/"+itoa(w.ID)+"/rotate-secret", url.Values{"grace": {"0"}}).want(t, http.StatusOK).
		has(t, "New signing secret", "whsk_", "The previous secret no longer signs")
}

func TestWebhookActions(t *testing.T) {
	t.Parallel()
	b := setup(t, console.Options{})
	ctx := context.Background()
	w := b.webhook(t, b.a, "crm")
	c := b.client(t)
	c.signIn(b.aSecret)
	id := itoa(w.ID)

	p := c.post("/webhooks/"+id+"/state", url.Values{"state": {"stopped"}, "next": {"/webhooks?q=crm"}}).want(t, http.StatusSeeOther)
	if p.location != "/webhooks?q=crm" {
		t.Errorf("switch went to %q, want back to the list", p.location)
	}
	c.get("/webhooks?q=crm").has(t, "is stopped", `aria-checked="false"`)
	c.get("/webhooks?state=active").lacks(t, "/webhooks/"+id+`"`)
	c.post("/webhooks/"+id+"/state", url.Values{"state": {"too_many_errors"}}).want(t, http.StatusBadRequest)

	p = c.post("/webhooks/"+id+"/test", url.Values{}).want(t, http.StatusSeeOther)
	list := c.get(p.location).want(t, http.StatusOK)
	list.has(t, "Test event #", "held")
	ds, _ := b.svc.ListDeliveries(ctx, b.a, hookhub.DeliveryFilter{WebhookID: w.ID})
	d := c.get("/deliveries/"+itoa(ds[0].ID)).want(t, http.StatusOK)
	d.has(t, "webhook.test", "Not tried yet.", `action="/deliveries/`+itoa(ds[0].ID)+`/retry"`)
	c.post("/deliveries/"+itoa(ds[0].ID)+"/retry", url.Values{}).want(t, http.StatusSeeOther)
	c.get("/deliveries/"+itoa(ds[0].ID)).has(t, "its webhook is not on")

	c.get("/webhooks/"+id+"/deliveries?state=held").want(t, http.StatusOK).has(t, "#"+itoa(ds[0].ID))
	c.get("/webhooks/"+id+"/deliveries?state=succeeded").want(t, http.StatusOK).has(t, "No delivery matches.")
	c.get("/webhooks/"+id+"/deliveries?since=2026-11-22T13:00").has(t, "No delivery matches.")
	c.get("/webhooks/"+id+"/deliveries?since=2026-11-22T13:00&tz=120").has(t, "#"+itoa(ds[0].ID)) // 11:00 UTC
	c.get("/webhooks/"+id+"/deliveries?since=yesterday").want(t, http.StatusBadRequest).has(t, "must be a date and time")
	p = c.post("/webhooks/"+id+"/recover", url.Values{"since": {"2026-11-21T12:00"}}).want(t, http.StatusSeeOther)
	c.get(p.location).has(t, "0 failed deliveries are due again now.")

	c.get("/webhooks/"+id+"/delete").want(t, http.StatusOK).has(t, "Delete this webhook?")
	c.post("/webhooks/"+id+"/delete", url.Values{}).want(t, http.StatusSeeOther)
	if _, err := b.svc.GetWebhook(ctx, b.a, w.ID); hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
		t.Errorf("after delete: %v, want not found", err)
	}
}

// Lists page with a cursor: 50 a page, older ones behind a link.
func TestPaging(t *testing.T) {
	t.Parallel()
	b := setup(t, console.Options{})
	w := b.webhook(t, b.a, "crm")
	for range 60 {
		if _, err := b.svc.SendTest(context.Background(), b.a, w.ID); err != nil {
			t.Fatal(err)
		}
	}
	c := b.client(t)
	c.signIn(b.aSecret)
	first := c.get("/events").want(t, http.StatusOK)
	if n := strings.Count(first.body, `<td><a href="/events/`); n != 50 {
		t.Errorf("first page shows %d events, want 50", n)
	}
	older := regexp.MustCompile(`href="(/events\?before=\d+)">Older`).FindStringSubmatch(first.body)
	if older == nil {
		t.Fatal("first page has no link to older events")
	}
	second := c.get(strings.ReplaceAll(older[1], "&amp;", "&")).want(t, http.StatusOK)
	if n := strings.Count(second.body, `<td><a href="/events/`); n != 10 {
		t.Errorf("second page shows %d events, want 10", n)
	}
	second.has(t, "« Newest")
	second.lacks(t, "Older »")
	c.get("/webhooks/"+itoa(w.ID)+"/deliveries").has(t, "/deliveries?before=")
}

// The whole Thiio flow of the guide, as a browser without a script does it.
func TestIntegrationFlow(t *testing.T) {
	t.Parallel()
	b := setup(t, console.Options{})
	c := b.client(t)
	c.signIn(b.aSecret)
	c.get("/integrations").want(t, http.StatusOK).has(t, "Add integration")
	c.get("/integrations/add?q=THIIO").want(t, http.StatusOK).has(t, "Thiio", `href="/integrations/new?kind=thiio"`)
	c.get("/integrations/add?q=shopify-nope").has(t, "No integration kind matches")
	c.get("/integrations/new?kind=thiio").want(t, http.StatusOK).has(t, "Configure Thiio")
	c.get("/integrations/new?kind=nope").want(t, http.StatusNotFound)

	c.post("/integrations", url.Values{"kind": {"thiio"}, "name": {"  "}}).want(t, http.StatusUnprocessableEntity).has(t, "is required")
	p := c.post("/integrations", url.Values{"kind": {"thiio"}, "name": {"Thiio Custom"}}).want(t, http.StatusSeeOther)
	in := c.get(p.location).want(t, http.StatusOK)
	in.has(t, "Integration saved", "Copy", `id="active"`, "checked")
	u := regexp.MustCompile(`id="webhook-url" class="mono" readonly value="([^"]+)"`).FindStringSubmatch(in.body)
	if u == nil || !strings.HasPrefix(u[1], b.srv.URL+"/in/in_") {
		t.Fatalf("integration page shows no webhook URL of this server: %v", u)
	}

	c.post(p.location, url.Values{"name": {"Thiio Custom"}}).want(t, http.StatusSeeOther) // switch off, save
	c.get(p.location).has(t, "the integration is inactive", `id="integration-state">inactive`)
	postInbound(t, u[1], sample)
	c.get(p.location).has(t, "WebforceIntegrationInactiveException")

	c.post(p.location, url.Values{"name": {"Thiio Custom"}, "active": {"1"}}).want(t, http.StatusSeeOther)
	postInbound(t, u[1], sample)
	postInbound(t, u[1], `{"source": "x"}`)
	page := c.get(p.location).want(t, http.StatusOK)
	page.has(t, "the event field is required", "state-done", "john.doe@example.com", "11801 Stonehollow Drive")
	c.get("/contacts").has(t, "John Doe", "john.doe@example.com", "Thiio Custom")
	orders := c.get("/orders").want(t, http.StatusOK)
	orders.has(t, "123", "120")
	o := regexp.MustCompile(`href="/orders/(\d+)"`).FindStringSubmatch(orders.body)
	c.get("/orders/"+o[1]).want(t, http.StatusOK).has(t, "Product one Red", "John Doe", "2024-05-01 13:45:10 UTC")

	c.post(p.location, url.Values{"name": {""}, "active": {"1"}}).want(t, http.StatusUnprocessableEntity).has(t, "is required")
	c.post(p.location+"/rotate-url", url.Values{}).want(t, http.StatusSeeOther)
	if c.get(p.location).has(t, "new URL"); strings.Contains(c.get(p.location).body, u[1]) {
		t.Error("the old URL is still shown after a new one was made")
	}
}

func TestRSAKeys(t *testing.T) {
	t.Parallel()
	b := setup(t, console.Options{})
	ctx := context.Background()
	w, err := b.svc.CreateWebhook(ctx, b.a, &hookhub.Webhook{
		Name: "siq", URL: "http://127.0.0.1:9/siq", Events: []string{"operator.created"}, Format: salesiq.Format,
		Meta:    json.RawMessage(`{"module":"administration","secured":false}`),
		Timeout: 5 * time.Second, Retry: hookhub.RetryPolicy{Schedule: []time.Duration{0, time.Minute, time.Minute, time.Minute}}, // SalesIQ's
	})
	if err != nil {
		t.Fatal(err)
	}
	c := b.client(t)
	c.signIn(b.aSecret)
	id := itoa(w.ID)
	c.get("/webhooks/"+id).want(t, http.StatusOK).has(t, "RSA key pair", "No key: requests go unsigned.", "Generate key pair")
	c.post("/webhooks/"+id+"/keys", url.Values{}).want(t, http.StatusSeeOther)
	page := c.get("/webhooks/"+id).want(t, http.StatusOK)
	page.has(t, "New key pair made", "-----BEGIN PUBLIC KEY-----", "Copy public key")
	page.lacks(t, "PRIVATE KEY")
	k, err := b.svc.WebhookKey(mustWebhook(t, b, w.ID))
	if err != nil || k == nil {
		t.Fatalf("key after generate: %v, %v", k, err)
	}
	c.post("/webhooks/"+id+"/keys/"+k.ID+"/delete", url.Values{}).want(t, http.StatusSeeOther)
	c.get("/webhooks/"+id).has(t, "Key deleted", "No key: requests go unsigned.")
	c.post("/webhooks/"+id+"/keys/"+k.ID+"/delete", url.Values{}).want(t, http.StatusNotFound)
	// The console makes no key for a webhook of another format.
	other := b.webhook(t, b.a, "plain")
	c.post("/webhooks/"+itoa(other.ID)+"/keys", url.Values{}).want(t, http.StatusNotFound)
}

func mustWebhook(t *testing.T, b *bundle, id int64) *hookhub.Webhook {
	t.Helper()
	w, err := b.svc.GetWebhook(context.Background(), b.a, id)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestTokensAndEventTypes(t *testing.T) {
	t.Parallel()
	b := setup(t, console.Options{})
	c := b.client(t)
	c.signIn(b.aSecret)
	c.get("/tokens").want(t, http.StatusOK).has(t, "this session", "tokens.manage")
	c.post("/tokens", url.Values{"name": {"ci"}}).want(t, http.StatusUnprocessableEntity).has(t, "must name at least one scope")
	c.post("/tokens", url.Values{"name": {"ci"}, "scopes": {"events.publish"}, "expires": {"2020-01-01T00:00"}}).
		want(t, http.StatusUnprocessableEntity).has(t, "must be in the future")
	p := c.post("/tokens", url.Values{"name": {"ci"}, "scopes": {"events.publish", "webhooks.read"}}).want(t, http.StatusOK)
	secret := regexp.MustCompile(`value="(hh_[^"]+)"`).FindStringSubmatch(p.body)
	if secret == nil {
		t.Fatalf("no token secret shown:\n%s", p.body)
	}
	tok, err := b.svc.Authenticate(context.Background(), secret[1])
	if err != nil || !tok.Has(hookhub.ScopeEventsPublish) || tok.Has(hookhub.ScopeTokens) {
		t.Errorf("the token made = %+v, %v", tok, err)
	}
	c.get("/tokens").lacks(t, secret[1])

	c.get("/event-types").want(t, http.StatusOK).has(t, "contact.created", "conversation.visitor.replied")
	c.post("/event-types", url.Values{"name": {"Invoice Paid"}}).want(t, http.StatusUnprocessableEntity).has(t, "lower-case words")
	c.post("/event-types", url.Values{"name": {"contact.created"}}).want(t, http.StatusUnprocessableEntity).has(t, "built-in event type")
	c.post("/event-types", url.Values{"name": {"invoice.paid"}, "description": {"An invoice was paid."}, "example": {`{"id": 1}`}}).
		want(t, http.StatusSeeOther)
	c.get("/event-types").has(t, "invoice.paid", "An invoice was paid.")
	c.get("/webhooks/new").has(t, `value="invoice.paid"`) // now in the catalogue the form picks from
	c.post("/event-types/invoice.paid/delete", url.Values{}).want(t, http.StatusSeeOther)
	c.get("/event-types").lacks(t, "<code>invoice.paid</code>")
}
