package console_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/hookhub/hookhub/server"
)

// TestBrowser uses the console as a person does, by clicking and typing in
// a real Chromium against the whole hookhub (delivery engine, inbound door,
// console): sign in; the guide's Thiio set-up, then the guide's sample
// posted to the copied URL and seen in the console; a webhook made; its
// failing delivery watched, the receiver fixed, the delivery retried and
// seen to succeed; a webhook stopped for too many errors re-activated from
// the dashboard; a CRM360 message failed for good, seen from the
// dashboard to its body. With HOOKHUB_SCREENSHOTS=1 it saves the main pages to
// docs/screenshots.
func TestBrowser(t *testing.T) {
	t.Parallel()
	ctx := startBrowser(t)
	hh := startHookhub(t)
	rcv := newReceiver(t)
	b := &tab{t: t, ctx: ctx, base: hh.base}

	// Sign in.
	b.open("/")
	b.visible("#token")
	b.shot("signin")
	b.typeIn("#token", hh.token)
	b.click("#sign-in")
	b.visible("#figures")
	b.text("//h1", "Dashboard")

	t.Run("thiio", func(t *testing.T) { thiioFlow(b.with(t)) })
	t.Run("webhook", func(t *testing.T) { webhookFlow(b.with(t), rcv) })
	t.Run("pages", func(t *testing.T) { otherPages(b.with(t)) })
	t.Run("failed inbound", func(t *testing.T) { failedInboundFlow(b.with(t), hh) }) // browser_inbound_test.go
}

// thiioFlow is the guide's "CRM Configuration", step by step: the
// Integrations tab, add an integration, search "thiio", configure, name,
// save, copy the webhook URL, the switch and save; then the sample posted
// to the copied URL shows as a request and a new contact.
func thiioFlow(b *tab) {
	b.click(`nav.menu a[href="/integrations"]`)
	b.click("#add-integration")
	b.visible("#q")
	b.typeIn("#q", "zz")
	b.visible(`//li[@data-none and contains(., "No integration kind matches")]`) // the list filters as one types
	b.typeIn("#q", "\b\bthiio")
	b.visible(`li[data-kind="thiio"]`)
	b.shot("integration-add")
	b.click(`[data-configure="thiio"]`)
	b.text("//h1", "Configure Thiio")
	b.typeIn("#name", "Thiio shop")
	b.click("#save")
	b.text(`//p[contains(@class, "flash")]`, "Integration saved")

	b.grantClipboard()
	b.click("#copy-url")
	b.text(id("copy-url"), "Copied")
	url := b.eval(`navigator.clipboard.readText()`)
	if shown := b.value("#webhook-url"); url != shown || !strings.HasPrefix(url, b.base+"/in/in_") {
		b.t.Fatalf("copied URL %q, shown %q: want the integration's URL on this hookhub", url, shown)
	}

	// The switch and Save: off, then on again.
	b.click("label.toggle")
	b.click("#save")
	b.visible(`//*[@id="integration-state" and normalize-space()="inactive"]`)
	b.text(`//p[contains(@class, "flash")]`, "refuses requests")
	b.click("label.toggle")
	b.click("#save")
	b.visible(`//*[@id="integration-state" and normalize-space()="active"]`)

	// The platform posts the guide's sample, and a payload that breaks a rule.
	if got := postJSON(b.t, url, sample); got["success"] != true || got["msg"] != "received successfully" {
		b.t.Fatalf("posting the sample answered %v", got)
	}
	if got := postJSON(b.t, url, `{"source": "Thiio Custom"}`); got["success"] != false ||
		!strings.Contains(got["err"].(string), "the event field is required") {
		b.t.Fatalf("posting a payload without event answered %v", got)
	}
	b.click(`nav.tabs a[href$="?status=done"]`)
	b.click(`#requests-list details summary`)
	b.visible(`//details[@open]//pre[contains(., "11801 Stonehollow Drive")]`)
	b.click(`nav.tabs a[href$="?status=failed"]`)
	b.text(id("requests-list")+`//summary//*[contains(@class, "error-text")]`, "the event field is required")
	b.click(`nav.tabs a:first-child`) // All
	b.click(`#requests-list details:has(.state-done) summary`)
	b.visible(`//details[@open]//pre[contains(., "Product one Red")]`)
	b.shot("integration")

	b.click(`nav.menu a[href="/contacts"]`)
	b.text(id("contact-list")+"//tbody", "John Doe")
	b.text(id("contact-list")+"//tbody", "john.doe@example.com")
	b.shot("contacts")
	b.click(`#contact-list tbody a`)
	b.text(`//h1`, "John Doe")
	b.text(`//table[contains(@class, "list")]/tbody`, "123") // the order, by the shop's id
}

