package crm360_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
	"github.com/hookhub/hookhub/crm360"
	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/secrets"
	"github.com/hookhub/hookhub/server"
	"github.com/hookhub/hookhub/sqlite"
)

// TestInvisibility delays a message by secondsOfInvisibility, scaled like
// every delay by HOOKHUB_RETRY_SCALE (0.001 here): 600 s are 600 ms.
func TestInvisibility(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	a := e.queue(t, call{platform: "Shopify", entity: "Customer", action: "Insert", body: testdata(t, "shopify_customer.json"),
		params: map[string]string{"SECONDSOFINVISIBILITY": "600"}})
	if a.status != 200 || a.VisibleAt == nil {
		t.Fatalf("answer = %d %s", a.status, a.raw)
	}
	var m struct {
		ReceivedAt    time.Time  `json:"received_at"`
		NextAttemptAt *time.Time `json:"next_attempt_at"`
		Status        string
	}
	e.must(t, e.token, "GET", fmt.Sprintf("/v1/inbound-messages/%d", a.MessageID), nil, 200, &m)
	if got := a.VisibleAt.Sub(m.ReceivedAt); got != 600*time.Millisecond {
		t.Errorf("VisibleAt - received_at = %s, want 600 s scaled to 600 ms", got)
	}
	if done := e.wait(t, a.MessageID); done.Status != "done" {
		t.Errorf("message = %+v, want done once visible", done)
	}
}

