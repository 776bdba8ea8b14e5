package server_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hookhub/hookhub/crm360"
	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/postgres"
	"github.com/hookhub/hookhub/server"
	"github.com/hookhub/hookhub/sqlite"
)

// TestStorageFaults breaks the database's writes under a running server,
// on each database, and calls a write of every surface: each answers 503
// with Retry-After in its own error format, and /readyz says not ready.
// When the writes work again, /readyz and every surface recover on their
// own. SQLite's writer is made read-only (PRAGMA query_only: SQLITE_READONLY,
// as a read-only file system gives); PostgreSQL's tables refuse every write
// with SQLSTATE 53100 disk_full, as a full disk does.
func TestStorageFaults(t *testing.T) {
	t.Parallel()
	hookhubtest.OnEachDB(t, func(t *testing.T, db string) {
		rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})) // handshakes: 200
		t.Cleanup(rcv.Close)
		const adminToken = "admin-token-of-the-storage-fault-test"
		srv := hookhubtest.NewServer(t, hookhubtest.ServerOptions{DB: db, Config: func(c *server.Config) {
			c.AllowPrivateTargets, c.AdminToken = true, adminToken
		}})
		_, token := hookhubtest.Tenant(t, srv.Service(), "zylker")
		var thiio, source struct {
			ID  int64
			URL string
		}
		call(t, "POST", srv.URL+"/v1/integrations", token, map[string]any{"kind": "thiio", "name": "shop"}, &thiio)
		call(t, "PUT", srv.URL+"/v1/crm360/account", token, map[string]any{"customer_name": "FTS Services", "database_alias": "Prod"}, nil)
		route := crm360.Routes[0]
		call(t, "POST", srv.URL+"/v1/integrations", token, map[string]any{"kind": route.Kind(), "name": route.Platform}, &source)
		shopify, err := os.ReadFile("../crm360/testdata/shopify_customer.json")
		if err != nil {
			t.Fatal(err)
		}
		csrf, signInCookie := signInForm(t, srv.URL)
		n := 0
		name := func() string { n++; return fmt.Sprint("fault-", n) }

		tests := []struct {
			surface string
			req     func() *http.Request
			format  string // in the 503's body: the surface's own error shape
		}{
			{"native API", func() *http.Request {
				return jsonRequest("POST", srv.URL+"/v1/events", token, `{"type": "contact.created", "data": {}}`)
			}, `"status":503`},
			{"admin API", func() *http.Request {
				return jsonRequest("POST", srv.URL+"/v1/tenants", adminToken, `{"name": "`+name()+`"}`)
			}, `"status":503`},
			{"SuperOffice", func() *http.Request {
				return jsonRequest("POST", srv.URL+"/api/v1/Webhook", token, `{"Name": "`+name()+`", "Events": ["contact.created"], "TargetUrl": "`+rcv.URL+`"}`)
			}, `"ErrorType":"Unavailable"`},
			{"SalesIQ", func() *http.Request {
				return jsonRequest("POST", srv.URL+"/api/v2/zylker/webhooks", token, `{"type": "data", "url": "`+rcv.URL+`/`+name()+`", "events": ["conversation.created"], "app_ids": ["19367000000002043"]}`)
			}, `"code":1001`},
			{"Tilby", func() *http.Request {
				return jsonRequest("POST", srv.URL+"/v2/webhooks", token, `{"url": "`+rcv.URL+`/`+name()+`", "entity_name": "customers", "event_type": "created", "email": "dev@example.com"}`)
			}, `"error":"Service Unavailable"`},
			{"Thiio", func() *http.Request {
				return jsonRequest("POST", thiio.URL, "", `{"event": "customer", "source": "shop", "contact": {"first_name": "Ada", "last_name": "Lovelace", "email": "`+name()+`@example.com"}, "phone": {"country": "US", "number": "+15124713434"}}`)
			}, `"success":false`},
			{"CRM360", func() *http.Request {
				q := url.Values{"CustomerName": {"FTS Services"}, "DatabaseAlias": {"Prod"}, "ExternalPlatform": {route.Platform},
					"ExternalEntity": {route.Entity}, "ExternalAction": {route.Action}, "SourceId": {fmt.Sprint(source.ID)}}
				return jsonRequest("POST", srv.URL+crm360.Path+"?"+q.Encode(), token, string(shopify))
			}, `"Success":false`},
			{"Svix", func() *http.Request {
				return jsonRequest("POST", srv.URL+"/api/v1/app", token, `{"name": "`+name()+`"}`)
			}, `"code":"unavailable"`},
			{"console", func() *http.Request {
				form := url.Values{"token": {token}, "csrf": {csrf}, "next": {"/"}}
				req, _ := http.NewRequest("POST", srv.URL+"/signin", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.AddCookie(signInCookie)
				return req
			}, `Service Unavailable`},
		}

		restore := breakWrites(t, srv, db)
		hookhubtest.EventuallyNil(t, "readyz says not ready", func() error {
			if status, header, body := send(t, mustRequest("GET", srv.URL+"/readyz")); status != 503 || header.Get("Retry-After") == "" {
				return fmt.Errorf("GET /readyz = %d %q, Retry-After %q; want 503 with Retry-After", status, body, header.Get("Retry-After"))
			}
			return nil
		})
		for _, tt := range tests {
			status, header, body := send(t, tt.req())
			if status != http.StatusServiceUnavailable || header.Get("Retry-After") != "5" || !strings.Contains(body, tt.format) {
				t.Errorf("%s while writes fail = %d, Retry-After %q:\n%.400s\nwant 503, Retry-After 5, and %s", tt.surface, status, header.Get("Retry-After"), body, tt.format)
			}
		}

		restore()
		hookhubtest.EventuallyNil(t, "readyz says ready again", func() error {
			if status, _, body := send(t, mustRequest("GET", srv.URL+"/readyz")); status != 200 {
				return fmt.Errorf("GET /readyz = %d %q, want 200", status, body)
			}
			return nil
		})
		for _, tt := range tests {
			if status, _, body := send(t, tt.req()); status >= 400 {
				t.Errorf("%s once writes work again = %d:\n%.400s\nwant success", tt.surface, status, body)
			}
		}
	})
}