// webhookFlow makes a webhook of a failing receiver, watches its delivery
// fail, fixes the receiver, retries and sees it succeed; then lets it stop
// for too many errors and re-activates it from the dashboard.
func webhookFlow(b *tab, rcv *receiver) {
	rcv.fail.Store(true)
	b.click(`nav.menu a[href="/webhooks"]`)
	b.click("#new-webhook")
	b.typeIn("#name", "CRM sync")
	b.typeIn("#url", rcv.srv.URL+"/hook")
	b.typeIn(`input.filter[data-filter="#catalogue"]`, "contact.cr")
	b.click(`input[name="events"][value="contact.created"]`)
	b.clearAndType("#retry_schedule", "0") // one try: a failure is final
	b.typeIn("#errors_email", "ops@example.com")
	b.shot("webhook-form")
	b.click("#save")
	b.text("//h1", "Webhook created")
	b.visible(`//input[@id="secret" and starts-with(@value, "whsec_")]`)
	b.click("#to-webhook")
	b.text("//h1", "CRM sync")
	rcv.hold()
	b.click("#send-test")
	b.text(`//p[contains(@class, "flash")]`, "Test event #")

	// The list shows the delivery being sent, then refreshes by itself,
	// without a new page, once it has failed.
	b.visible(`#delivery-list tr.row-in_flight`)
	b.mark()
	rcv.release()
	b.visible(`#delivery-list tr.row-failed`)
	b.marked()
	b.shot("deliveries")
	b.click(`#delivery-list tr.row-failed a[href^="/deliveries/"]`)
	b.text(id("attempt-1")+"//h3", "Try 1: failed, status 500")
	b.text(id("attempt-1"), "down for maintenance")
	b.text(id("attempt-1")+`//pre[contains(@class, "headers")]`, "Webhook-Id: msg_")
	// The request body as sent, byte for byte (what the signature covers);
	// the indented form is apart, under "formatted".
	b.text(id("attempt-1")+`//div[contains(@class, "request")]/pre[contains(@class, "payload")]`, `{"type":"webhook.test","timestamp":"`)

	rcv.fail.Store(false)
	rcv.hold()
	b.click("#retry")
	b.text(`//p[contains(@class, "flash")]`, "is due again now")
	b.visible(`h1 .state-in_flight`)
	b.mark()
	rcv.release()
	b.text(id("attempt-2")+"//h3", "Try 2: succeeded, status 200") // the page refreshes by itself
	b.visible(`h1 .state-succeeded`)
	b.marked()
	b.shot("delivery")

	// Stop after one failure, and fail.
	rcv.fail.Store(true)
	b.click(`.crumbs a[href^="/webhooks/"]`)
	b.click("#edit")
	b.clearAndType("#failure_threshold", "1")
	b.click("#save")
	b.text(`//p[contains(@class, "flash")]`, "Saved.")
	b.click("#send-test")
	b.visible(`#delivery-list tr.row-failed`)
	b.click(`nav.menu a[href="/"]`)
	b.visible(`//section[contains(@class, "alert")]//strong[.="CRM sync"]`) // refreshes by itself if not yet stopped
	b.shot("dashboard")

	rcv.fail.Store(false)
	b.click(`[data-reactivate]`)
	b.text(`//p[contains(@class, "flash")]`, "is re-activated")
	b.gone(`.troubled`)
	b.visible(id("live") + `//tr[contains(., "CRM sync")]//span[contains(@class, "state-active")]`)
}

