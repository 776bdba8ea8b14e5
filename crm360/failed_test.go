package crm360_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the test's own PostgreSQL session

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm360"
	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/server"
)

// TestFailedForGood fails at once, with the reason, the messages that can
// never succeed: data that does not pass the checks (here accepted by an
// earlier hookhub whose checks were looser, and queued as it was), an Rnvp
// for a contact that does not exist, a STOP from a number no contact has.
// Each is counted as failed in the metrics; the inbound messages API
// lists them with their body.
func TestFailedForGood(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	ctx := context.Background()

	// The body an earlier hookhub let through: a participation without an e-mail address.
	ok := e.accept(t, call{platform: "Adictiz", entity: "User", action: "Participate", body: testdata(t, "adictiz_participation.json")})
	tok, err := e.srv.Store().TokenByHash(ctx, hookhub.HashToken(e.token))
	if err != nil {
		t.Fatal(err)
	}
	in, err := e.srv.Store().GetIntegration(ctx, tok.TenantID, e.sources["Adictiz"])
	if err != nil {
		t.Fatal(err)
	}
	invalid := strings.Replace(testdata(t, "adictiz_participation.json"), "lea.martin@example.com", "", 1)
	m := &hookhub.InboundMessage{Entity: ok.Entity, Action: ok.Action, Method: "POST", Query: ok.Query,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(invalid), RemoteAddr: "192.0.2.7:4000", Answer: 200}
	if err := e.srv.Service().QueueInbound(ctx, in, m, 0, nil); err != nil {
		t.Fatal(err)
	}
	if got := e.wait(t, m.ID); got.Status != "failed" || got.Attempts != 1 || !strings.Contains(got.Reason, "email") || got.Body != invalid {
		t.Errorf("invalid data = %+v, want failed at once, naming the field, with its body", got)
	}

	rnvp := e.queue(t, call{platform: "elfy76310", entity: "process", action: "Rnvp", body: `{"ContactId": 424242}`})
	if got := e.wait(t, rnvp.MessageID); got.Status != "failed" || got.Attempts != 1 || got.Reason != "contact 424242 not found" {
		t.Errorf("Rnvp of an unknown contact = %+v, want failed at once", got)
	}
	stop := e.queue(t, call{platform: "Smsbox", entity: "Sms", action: "CallbackStop", body: `{"numero":"33699999999"}`})
	if got := e.wait(t, stop.MessageID); got.Status != "failed" || got.Attempts != 1 || !strings.Contains(got.Reason, "+33699999999") {
		t.Errorf("STOP from an unknown number = %+v, want failed at once", got)
	}

	// Counted once recorded: the API may show the outcome a moment before.
	want := []string{
		`hookhub_inbound_processed_total{kind="crm360-adictiz",outcome="done"} 1`,
		`hookhub_inbound_processed_total{kind="crm360-adictiz",outcome="failed"} 1`,
		`hookhub_inbound_processed_total{kind="crm360-elfy76310",outcome="failed"} 1`,
		`hookhub_inbound_processed_total{kind="crm360-smsbox",outcome="failed"} 1`,
	}
	page := e.metricsWith(t, want...)
	for _, kind := range []string{"crm360-adictiz", "crm360-elfy76310", "crm360-smsbox"} {
		for _, outcome := range []string{"retry", "gave_up"} {
			if w := fmt.Sprintf(`hookhub_inbound_processed_total{kind=%q,outcome=%q} 0`, kind, outcome); !strings.Contains(page, w+"\n") {
				t.Errorf("/metrics has no %s: a message that fails for good is not retried", w)
			}
		}
	}
}