// breakWrites makes every write of the server's database fail until the
// returned function is called.
func breakWrites(t *testing.T, srv *hookhubtest.Server, db string) (restore func()) {
	t.Helper()
	switch s := srv.Store().(type) {
	case *sqlite.DB:
		// The writer is one connection: the setting stays on it.
		mustExec(t, s.W.ExecContext, `PRAGMA query_only = 1`)
		return func() { mustExec(t, s.W.ExecContext, `PRAGMA query_only = 0`) }
	case *postgres.DB:
		mustExec(t, s.W.ExecContext, `CREATE FUNCTION test_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$`)
		mustExec(t, s.W.ExecContext, `DO $$ DECLARE t text; BEGIN
			FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
				EXECUTE format('CREATE TRIGGER test_disk_full BEFORE INSERT OR UPDATE OR DELETE ON %I
					FOR EACH STATEMENT EXECUTE FUNCTION test_disk_full()', t);
			END LOOP; END $$`)
		return func() { mustExec(t, s.W.ExecContext, `DROP FUNCTION test_disk_full() CASCADE`) }
	}
	t.Fatalf("cannot break the writes of a %s store (%T)", db, srv.Store())
	return nil
}

func mustExec(t *testing.T, exec func(context.Context, string, ...any) (sql.Result, error), query string) {
	t.Helper()
	if _, err := exec(context.Background(), query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func mustRequest(method, url string) *http.Request {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		panic(err)
	}
	return req
}

// jsonRequest is a request with a JSON body and, unless token is empty,
// a bearer token.
func jsonRequest(method, url, token, body string) *http.Request {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// send sends req without following redirects, and returns the answer.
func send(t *testing.T, req *http.Request) (int, http.Header, string) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// signInForm opens the console's sign-in page and returns its form's CSRF
// secret and the cookie that goes with it.
func signInForm(t *testing.T, base string) (string, *http.Cookie) {
	t.Helper()
	resp, err := http.Get(base + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(b)
	if m == nil || len(resp.Cookies()) == 0 {
		t.Fatalf("sign-in page without a CSRF secret or a cookie:\n%s", b)
	}
	return string(m[1]), resp.Cookies()[0]
}
