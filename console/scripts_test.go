package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/console"
)

// The webhook form edits a filter and a transform; bad ones show their
// path and operator, or line and column, beside the field.
func TestWebhookFormFilterTransform(t *testing.T) {
	t.Parallel()
	b := setup(t, console.Options{})
	c := b.client(t)
	c.signIn(b.aSecret)
	form := url.Values{
		"name": {"Big sales"}, "url": {"http://127.0.0.1:9/hook"}, "patterns": {"sale.*"}, "signing_scheme": {"v1"},
		"filter":    {`{"data.amount": {"$gte": "x", "$between": 1}}`},
		"transform": {"function handler(webhook) {\n  return webhook.;\n}"},
	}
	p := c.post("/webhooks", form).want(t, http.StatusUnprocessableEntity)
	for field, want := range map[string]string{
		"filter": `at "data.amount": $between is not a known operator`, "transform": "line 2, column 18",
	} {
		if got := fieldError(p, field); !strings.Contains(got, want) {
			t.Errorf("error beside %s = %q, want it to say %q", field, got, want)
		}
	}

	form.Set("filter", `{"data.amount": {"$gte": 100}}`)
	form.Set("transform", `function handler(webhook) { webhook.headers["X-Big"] = "yes"; return webhook }`)
	c.post("/webhooks", form).want(t, http.StatusOK)
	ws, _ := b.svc.ListWebhooks(context.Background(), b.a, hookhub.WebhookFilter{})
	if len(ws) != 1 || string(ws[0].Filter) != `{"data.amount": {"$gte": 100}}` || !strings.Contains(ws[0].Transform, "X-Big") {
		t.Fatalf("webhooks = %+v, want one with the filter and transform", ws)
	}
	id := itoa(ws[0].ID)
	c.get("/webhooks/"+id).want(t, http.StatusOK).has(t, `id="filter"`, "$gte", `id="transform"`, "X-Big")
	c.get("/webhooks/"+id+"/edit").want(t, http.StatusOK).has(t, "$gte", "X-Big")

	// Emptying both removes them.
	form.Set("filter", "")
	form.Set("transform", "")
	c.post("/webhooks/"+id, form).want(t, http.StatusSeeOther)
	if w, _ := b.svc.GetWebhook(context.Background(), b.a, ws[0].ID); w.Filter != nil || w.Transform != "" {
		t.Errorf("after emptying: filter %s, transform %q; want none", w.Filter, w.Transform)
	}
}