// otherPages visits the remaining pages for their screenshots, and the
// dashboard at a phone's width.
func otherPages(b *tab) {
	b.click(`nav.menu a[href="/webhooks"]`)
	b.text(`//table[contains(@class, "list")]/tbody`, "CRM sync")
	b.shot("webhooks")
	b.click(`.list tbody a[href^="/webhooks/"]`)
	b.text("//h1", "CRM sync")
	b.shot("webhook")
	b.click(`nav.menu a[href="/events"]`)
	b.text(id("event-list")+"//tbody", "webhook.test")
	b.shot("events")
	b.click(`#event-list tbody a`)
	b.text(`//h2`, "Data")
	b.shot("event")
	b.click(`nav.menu a[href="/mail"]`)
	b.text(id("mail-list")+"//summary", `Webhook "CRM sync" stopped: too many errors`) // the errors e-mail of too many errors
	b.click(`#mail-list details summary`)
	b.visible(`//details[@open]//pre[contains(., "Consecutive failures: 1")]`)
	b.shot("mail")
	b.click(`nav.menu a[href="/tokens"]`)
	b.text(`//h1`, "API tokens")
	b.shot("tokens")
	b.click(`nav.menu a[href="/"]`)
	b.visible("#figures")
	b.phone()
	b.shot("dashboard-phone")
}

// program is the whole hookhub, serving on a free port.
type program struct {
	base  string
	token string // the tenant's first token
}

func startHookhub(t *testing.T) *program {
	t.Helper()
	cfg := server.Defaults()
	cfg.Addr, cfg.DB, cfg.AllowPrivateTargets = "127.0.0.1:0", filepath.Join(t.TempDir(), "hookhub.db"), true
	cfg.PollInterval, cfg.RetryScale = 20*time.Millisecond, 0.001
	s, err := server.New(context.Background(), cfg, slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	_, token, err := s.Service().CreateTenant(context.Background(), "Acme")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return &program{base: "http://" + s.Addr(), token: token}
}

// receiver is a webhook receiver that fails while fail is set, and holds
// its answers while held.
type receiver struct {
	srv  *httptest.Server
	fail atomic.Bool
	gate atomic.Pointer[chan struct{}]
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		_, _ = io.Copy(io.Discard, req.Body)
		if g := r.gate.Load(); g != nil {
			select {
			case <-*g:
			case <-req.Context().Done():
				return
			}
		}
		if r.fail.Load() {
			http.Error(w, "down for maintenance", http.StatusInternalServerError)
			return
		}
		_, _ = io.WriteString(w, "thanks")
	}))
	t.Cleanup(func() { r.release(); r.srv.Close() })
	return r
}

// hold makes the receiver keep requests waiting until release.
func (r *receiver) hold() {
	g := make(chan struct{})
	r.gate.Store(&g)
}

func (r *receiver) release() {
	if g := r.gate.Swap(nil); g != nil {
		close(*g)
	}
}

func postJSON(t *testing.T, url, body string) map[string]any {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("answer to %s: %v", url, err)
	}
	return out
}

// chromium finds the browser: HOOKHUB_CHROMIUM, or Debian's chromium and
// its usual names on the PATH.
func chromium() string {
	if p := os.Getenv("HOOKHUB_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// startBrowser starts a headless Chromium with a profile of its own, closed
// when t ends, and returns a tab whose actions must end within two minutes.
// Without Chromium the test skips, or fails when CI=true.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromium()
	if path == "" {
		msg := "no Chromium found (install Debian's chromium, apt-get install -y chromium, or set HOOKHUB_CHROMIUM)"
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s; the browser tests are required when CI=true", msg)
		}
		t.Skip(msg)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		// This network is closed: without these, Chromium waits on services it cannot reach.
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(cancelTab)
	if err := chromedp.Do(ctx); err != nil { // starts the browser, bound to ctx, not to the deadline below
		t.Fatalf("start Chromium %s: %v", path, err)
	}
	dctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancel)
	return dctx
}

