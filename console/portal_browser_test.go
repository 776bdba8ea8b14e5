package console_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// svixCall sends one request to hookhub's Svix API with the tenant's
// token and decodes the answer into out.
func svixCall(t *testing.T, hh *program, method, path, body string, out any) {
	t.Helper()
	req, err := http.NewRequest(method, hh.base+path, bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+hh.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s = %d", method, path, resp.StatusCode)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPortalBrowser opens an application's app portal link in Chromium:
// it shows that application's endpoints only, another application's
// endpoint is not found, the console itself stays closed, an endpoint is
// added from the form; a read-only link offers no changes.
func TestPortalBrowser(t *testing.T) {
	t.Parallel()
	ctx := startBrowser(t)
	hh := startHookhub(t)
	b := &tab{t: t, ctx: ctx, base: hh.base}

	var a, other struct{ ID string }
	svixCall(t, hh, "POST", "/api/v1/app", `{"name":"Customer A"}`, &a)
	svixCall(t, hh, "POST", "/api/v1/app", `{"name":"Customer B"}`, &other)
	var epA, epB struct{ ID string }
	svixCall(t, hh, "POST", "/api/v1/app/"+a.ID+"/endpoint", `{"url":"https://a.example.com/hook","description":"A's hook"}`, &epA)
	svixCall(t, hh, "POST", "/api/v1/app/"+other.ID+"/endpoint", `{"url":"https://b.example.com/hook","description":"B's hook"}`, &epB)
	var access struct{ URL, Token string }
	svixCall(t, hh, "POST", "/api/v1/auth/app-portal-access/"+a.ID, `{}`, &access)
	if !strings.HasPrefix(access.URL, hh.base+"/portal/signin?key=") || access.Token == "" {
		t.Fatalf("app portal access %+v", access)
	}

	b.open(strings.TrimPrefix(access.URL, hh.base))
	b.text(`//h1`, "Endpoints")
	b.text(id("endpoints"), "https://a.example.com/hook")
	b.text(`//span[contains(@class, "who")]`, "Customer A")
	if html := b.eval(`document.body.innerText`); strings.Contains(html, "b.example.com") || strings.Contains(html, "Customer B") {
		t.Errorf("A's portal shows B's endpoint or name:\n%s", html)
	}
	b.shot("portal")

	// Another application's endpoint, by its number, is not found.
	b.open("/portal/endpoints/" + strings.TrimPrefix(epB.ID, "ep_"))
	b.text(`//h1`, "Not Found")
	b.open("/portal/endpoints/" + strings.TrimPrefix(epA.ID, "ep_"))
	b.text(`//h1`, "https://a.example.com/hook")
	b.visible("#toggle")

	// The console is closed to a portal session.
	for _, path := range []string{"/", "/webhooks", "/tokens"} {
		b.open(path)
		b.text(`//h1`, "Endpoints")
	}

	// Add an endpoint from the form.
	b.open("/portal/")
	b.typeIn(`#add-endpoint input[name="url"]`, "https://a.example.com/second")
	b.click(`#add-endpoint button`)
	b.text(`//p[contains(@class, "flash")]`, "The endpoint is added")
	b.open("/portal/")
	b.text(id("endpoints"), "https://a.example.com/second")

	// A read-only link: the same endpoints, nothing to change them with.
	svixCall(t, hh, "POST", "/api/v1/auth/app-portal-access/"+a.ID, `{"readOnly":true,"expiry":3600}`, &access)
	b.open(strings.TrimPrefix(access.URL, hh.base))
	b.text(id("endpoints"), "https://a.example.com/hook")
	b.text(`//span[contains(@class, "who")]`, "read-only")
	b.gone("#add-endpoint")
	b.open("/portal/endpoints/" + strings.TrimPrefix(epA.ID, "ep_"))
	b.text(`//h1`, "https://a.example.com/hook")
	b.gone("#toggle")
}
