package console_test

import (
	"context"
	"html"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/console"
)

// TestHeaderCredentialsHidden shows the values of a webhook's credential
// headers hidden, on its page and in its form, keeps them when the form
// is saved as shown, and replaces them when a new value is typed. Headers
// received at an integration's URL are stored and shown the same way.
func TestHeaderCredentialsHidden(t *testing.T) {
	t.Parallel()
	b := setup(t, console.Options{})
	c := b.client(t)
	c.signIn(b.aSecret)
	w, err := b.svc.CreateWebhook(context.Background(), b.a, &hookhub.Webhook{
		Name: "erp", URL: "http://127.0.0.1:9/erp", Events: []string{"contact.*"},
		Headers: map[string]string{"X-Api-Key": "key-8f3a1c", "Authorization": "Bearer tok-77e2d9", "X-Team": "sales"},
	})
	if err != nil {
		t.Fatal(err)
	}
	plain := func(p page) string { return html.UnescapeString(p.body) }
	for _, path := range []string{"/webhooks/" + itoa(w.ID), "/webhooks/" + itoa(w.ID) + "/edit"} {
		p := c.get(path).want(t, http.StatusOK)
		if s := plain(p); strings.Contains(s, "key-8f3a1c") || strings.Contains(s, "tok-77e2d9") {
			t.Errorf("%s shows a credential's value", path)
		}
		if s := plain(p); !strings.Contains(s, "X-Api-Key: (hidden)") || !strings.Contains(s, "Authorization: Bearer (hidden)") ||
			!strings.Contains(s, "X-Team: sales") {
			t.Errorf("%s does not show the headers with credentials hidden:\n%s", path, s)
		}
	}

	// Saved as shown: the credentials stay.
	form := url.Values{"name": {"erp"}, "url": {"http://127.0.0.1:9/erp"}, "patterns": {"contact.*"}, "active": {"1"},
		"headers": {"Authorization: Bearer (hidden)\nX-Api-Key: (hidden)\nX-Team: support"}, "retry_schedule": {"0, 5s"},
		"timeout": {"5"}, "failure_threshold": {"10"}, "signing_scheme": {"v1"}}
	c.post("/webhooks/"+itoa(w.ID), form).want(t, http.StatusSeeOther)
	got, _ := b.svc.GetWebhook(context.Background(), b.a, w.ID)
	if want := map[string]string{"X-Api-Key": "key-8f3a1c", "Authorization": "Bearer tok-77e2d9", "X-Team": "support"}; !maps.Equal(got.Headers, want) {
		t.Errorf("headers after saving the form as shown = %v, want %v", got.Headers, want)
	}
	// A new value replaces the old one; a header left out goes.
	form.Set("headers", "X-Api-Key: key-new\nX-Team: support")
	c.post("/webhooks/"+itoa(w.ID), form).want(t, http.StatusSeeOther)
	got, _ = b.svc.GetWebhook(context.Background(), b.a, w.ID)
	if want := map[string]string{"X-Api-Key": "key-new", "X-Team": "support"}; !maps.Equal(got.Headers, want) {
		t.Errorf("headers after typing a new key = %v, want %v", got.Headers, want)
	}

	// A request received with an API key in its headers.
	in, err := b.svc.CreateIntegration(context.Background(), b.a, &hookhub.Integration{Kind: "thiio", Name: "shop", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", b.svc.IntegrationURL(in), strings.NewReader(sample))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Api-Key", "inbound-5d1e0b")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	p := c.get("/integrations/"+itoa(in.ID)).want(t, http.StatusOK)
	if s := plain(p); strings.Contains(s, "inbound-5d1e0b") || !regexp.MustCompile(`X-Api-Key: \(hidden\)`).MatchString(s) {
		t.Errorf("the integration's page shows the received X-Api-Key's value, or not the header")
	}
}