// tab drives one browser tab for a test: each step fails the test when it
// does not happen. Steps wait for what they need; none sleeps.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func (b *tab) with(t *testing.T) *tab { return &tab{t: t, ctx: b.ctx, base: b.base} }

func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	start := time.Now()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	if d := time.Since(start); d > 5*time.Second {
		b.t.Logf("%s took %v", what, d.Round(time.Millisecond))
	}
}

func (b *tab) open(path string) { b.t.Helper(); b.do("open "+path, chromedp.Navigate(b.base+path)) }

// visible waits for an element: s is XPath when it starts with a slash,
// else CSS.
func (b *tab) visible(s string) {
	b.t.Helper()
	if strings.HasPrefix(s, "/") {
		b.do("wait for "+s, chromedp.WaitVisible(chromedp.Search(s)))
		return
	}
	b.do("wait for "+s, chromedp.WaitVisible(chromedp.CSS(s)))
}

// text waits until an element (XPath) holds text: a page that refreshes
// itself gets there by itself, one that is loading when it has loaded.
func (b *tab) text(xpath, text string) {
	b.t.Helper()
	b.visible(xpath + `[contains(., ` + xpathString(text) + `)]`)
}

// id is the XPath of the element with the id.
func id(s string) string { return `//*[@id="` + s + `"]` }

// xpathString quotes s for XPath, which has no escapes.
func xpathString(s string) string {
	if !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	if !strings.Contains(s, "'") {
		return "'" + s + "'"
	}
	return `concat("` + strings.ReplaceAll(s, `"`, `", '"', "`) + `")`
}

func (b *tab) gone(css string) {
	b.t.Helper()
	b.do("wait for "+css+" to go", chromedp.WaitNotPresent(chromedp.CSS(css)))
}

func (b *tab) click(css string) {
	b.t.Helper()
	b.do("click "+css, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))
}

func (b *tab) typeIn(css, text string) {
	b.t.Helper()
	b.do("type in "+css, chromedp.SendKeys(chromedp.CSS(css), text, chromedp.NodeVisible))
}

func (b *tab) clearAndType(css, text string) {
	b.t.Helper()
	b.do("type in "+css, chromedp.Clear(chromedp.CSS(css), chromedp.NodeVisible), chromedp.SendKeys(chromedp.CSS(css), text, chromedp.NodeVisible))
}

func (b *tab) value(css string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(css)))
	if err != nil {
		b.t.Fatalf("value of %s: %v", css, err)
	}
	return v
}

func (b *tab) eval(js string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// grantClipboard lets the console's pages write and the test read the
// clipboard, as a person allows it.
func (b *tab) grantClipboard() {
	b.t.Helper()
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		_, err := chromedp.CallBrowser(b.ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: name}, Setting: browser.PermissionSettingGranted, Origin: b.base,
		})
		if err != nil {
			b.t.Fatalf("grant %s: %v", name, err)
		}
	}
}

// mark marks the page in the tab, for marked to tell whether a change
// came without a new page.
func (b *tab) mark() {
	b.t.Helper()
	b.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.hookhubTestMark = true`))
}

func (b *tab) marked() {
	b.t.Helper()
	if ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`window.hookhubTestMark === true`)); err != nil || !ok {
		b.t.Fatalf("the page was loaded again (%v): it should have refreshed in place", err)
	}
}

// phone makes the tab as wide as a phone.
func (b *tab) phone() {
	b.t.Helper()
	b.do("phone width", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
}

// shot saves a screenshot of the whole page as docs/screenshots/name.png
// when HOOKHUB_SCREENSHOTS=1.
func (b *tab) shot(name string) {
	b.t.Helper()
	if os.Getenv("HOOKHUB_SCREENSHOTS") != "1" {
		return
	}
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := filepath.Join("..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}