// TestTransientRetried tries a message again after a transient failure
// (PostgreSQL cancels its statement while another session locks the
// contacts table), and processes it once the lock is gone.
func TestTransientRetried(t *testing.T) {
	t.Parallel()
	e := setup(t, &options{postgres: true, edit: func(c *server.Config) {
		u, err := url.Parse(c.DB)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("statement_timeout", "300") // ms: a blocked statement fails soon
		u.RawQuery = q.Encode()
		c.DB = u.String()
	}})
	db, err := sql.Open("pgx", e.cfg.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	lock, err := db.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback()
	for _, q := range []string{`SET LOCAL statement_timeout = 0`, `LOCK TABLE contacts IN ACCESS EXCLUSIVE MODE`} {
		if _, err := lock.ExecContext(t.Context(), q); err != nil {
			t.Fatal(err)
		}
	}

	a := e.queue(t, call{platform: "Adictiz", entity: "User", action: "Participate", body: testdata(t, "adictiz_participation.json")})
	if a.status != 200 {
		t.Fatalf("QueueProcess = %d %s", a.status, a.raw)
	}
	var m message
	hookhubtest.Eventually(t, "the message queued again after a failed try", func() bool {
		e.must(t, e.token, "GET", fmt.Sprintf("/v1/inbound-messages/%d", a.MessageID), nil, 200, &m)
		return m.Attempts >= 1 && m.Status == "queued"
	})
	if !strings.Contains(m.Reason, "try") || !strings.Contains(m.Reason, "trying again at") {
		t.Errorf("after a transient failure: %+v, want queued again with the reason", m)
	}
	if err := lock.Commit(); err != nil {
		t.Fatal(err)
	}
	if m = e.wait(t, a.MessageID); m.Status != "done" || m.Attempts < 2 {
		t.Errorf("after the lock = %+v, want done on a later try", m)
	}
	e.contact(t, "lea.martin@example.com")
	e.metricsWith(t, `hookhub_inbound_processed_total{kind="crm360-adictiz",outcome="retry"}`,
		`hookhub_inbound_processed_total{kind="crm360-adictiz",outcome="done"} 1`)
}

// metricsWith reads /metrics until it has every line that begins with
// one of want, and returns it.
func (e *env) metricsWith(t *testing.T, want ...string) string {
	t.Helper()
	var page string
	hookhubtest.EventuallyNil(t, "/metrics to count the messages", func() error {
		resp, err := http.Get(e.base + "/metrics")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		page = string(b)
		for _, w := range want {
			if !strings.Contains(page, w+"\n") && !strings.Contains(page, w+" ") {
				return fmt.Errorf("no %s", w)
			}
		}
		return nil
	})
	return page
}

// TestStoredCredentialsHidden keeps the credentials a request carried out
// of its stored message: the hookhub token after Bearer, and any other
// credential header a platform adds (an Authorization without a scheme,
// an API key) on a source that checks a signature instead.
func TestStoredCredentialsHidden(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	m := e.accept(t, call{platform: "Adictiz", entity: "User", action: "Participate", body: testdata(t, "adictiz_participation.json")})
	if got := m.Headers["Authorization"]; got != "Bearer (hidden)" {
		t.Errorf("stored Authorization = %q, want Bearer (hidden)", got)
	}
	const secret = "shpss_5a2fd3b1c0e94b9f"
	e.must(t, e.token, "PUT", fmt.Sprintf("/v1/crm360/sources/%d/auth", e.sources["Shopify"]), map[string]any{"auth": "shopify_hmac", "secret": secret}, 200, nil)
	body := testdata(t, "shopify_customer.json")
	m = e.accept(t, call{platform: "Shopify", entity: "Customer", action: "Insert", body: body,
		header: map[string]string{"Authorization": "rawtoken-61c0", "X-Api-Key": "key-93ab", crm360.ShopifyHeader: shopifySign(secret, body)}})
	if got := m.Headers["Authorization"]; got != "(hidden)" {
		t.Errorf("stored Authorization without a scheme = %q, want (hidden)", got)
	}
	if got := m.Headers["X-Api-Key"]; got != "(hidden)" {
		t.Errorf("stored X-Api-Key = %q, want (hidden)", got)
	}
	if got := m.Headers[crm360.ShopifyHeader]; got != shopifySign(secret, body) {
		t.Errorf("stored signature = %q, want it as sent: it holds for this body only", got)
	}
}
