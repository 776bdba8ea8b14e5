package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hookhub/hookhub/crm360"
	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/server"
)

// textRoute is a request of one route family with placeholders: "@name"
// in the path, query, form or header stands for the field's text, and
// "\"@name\"" in a JSON body for the field as a JSON string. Each request
// made of it carries text that cannot be stored in one field and valid
// text in the others.
type textRoute struct {
	family string
	method string
	path   string
	body   string // JSON, or a form when form is set
	form   bool
	header map[string]string
	auth   string            // "tenant" (default), "admin", "session" (the console's), "none"
	fields map[string]string // placeholder → valid text
	named  func(field string) string
}

// badText is a kind of text that cannot be stored as it came: in JSON (as
// it is written inside a string's quotes) and in a URL or form (the bytes,
// percent-encoded); "" where the kind cannot be sent there.
type badText struct {
	json, raw string
	reason    *regexp.Regexp
}

var badTexts = []badText{
	{`\u0000`, "\x00", regexp.MustCompile(`NUL`)},
	{"\xff", "\xff", regexp.MustCompile(`UTF-8`)},
	{"\xc3(", "\xc3(", regexp.MustCompile(`UTF-8`)},
	{"\xed\xa0\x80", "\xed\xa0\x80", regexp.MustCompile(`UTF-8`)}, // a surrogate written in UTF-8
	{"\xf4\x90\x80\x80", "\xf4\x90\x80\x80", regexp.MustCompile(`UTF-8`)},
	{`\ud800`, "", regexp.MustCompile(`surrogate`)},
	{`\udc00\ud83d`, "", regexp.MustCompile(`surrogate`)},
	{`a\u0000\u00e9`, "a\x00é", regexp.MustCompile(`NUL`)},
}

// TestTextThatCannotBeStored sends text that cannot be stored as it came
// (a NUL, bytes that are not UTF-8, an escaped lone surrogate) in one field
// of a request of every route family, on both databases: each is refused
// with a 4xx in the surface's own format that names the field and says
// why, answered in valid UTF-8, and nothing is stored. The requests are
// drawn from a seeded generator; HOOKHUB_TEXT_SEED replays a run's seed.
func TestTextThatCannotBeStored(t *testing.T) {
	t.Parallel()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("HOOKHUB_TEXT_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (HOOKHUB_TEXT_SEED=%d replays it)", seed, seed)
	hookhubtest.OnEachDB(t, func(t *testing.T, db string) {
		e := newTextEnv(t, db)
		before := e.snapshot(t)
		rng := rand.New(rand.NewPCG(seed, 15))
		for _, r := range e.routes() {
			names := slices.Sorted(maps.Keys(r.fields))
			for range 4 {
				field := names[rng.IntN(len(names))]
				bad := badTexts[rng.IntN(len(badTexts))]
				e.refused(t, r, field, bad, rng)
			}
		}
		if after := e.snapshot(t); after != before {
			t.Errorf("refused requests changed what is stored:\nbefore %s\nafter  %s", before, after)
		}
	})
}

type textEnv struct {
	srv     *hookhubtest.Server
	token   string
	admin   string
	thiio   string // the Thiio integration's URL path
	crm360  url.Values
	console *http.Client
	csrf    string
}

const textAdminToken = "admin-token-for-the-text-test-0123456789"

func newTextEnv(t *testing.T, db string) *textEnv {
	t.Helper()
	s := hookhubtest.NewServer(t, hookhubtest.ServerOptions{DB: db, Config: func(c *server.Config) {
		c.AdminToken, c.AllowPrivateTargets = textAdminToken, true
	}})
	e := &textEnv{srv: s, admin: textAdminToken}
	_, e.token = hookhubtest.Tenant(t, s.Service(), "acme")
	e.must(t, "PUT", "/v1/crm360/account", `{"customer_name":"FTS Services","database_alias":"Prod"}`, 200, nil)
	var thiio, src struct {
		ID  int64
		URL string
	}
	e.must(t, "POST", "/v1/integrations", `{"kind":"thiio","name":"shop"}`, 201, &thiio)
	u, _ := url.Parse(thiio.URL)
	e.thiio = u.Path
	var kind string
	for _, r := range crm360.Routes {
		if r.Platform == "Crm360" {
			kind = r.Kind()
		}
	}
	e.must(t, "POST", "/v1/integrations", `{"kind":"`+kind+`","name":"crm360"}`, 201, &src)
	e.crm360 = url.Values{"CustomerName": {"FTS Services"}, "DatabaseAlias": {"Prod"}, "ExternalPlatform": {"Crm360"},
		"ExternalEntity": {"Email"}, "ExternalAction": {"Send"}, "SourceId": {strconv.FormatInt(src.ID, 10)}}
	e.must(t, "POST", "/v1/webhooks", `{"url":"https://example.com/hook","events":["*"],"name":"kept"}`, 201, nil)

	jar, _ := cookiejar.New(nil)
	e.console = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	e.consoleDo(t, "GET", "/signin", nil)
	if status, _ := e.consoleDo(t, "POST", "/signin", url.Values{"token": {e.token}}); status != http.StatusSeeOther {
		t.Fatalf("console sign-in = %d", status)
	}
	e.consoleDo(t, "GET", "/", nil)
	return e
}