// TestCrashBetweenAcceptAndProcess accepts messages, stops the server
// before it processes them (one still invisible, one held by a worker
// that died), and starts it again: both are processed, nothing is lost.
func TestCrashBetweenAcceptAndProcess(t *testing.T) {
	t.Parallel()
	// The clock starts three hours ago, so that after the restart it is
	// now again and the receiver takes the events' signed timestamps.
	clk := hookhubtest.NewClock(time.Now().Add(-3 * time.Hour).UTC().Truncate(time.Millisecond))
	e := setup(t, &options{clock: clk, edit: func(c *server.Config) {
		c.RetryScale = 1 // the clock, not the scale, says when messages are due
		c.EncryptionKey = fmt.Sprintf("%x", secrets.GenerateKey())
	}})
	cfg := e.cfg

	invisible := e.queue(t, call{platform: "Shopify", entity: "Customer", action: "Insert", body: testdata(t, "shopify_customer.json"),
		params: map[string]string{"secondsOfInvisibility": "3600"}})
	if invisible.status != 200 || !invisible.VisibleAt.Equal(clk.Now().Add(time.Hour)) {
		t.Fatalf("answer = %d %s, want visible in an hour of the server's clock", invisible.status, invisible.raw)
	}
	held := e.queue(t, call{platform: "Adictiz", entity: "User", action: "Participate", body: testdata(t, "adictiz_participation.json"),
		params: map[string]string{"secondsOfInvisibility": "7200"}})
	e.stop()

	// The store after the stop: both queued, untouched. A worker that dies holding one leaves it processing.
	key, _ := secrets.ParseKey(cfg.EncryptionKey)
	db, err := sqlite.Open(t.Context(), sqlite.Config{Path: cfg.DB, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	tenant := e.tenantOf(t, db)
	for _, id := range []int64{invisible.MessageID, held.MessageID} {
		m, err := db.GetInboundMessage(t.Context(), tenant, id)
		if err != nil || m.Status != hookhub.InboundQueued || m.Attempts != 0 {
			t.Fatalf("message %d after the stop = %+v, %v; want queued, never tried", id, m, err)
		}
	}
	claimed, err := db.ClaimInboundMessages(t.Context(), clk.Now().Add(2*time.Hour), 1, time.Minute)
	if err != nil || len(claimed) != 1 || claimed[0].ID != invisible.MessageID {
		t.Fatalf("a worker's claim = %+v, %v", claimed, err)
	}
	if cs, _ := db.ListContacts(t.Context(), tenant, crm.ContactFilter{}); len(cs) != 0 {
		t.Fatalf("contacts before processing = %d, want none", len(cs))
	}
	db.Close()

	// Started again three hours on: the claim's lease ran out, the other is visible.
	clk.Add(3 * time.Hour)
	e.start(t, clk)
	for _, id := range []int64{invisible.MessageID, held.MessageID} {
		if m := e.wait(t, id); m.Status != "done" {
			t.Errorf("message %d after the restart = %+v, want done", id, m)
		}
	}
	e.contact(t, "bob.norman@example.com")
	e.contact(t, "lea.martin@example.com")
	e.rcv.Wait(t, "contact.created", "contact.created", "activity.created")
}

// tenantOf is acme's tenant id, read with its token.
func (e *env) tenantOf(t *testing.T, s hookhub.Store) string {
	t.Helper()
	tok, err := s.TokenByHash(t.Context(), hookhub.HashToken(e.token))
	if err != nil {
		t.Fatal(err)
	}
	return tok.TenantID
}

// TestEmailCopy sends a copy of the webhook's content to the Email
// parameter's address, caught by a real SMTP server.
func TestEmailCopy(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	body := testdata(t, "zendesk_ticket.json")
	m := e.accept(t, call{platform: "Zendesk", entity: "Ticket", action: "Update", body: body, params: map[string]string{"email": "ops@fts-services.com"}})
	got := e.smtp.WaitFor(t, 1, hookhubtest.WaitTimeout)[0]
	if got.To[0] != "ops@fts-services.com" || got.Subject != fmt.Sprintf("Webhook zendesk Ticket Update (message %d)", m.ID) {
		t.Errorf("copy to %v: %q", got.To, got.Subject)
	}
	for _, want := range []string{"Help, my printer is on fire!", "ExternalPlatform=Zendesk", "Authorization: (hidden)", "Content-Type: application/json"} {
		if !strings.Contains(got.Text, want) {
			t.Errorf("copy lacks %q:\n%s", want, got.Text)
		}
	}
	if strings.Contains(got.Text, e.token) {
		t.Errorf("the copy shows the token")
	}
	if m.Headers["Authorization"] != "Bearer (hidden)" {
		t.Errorf("stored Authorization = %q, want it hidden", m.Headers["Authorization"])
	}
}

// shopifySign is Shopify's signature, computed here as Shopify documents
// it: Base64 of HMAC-SHA256 over the raw body with the app's secret.
func shopifySign(secret, body string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(body))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func TestShopifySignature(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	const secret = "shpss_5a2fd3b1c0e94b9f"
	e.must(t, e.token, "PUT", fmt.Sprintf("/v1/crm360/sources/%d/auth", e.sources["Shopify"]), map[string]any{"auth": "shopify_hmac", "secret": secret}, 200, nil)
	var src struct {
		Auth      string
		HasSecret bool `json:"has_secret"`
		URL       string
	}
	e.must(t, e.token, "GET", fmt.Sprintf("/v1/crm360/sources/%d", e.sources["Shopify"]), nil, 200, &src)
	if src.Auth != "shopify_hmac" || !src.HasSecret || strings.Contains(src.URL, secret) || !strings.Contains(src.URL, crm360.Path+"?") ||
		!strings.Contains(src.URL, "CustomerName=") || !strings.Contains(src.URL, fmt.Sprintf("SourceId=%d", e.sources["Shopify"])) {
		t.Errorf("source = %+v", src)
	}
	// The integration itself shows where its platform posts: QueueProcess,
	// not an /in/ URL of its own.
	var it struct{ URL string }
	e.must(t, e.token, "GET", fmt.Sprintf("/v1/integrations/%d", e.sources["Shopify"]), nil, 200, &it)
	if !strings.Contains(it.URL, crm360.Path+"?") || !strings.Contains(strings.ToLower(it.URL), "externalplatform=shopify") {
		t.Errorf("integration url = %q, want the QueueProcess URL of the source", it.URL)
	}
	body := testdata(t, "shopify_customer.json")
	// A vector worked out outside Go (Python's hmac): Base64(HMAC-SHA256(secret, `{"id":1}`)).
	const vector = "oWYYVQGXHSQUjT7CkVqEBx6mdiVpftCMv6Q8ToRyXBA="
	if got := shopifySign(secret, `{"id":1}`); got != vector {
		t.Fatalf("the test's own HMAC = %s, want %s", got, vector)
	}
	e.accept(t, call{platform: "Shopify", entity: "Customer", action: "Delete", body: `{"id":1}`,
		header: map[string]string{"Authorization": "", crm360.ShopifyHeader: vector}})
	e.accept(t, call{platform: "Shopify", entity: "Customer", action: "Insert", body: body,
		header: map[string]string{"Authorization": "", crm360.ShopifyHeader: shopifySign(secret, body)}})
	for name, sig := range map[string]string{
		"Tampered":    shopifySign(secret, body+" "),
		"WrongSecret": shopifySign("shpss_other", body),
		"NotBase64":   "not base64!",
		"Missing":     "",
	} {
		t.Run(name, func(t *testing.T) {
			a := e.queue(t, call{platform: "Shopify", entity: "Customer", action: "Insert", body: body,
				header: map[string]string{"Authorization": "", crm360.ShopifyHeader: sig}})
			if a.status != 401 || a.MessageID != 0 || len(a.Errors) != 1 || a.Errors[0].Field != crm360.ShopifyHeader {
				t.Errorf("%s = %d %s, want 401 naming %s", name, a.status, a.raw, crm360.ShopifyHeader)
			}
		})
	}
	// A token is no longer enough for this source.
	if a := e.queue(t, call{platform: "Shopify", entity: "Customer", action: "Insert", body: body}); a.status != 401 {
		t.Errorf("a token for a signed source = %d %s", a.status, a.raw)
	}
}

// TestRefused checks what QueueProcess refuses, with a clear error naming
// the field, and that nothing of it is stored.
func TestRefused(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	cust := testdata(t, "shopify_customer.json")
	shop := call{platform: "Shopify", entity: "Customer", action: "Insert", body: cust}
	with := func(c call, edit func(*call)) call { edit(&c); return c }
	var readOnly struct{ Token string }
	e.must(t, e.token, "POST", "/v1/tokens", map[string]any{"name": "read", "scopes": []string{"records.read"}}, 201, &readOnly)
	for _, tt := range []struct {
		name   string
		c      call
		status int
		fields []string
	}{
		{"MissingParameters", call{platform: "Shopify", body: cust}, 400, []string{"ExternalEntity", "ExternalAction"}},
		{"MalformedParameters", with(shop, func(c *call) {
			c.params = map[string]string{"ZoneId": "north", "BatchMode": "maybe", "Email": "ops at example", "secondsOfInvisibility": "-5"}
		}), 400, []string{"ZoneId", "BatchMode", "Email", "secondsOfInvisibility"}},
		{"SourceIdZero", with(shop, func(c *call) { c.params = map[string]string{"SourceId": "0"} }), 400, []string{"SourceId"}},
		{"TooInvisible", with(shop, func(c *call) { c.params = map[string]string{"secondsOfInvisibility": "999999999"} }), 400, []string{"secondsOfInvisibility"}},
		{"UnknownCombination", with(shop, func(c *call) { c.action = "Upsert" }), 400, nil},
		{"MalformedJSON", with(shop, func(c *call) { c.body = `{"id": 1, "email": "bob@example.com"` }), 400, []string{"body"}},
		{"EmptyBody", with(shop, func(c *call) { c.body = "" }), 400, []string{"body"}},
		{"ArrayWithoutBatchMode", with(shop, func(c *call) { c.body = "[" + cust + "]" }), 400, []string{"body"}},
		{"WrongType", with(shop, func(c *call) { c.body = `{"id": 1, "email": ["bob@example.com"]}` }), 400, []string{"email"}},
		{"RuleBroken", with(shop, func(c *call) { c.body = `{"id": 1, "email": "not an address"}` }), 400, []string{"contact.email"}},
		{"MissingField", with(shop, func(c *call) { c.body = `{"email": "bob@example.com"}` }), 400, []string{"id"}},
		{"NotJSONContentType", with(shop, func(c *call) { c.header = map[string]string{"Content-Type": "text/plain"} }), 415, nil},
		{"TooLarge", with(shop, func(c *call) { c.body = `{"id":1,"email":"a@example.com","note":"` + strings.Repeat("x", 1<<20) + `"}` }), 413, nil},
		{"UnknownCustomer", with(shop, func(c *call) { c.customer = "Nobody" }), 404, nil},
		{"UnknownSource", with(shop, func(c *call) { c.source = 999999 }), 404, nil},
		{"OtherTenantsSource", with(shop, func(c *call) { c.source = e.theirs["Shopify"] }), 404, nil},
		{"SourceOfAnotherPlatform", with(shop, func(c *call) { c.source = e.sources["Zendesk"] }), 400, []string{"SourceId"}},
		{"NoToken", with(shop, func(c *call) { c.header = map[string]string{"Authorization": ""} }), 401, []string{"Authorization"}},
		{"WrongToken", with(shop, func(c *call) { c.header = map[string]string{"Authorization": "Bearer hh_wrong"} }), 401, nil},
		{"OtherTenantsToken", with(shop, func(c *call) { c.header = map[string]string{"Authorization": "Bearer " + e.other} }), 401, nil},
		{"TokenWithoutScope", with(shop, func(c *call) { c.header = map[string]string{"Authorization": "Bearer " + readOnly.Token} }), 403, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := e.queue(t, tt.c)
			var fields []string
			for _, f := range a.Errors {
				fields = append(fields, f.Field)
			}
			if a.status != tt.status || a.Success || a.MessageID != 0 || fmt.Sprint(fields) != fmt.Sprint(tt.fields) && tt.fields != nil || a.Message == "" {
				t.Errorf("%s = %d %s, want %d naming %v", tt.name, a.status, a.raw, tt.status, tt.fields)
			}
			if tt.name == "UnknownCombination" && (len(a.Supported) != len(crm360.Routes) || a.Supported[0].ExternalPlatform != "Shopify") {
				t.Errorf("unsupported combination lists %d combinations, want %d", len(a.Supported), len(crm360.Routes))
			}
		})
	}
	// Basic authentication with the token as the password is taken, for platforms that put credentials in the URL.
	basic := base64.StdEncoding.EncodeToString([]byte("mailjet:" + e.token))
	e.accept(t, with(shop, func(c *call) { c.header = map[string]string{"Authorization": "Basic " + basic} }))

	// Only the accepted request was stored; no copy was mailed.
	var reqs []struct{ ID int64 }
	if e.list(t, fmt.Sprintf("/v1/integrations/%d/requests", e.sources["Shopify"]), &reqs); len(reqs) != 1 {
		t.Errorf("stored requests = %d, want only the accepted one", len(reqs))
	}
	var mails []any
	if e.list(t, "/v1/mail", &mails); len(mails) != 0 {
		t.Errorf("e-mails = %d, want none", len(mails))
	}

	// A deactivated source refuses; GET is not QueueProcess.
	e.must(t, e.token, "PATCH", fmt.Sprintf("/v1/integrations/%d", e.sources["Shopify"]), map[string]any{"active": false}, 200, nil)
	if a := e.queue(t, shop); a.status != 403 {
		t.Errorf("deactivated source = %d %s", a.status, a.raw)
	}
	resp, err := http.Get(e.base + crm360.Path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST" {
		t.Errorf("GET = %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

// TestOtherTenant checks that another tenant's sources, messages and
// records are not found, and that its own calls make records of its own.
func TestOtherTenant(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	m := e.accept(t, call{platform: "Shopify", entity: "Customer", action: "Insert", body: testdata(t, "shopify_customer.json")})
	c := e.contact(t, "bob.norman@example.com")
	for _, path := range []string{
		fmt.Sprintf("/v1/inbound-messages/%d", m.ID), fmt.Sprintf("/v1/contacts/%d", c.ID),
		fmt.Sprintf("/v1/crm360/sources/%d", e.sources["Shopify"]),
	} {
		e.must(t, e.other, "GET", path, nil, 404, nil)
	}
	e.must(t, e.other, "PUT", fmt.Sprintf("/v1/crm360/sources/%d/auth", e.sources["Shopify"]), map[string]any{"auth": "token"}, 404, nil)
	e.must(t, e.other, "PUT", "/v1/crm360/account", map[string]any{"customer_name": "fts services", "database_alias": "PROD"}, 409, nil)

	// Globex's own call, with its name, source and token.
	a := e.queue(t, call{platform: "Shopify", entity: "Customer", action: "Insert", body: testdata(t, "shopify_customer.json"),
		customer: "Globex", source: e.theirs["Shopify"], header: map[string]string{"Authorization": "Bearer " + e.other}})
	if a.status != 200 {
		t.Fatalf("globex's call = %d %s", a.status, a.raw)
	}
	var theirs []contactJSON
	for deadline := time.Now().Add(hookhubtest.WaitTimeout); len(theirs) == 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		var l struct{ Data []contactJSON }
		e.must(t, e.other, "GET", "/v1/contacts", nil, 200, &l)
		theirs = l.Data
	}
	if len(theirs) != 1 || theirs[0].ID == c.ID || theirs[0].IntegrationID != e.theirs["Shopify"] {
		t.Errorf("globex's contacts = %+v, want its own Bob", theirs)
	}
}

// TestManyNodes runs two servers on one PostgreSQL database, posts to both,
// and checks that every message is processed once: one contact and one
// contact.created each.
func TestManyNodes(t *testing.T) {
	t.Parallel()
	e := setup(t, &options{postgres: true})
	second := &env{cfg: e.cfg, token: e.token, sources: e.sources}
	second.start(t, nil)
	const n = 24
	var ids []int64
	for i := range n {
		node := e
		if i%2 == 1 {
			node = second
		}
		body := strings.NewReplacer("706405506930370084", fmt.Sprint(1000+i), "bob.norman@example.com", fmt.Sprintf("c%d@example.com", i)).Replace(testdata(t, "shopify_customer.json"))
		a := node.queue(t, call{platform: "Shopify", entity: "Customer", action: "Insert", body: body})
		if a.status != 200 {
			t.Fatalf("call %d = %d %s", i, a.status, a.raw)
		}
		ids = append(ids, a.MessageID)
	}
	for _, id := range ids {
		if m := e.wait(t, id); m.Status != "done" {
			t.Errorf("message %d = %+v", id, m)
		}
	}
	var cs []contactJSON
	e.must(t, e.token, "GET", "/v1/contacts?limit=100", nil, 200, &struct{ Data *[]contactJSON }{&cs})
	if len(cs) != n {
		t.Errorf("contacts = %d, want %d", len(cs), n)
	}
	e.rcv.Wait(t, strings.Split(strings.Repeat("contact.created ", n), " ")[:n]...)
	if got := e.rcv.Count("contact.created"); got != n {
		t.Errorf("contact.created events = %d, want %d", got, n)
	}
}

// TestZendeskSignatureVector checks a Zendesk signature worked out outside
// Go (Python's hmac) at a fixed time: Base64(HMAC-SHA256(secret,
// timestamp + body)).
func TestZendeskSignatureVector(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 14, 12, 31, 0, 0, time.UTC) // a minute after the signature
	e := setup(t, &options{clock: hookhubtest.NewClock(at)})
	e.must(t, e.token, "PUT", fmt.Sprintf("/v1/crm360/sources/%d/auth", e.sources["Zendesk"]), map[string]any{"auth": "zendesk_signature", "secret": "dGhpcyBpcyBhIHNlY3JldA=="}, 200, nil)
	const body, ts, vector = `{"id":"1","requester":{"email":"a@example.com"}}`, "2026-03-14T12:30:00Z", "hxF4odPICwJBXdAoYQGKbHmSq3dSaFlAoOlFD21KhO0="
	if got := zendeskSign("dGhpcyBpcyBhIHNlY3JldA==", ts, body); got != vector {
		t.Fatalf("the test's own HMAC = %s, want %s", got, vector)
	}
	e.accept(t, call{platform: "Zendesk", entity: "Ticket", action: "Update", body: body,
		header: map[string]string{"Authorization": "", crm360.ZendeskHeader: vector, crm360.ZendeskTimestamp: ts}})
	e.contact(t, "a@example.com")
}