var csrfValue = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (e *textEnv) consoleDo(t *testing.T, method, path string, form url.Values) (int, []byte) {
	t.Helper()
	var body io.Reader
	if form != nil {
		form.Set("csrf", e.csrf)
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	status, b := hookhubtest.Do(t, e.console, req)
	if m := csrfValue.FindSubmatch(b); m != nil {
		e.csrf = string(m[1])
	}
	return status, b
}

func (e *textEnv) must(t *testing.T, method, path, body string, want int, out any) []byte {
	t.Helper()
	status, b := e.send(t, method, path, "Bearer "+e.token, "application/json", body, nil)
	if status != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, status, b, want)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
	return b
}

func (e *textEnv) send(t *testing.T, method, path, auth, contentType, body string, header map[string]string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		t.Fatalf("%s %q: %v", method, path, err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return hookhubtest.Do(t, nil, req)
}

// snapshot is what the tenant (and the admin) can list of what is stored.
func (e *textEnv) snapshot(t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	for _, p := range []string{"/v1/webhooks", "/v1/events", "/v1/event-types", "/v1/integrations", "/v1/contacts", "/v1/orders", "/api/v1/app", "/api/v1/event-type"} {
		b.Write(e.must(t, "GET", p, "", 200, nil))
	}
	_, tenants := e.send(t, "GET", "/v1/tenants", "Bearer "+e.admin, "", "", nil)
	b.Write(tenants)
	return b.String()
}

// routes are the requests of every route family.
func (e *textEnv) routes() []textRoute {
	crm := e.crm360.Encode()
	return []textRoute{
		{family: "native", method: "POST", path: "/v1/events",
			body:   `{"type":"contact.created","data":{"name":"@data"},"idempotency_key":"@key"}`,
			fields: map[string]string{"data": "Ann", "key": "k1"}},
		{family: "native", method: "POST", path: "/v1/events", header: map[string]string{"Idempotency-Key": "@hkey"},
			body: `{"type":"contact.created","data":{}}`, fields: map[string]string{"hkey": "k2"}},
		{family: "native", method: "POST", path: "/v1/webhooks",
			body:   `{"url":"https://example.com/@path","name":"@desc","events":["@event"],"headers":{"X-Team":"@header"}}`,
			fields: map[string]string{"path": "in", "desc": "orders", "event": "contact.created", "header": "blue"}},
		{family: "native", method: "GET", path: "/v1/events?type=@type&limit=5", fields: map[string]string{"type": "contact.created"}},
		{family: "native", method: "GET", path: "/v1/integrations?name=@name&kind=@kind", fields: map[string]string{"name": "shop", "kind": "thiio"}},
		{family: "native", method: "GET", path: "/v1/contacts?q=@q", fields: map[string]string{"q": "ann"}},
		{family: "native", method: "POST", path: "/v1/event-types", body: `{"name":"@name","description":"@desc"}`,
			fields: map[string]string{"name": "invoice.paid", "desc": "An invoice was paid"}},
		{family: "native", method: "POST", path: "/v1/integrations", body: `{"kind":"thiio","name":"@name"}`, fields: map[string]string{"name": "shop two"}},
		{family: "native", method: "DELETE", path: "/v1/event-types/@name", fields: map[string]string{"name": "invoice.paid"}},
		{family: "admin", method: "POST", path: "/v1/tenants", auth: "admin", body: `{"name":"@name"}`, fields: map[string]string{"name": "globex"}},
		{family: "superoffice", method: "POST", path: "/api/v1/Webhook",
			body:   `{"Name":"@name","Events":["contact.created"],"TargetUrl":"https://example.com/@path","Secret":"@secret"}`,
			fields: map[string]string{"name": "sales", "path": "so", "secret": "s3cret-s3cret"}},
		{family: "superoffice", method: "POST", path: "/api/v1/Webhook", form: true,
			body: `Name=@name&Events=contact.created&TargetUrl=https://example.com/so&Secret=@secret`, fields: map[string]string{"name": "sales", "secret": "s3cret-s3cret"}},
		{family: "superoffice", method: "GET", path: "/api/v1/Webhook/@id", fields: map[string]string{"id": "1"}},
		{family: "superoffice", method: "POST", path: "/api/v1/Agents/Webhook/SaveWebhook",
			body: `{"Name":"@name","Events":["contact.created"],"TargetUrl":"https://example.com/so"}`, fields: map[string]string{"name": "agent"}},
		{family: "salesiq", method: "POST", path: "/api/v2/acme/webhooks",
			body:   `{"name":"@name","webhook":{"url":"https://example.com/@path"},"events":["@event"]}`,
			fields: map[string]string{"name": "chats", "path": "siq", "event": "conversation.created"}},
		{family: "salesiq", method: "GET", path: "/api/v2/@screenname/webhooks/@id", fields: map[string]string{"screenname": "acme", "id": "1"}},
		{family: "tilby", method: "POST", path: "/v2/webhooks",
			body:   `{"url":"https://example.com/@path","entity_name":"@entity","event_type":"@event","email":"@email"}`,
			fields: map[string]string{"path": "tilby", "entity": "sales", "event": "closed", "email": "ops@example.com"}},
		{family: "tilby", method: "GET", path: "/v2/webhooks/@id", fields: map[string]string{"id": "1"}},
		{family: "thiio", method: "POST", path: e.thiio, auth: "none",
			body: `{"event":"customer","source":"@source","contact":{"first_name":"@first","last_name":"Doe","email":"@email"},` +
				`"phone":{"number":"+15124713434"},"billing_address":{"city":"@city"}}`,
			fields: map[string]string{"source": "Thiio Custom", "first": "John", "email": "john@example.com", "city": "Austin"}},
		{family: "thiio", method: "POST", path: "/in/@token", auth: "none", body: `{}`, fields: map[string]string{"token": "abc"},
			named: func(string) string { return "integration" }},
		{family: "crm360", method: "POST", path: "/api/Webhook/QueueProcess?" + crm + "&Email=@copy",
			body: `{"EmailTo":"@to","SenderEmail":"contact@example.com","Subject":"@subject","HtmlMessage":"<p>Hi</p>",` +
				`"VariablePersoJson":{"Prenom":"@first"}}`,
			fields: map[string]string{"copy": "copy@example.com", "to": "ann@example.com", "subject": "Bonjour", "first": "Ann"},
			named: func(f string) string {
				return map[string]string{"copy": "Email", "to": "EmailTo", "subject": "Subject", "first": "Prenom"}[f]
			}},
		{family: "svix", method: "POST", path: "/api/v1/app", body: `{"name":"@name","uid":"@uid","metadata":{"team":"@meta"}}`,
			fields: map[string]string{"name": "Acme", "uid": "acme-1", "meta": "blue"}},
		{family: "svix", method: "POST", path: "/api/v1/app", header: map[string]string{"Idempotency-Key": "@key"},
			body: `{"name":"Acme"}`, fields: map[string]string{"key": "k3"}},
		{family: "svix", method: "GET", path: "/api/v1/app/@app_id", fields: map[string]string{"app_id": "acme-1"}},
		{family: "svix", method: "POST", path: "/api/v1/event-type", body: `{"name":"@name","description":"@desc"}`,
			fields: map[string]string{"name": "invoice.sent", "desc": "An invoice was sent"}},
		{family: "console", method: "POST", path: "/webhooks", auth: "session", form: true,
			body: `url=https://example.com/console&description=@desc&events=contact.created`, fields: map[string]string{"desc": "from the console"}},
		{family: "console", method: "GET", path: "/contacts?q=@q", auth: "session", fields: map[string]string{"q": "ann"}},
		{family: "console", method: "GET", path: "/events?type=@type", auth: "session", fields: map[string]string{"type": "contact.created"}},
	}
}

// refused sends r with bad text in field and checks the refusal.
func (e *textEnv) refused(t *testing.T, r textRoute, field string, bad badText, rng *rand.Rand) {
	t.Helper()
	inJSON := strings.Contains(r.body, "@"+field) && !r.form
	if !inJSON && bad.raw == "" {
		bad = badTexts[0] // a surrogate escape is JSON's only
	}
	_, inHeader := headerOf(r, field)
	if inHeader && strings.Contains(bad.raw, "\x00") {
		bad = badTexts[1+rng.IntN(4)] // HTTP itself refuses a NUL in a header
	}
	valid := r.fields[field]
	cut := rng.IntN(len(valid) + 1)
	names := slices.SortedFunc(maps.Keys(r.fields), func(a, b string) int { return len(b) - len(a) }) // "@ab" before "@a"
	fill := func(s string, asJSON bool) string {
		for _, name := range names {
			text := r.fields[name]
			if name == field {
				if asJSON {
					text = text[:cut] + bad.json + text[cut:]
				} else {
					text = text[:cut] + bad.raw + text[cut:]
				}
			}
			if !asJSON {
				text = url.QueryEscape(text)
			}
			s = strings.ReplaceAll(s, "@"+name, text)
		}
		return s
	}
	path := fill(r.path, false)
	body := fill(r.body, !r.form)
	header := map[string]string{}
	for k, v := range r.header {
		name := strings.TrimPrefix(v, "@")
		header[k] = r.fields[name]
		if name == field {
			header[k] = r.fields[name][:cut] + bad.raw + r.fields[name][cut:]
		}
	}
	sent := bad.raw
	if inJSON {
		sent = bad.json
	}
	what := fmt.Sprintf("%s %s %s with %q in %s", r.family, r.method, r.path, sent, field)
	var status int
	var answer []byte
	if r.auth == "session" {
		req, _ := http.NewRequest(r.method, e.srv.URL+path, strings.NewReader(body))
		if r.form {
			vals, _ := url.ParseQuery(body)
			vals.Set("csrf", e.csrf)
			req, _ = http.NewRequest(r.method, e.srv.URL+path, strings.NewReader(vals.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := e.console.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		answer, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		status = resp.StatusCode
	} else {
		auth := "Bearer " + e.token
		switch r.auth {
		case "admin":
			auth = "Bearer " + e.admin
		case "none":
			auth = ""
		}
		ct := "application/json"
		if r.form {
			ct = "application/x-www-form-urlencoded"
		}
		status, answer = e.send(t, r.method, path, auth, ct, body, header)
	}
	name := field
	if r.named != nil {
		name = r.named(field)
	} else if n, ok := headerOf(r, field); ok {
		name = n
	} else if k := jsonKey(r.body, field); k != "" {
		name = k
	} else if k := paramName(r.path+"&"+r.body, field); k != "" {
		name = k
	}
	if testing.Verbose() && r.auth != "session" {
		t.Logf("%s: %d %.300s", what, status, answer)
	}
	switch {
	case status < 400 || status >= 500:
		t.Errorf("%s = %d, want a 4xx: %s", what, status, answer)
	case !utf8.Valid(answer) || bytes.IndexByte(answer, 0) >= 0:
		t.Errorf("%s = %d, an answer that is not valid UTF-8: %q", what, status, answer)
	case !strings.Contains(string(answer), name):
		t.Errorf("%s = %d, an answer that does not name %s: %s", what, status, name, answer)
	case r.named == nil && !bad.reason.Match(answer):
		t.Errorf("%s = %d, an answer that does not say %s: %s", what, status, bad.reason, answer)
	}
}

func headerOf(r textRoute, field string) (string, bool) {
	for k, v := range r.header {
		if v == "@"+field {
			return k, true
		}
	}
	return "", false
}

// jsonKey is the member name whose value holds the placeholder.
func jsonKey(body, field string) string {
	m := regexp.MustCompile(`"([^"]+)":\s*\[?"[^"]*@` + field + `"`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// paramName is the query or form parameter, or path wildcard, holding the
// placeholder.
func paramName(s, field string) string {
	if m := regexp.MustCompile(`([A-Za-z_]+)=[^&]*@` + field + `\b`).FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return field
}
