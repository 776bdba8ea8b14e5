package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/secrets"
)

// rawStore is a store whose rows a test can read and write itself, to see
// what is at rest and to make the rows an older hookhub left.
type rawStore interface {
	SQL() *sql.DB
	// Upgrade rewrites what an older hookhub stored in the clear.
	Upgrade(ctx context.Context) error
}

func raw(t *testing.T, s Store) rawStore {
	t.Helper()
	r, ok := s.(rawStore)
	if !ok {
		t.Skip("the store does not show its rows")
	}
	return r
}

// rowText is every column of the rows a query selects, as text.
func rowText(t *testing.T, db *sql.DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprintf(&b, "%s=%v\n", cols[i], v)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// testHeadersSealed stores a webhook's custom header values sealed, as
// secrets are: no column of its row holds one in the clear, and the store
// gives them back as they were.
func testHeadersSealed(t *testing.T, s Store) {
	r := raw(t, s)
	ten := newTenant(t, s)
	key, team := "key-"+hookhub.RandomString(12), "team-"+hookhub.RandomString(12)
	w := newWebhook(t, s, ten.ID, func(w *hookhub.Webhook) { w.Headers = map[string]string{"X-Api-Key": key, "X-Team": team} })
	check := func(when string, plain ...string) {
		t.Helper()
		row := rowText(t, r.SQL(), `SELECT * FROM webhooks WHERE id = $1`, w.ID)
		if strings.Contains(row, "headers_sealed=<nil>") {
			t.Fatalf("%s: the row has no sealed headers:\n%s", when, row)
		}
		for _, p := range plain {
			if strings.Contains(row, p) {
				t.Errorf("%s: the webhook's row holds the header value %q in the clear:\n%s", when, p, row)
			}
		}
	}
	check("created", key, team)
	if got := getWebhook(t, s, ten.ID, w.ID).Headers; got["X-Api-Key"] != key || got["X-Team"] != team || len(got) != 2 {
		t.Errorf("headers read back = %v", got)
	}

	other := "other-" + hookhub.RandomString(12)
	w.Headers = map[string]string{"Authorization": "Bearer " + other}
	if err := s.UpdateWebhook(t.Context(), w, ""); err != nil {
		t.Fatal(err)
	}
	check("updated", other)
	if got := getWebhook(t, s, ten.ID, w.ID).Headers; got["Authorization"] != "Bearer "+other || len(got) != 1 {
		t.Errorf("headers after the update = %v", got)
	}
	w.Headers = nil
	if err := s.UpdateWebhook(t.Context(), w, ""); err != nil {
		t.Fatal(err)
	}
	if got := getWebhook(t, s, ten.ID, w.ID).Headers; len(got) != 0 {
		t.Errorf("headers after removing them = %v", got)
	}
}

// testAttemptCredentialsHidden stores an attempt with the values of its
// credential headers hidden, in the request and in the answer: they are
// not needed once the request is sent, and logs must not leak them.
func testAttemptCredentialsHidden(t *testing.T, s Store) {
	r := raw(t, s)
	b := setup(t, s)
	publishN(t, s, now, b.tenant.ID, "contact.created", 1)
	c := claimOne(t, s, now)
	token, apiKey, cookie := "tok-"+hookhub.RandomString(12), "key-"+hookhub.RandomString(12), "ck-"+hookhub.RandomString(12)
	o := succeeded(c, now)
	o.Attempt.RequestHeaders.Set("Authorization", "Bearer "+token)
	o.Attempt.RequestHeaders.Set("X-Api-Key", apiKey)
	o.Attempt.ResponseHeaders.Set("Set-Cookie", "session="+cookie)
	complete(t, s, now, o)

	as := attemptsOf(t, s, b.tenant.ID, c.ID)
	if len(as) != 1 {
		t.Fatalf("attempts = %d, want 1", len(as))
	}
	want := http.Header{"Authorization": {"Bearer " + secrets.Hidden}, "X-Api-Key": {secrets.Hidden},
		"Content-Type": {"application/json"}, "Webhook-Id": {c.Event.MessageID()}}
	if got := as[0].RequestHeaders; !sameHeader(got, want) {
		t.Errorf("request headers = %v, want %v", got, want)
	}
	if got := as[0].ResponseHeaders; got.Get("Set-Cookie") != secrets.Hidden || len(got["X-Reply"]) != 2 {
		t.Errorf("response headers = %v, want Set-Cookie hidden and the rest as sent", got)
	}
	row := rowText(t, r.SQL(), `SELECT * FROM attempts WHERE delivery_id = $1`, c.ID)
	for _, p := range []string{token, apiKey, cookie} {
		if strings.Contains(row, p) {
			t.Errorf("the attempt's row holds %q:\n%s", p, row)
		}
	}
}

// testUpgradeSecrets rewrites what an older hookhub left in the clear: a
// webhook's header values, sealed; the credentials in its attempts'
// headers and in received requests' headers, hidden. Upgrading again
// changes nothing.
func testUpgradeSecrets(t *testing.T, s Store) {
	r := raw(t, s)
	ctx := t.Context()
	b := setup(t, s)
	plain := newWebhook(t, s, b.tenant.ID, nil)
	key := "legacy-" + hookhub.RandomString(12)
	// As hookhub 0.x stored them: JSON in the headers column.
	if _, err := r.SQL().ExecContext(ctx, `UPDATE webhooks SET headers = $1, headers_sealed = NULL WHERE id = $2`,
		`{"X-Api-Key":"`+key+`","X-Team":"sales"}`, plain.ID); err != nil {
		t.Fatal(err)
	}
	if got := getWebhook(t, s, b.tenant.ID, plain.ID).Headers; got["X-Api-Key"] != key || got["X-Team"] != "sales" {
		t.Fatalf("an older hookhub's headers read = %v", got)
	}
	publishN(t, s, now, b.tenant.ID, "contact.created", 1)
	cs := claim(t, s, now, 10) // one delivery to each webhook
	c := cs[0]
	complete(t, s, now, succeeded(c, now))
	token := "tok-" + hookhub.RandomString(12)
	if _, err := r.SQL().ExecContext(ctx, `UPDATE attempts SET request_headers = $1, response_headers = $2 WHERE delivery_id = $3`,
		`{"Authorization":["Bearer `+token+`"],"Content-Type":["application/json"]}`, `{"Set-Cookie":["s=`+token+`"]}`, c.ID); err != nil {
		t.Fatal(err)
	}
	in := newIntegration(t, s, b.tenant.ID, "thiio", "shop")
	received := receive(t, s, in, now, hookhub.InboundDone)
	if _, err := r.SQL().ExecContext(ctx, `UPDATE inbound_messages SET headers = $1 WHERE id = $2`,
		`{"X-Api-Key":["`+token+`"],"Content-Type":["application/json"]}`, received.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := r.SQL().ExecContext(ctx, `INSERT INTO upgrade_steps (name) VALUES ('hide-attempt-credentials'), ('hide-inbound-credentials')
		ON CONFLICT (name) DO NOTHING`); err != nil {
		t.Fatal(err)
	}

	for i := range 2 {
		if err := r.Upgrade(ctx); err != nil {
			t.Fatalf("Upgrade %d: %v", i+1, err)
		}
		if row := rowText(t, r.SQL(), `SELECT * FROM webhooks WHERE id = $1`, plain.ID); strings.Contains(row, key) {
			t.Errorf("after upgrade %d the webhook's row holds its key:\n%s", i+1, row)
		}
		if got := getWebhook(t, s, b.tenant.ID, plain.ID).Headers; got["X-Api-Key"] != key || got["X-Team"] != "sales" || len(got) != 2 {
			t.Errorf("after upgrade %d the headers read = %v", i+1, got)
		}
		if row := rowText(t, r.SQL(), `SELECT * FROM attempts WHERE delivery_id = $1`, c.ID); strings.Contains(row, token) {
			t.Errorf("after upgrade %d the attempt's row holds the token:\n%s", i+1, row)
		}
		if row := rowText(t, r.SQL(), `SELECT * FROM inbound_messages WHERE id = $1`, received.ID); strings.Contains(row, token) {
			t.Errorf("after upgrade %d the received request's row holds the key:\n%s", i+1, row)
		}
		if m, err := s.GetInboundMessage(ctx, b.tenant.ID, received.ID); err != nil || m.Header.Get("X-Api-Key") != secrets.Hidden ||
			m.Header.Get("Content-Type") != "application/json" {
			t.Errorf("after upgrade %d the received request = %+v, %v", i+1, m, err)
		}
		as := attemptsOf(t, s, b.tenant.ID, c.ID)
		if len(as) != 1 || as[0].RequestHeaders.Get("Authorization") != "Bearer "+secrets.Hidden ||
			as[0].RequestHeaders.Get("Content-Type") != "application/json" || as[0].ResponseHeaders.Get("Set-Cookie") != secrets.Hidden {
			t.Errorf("after upgrade %d the attempts = %+v", i+1, as)
		}
	}
	if n := rowText(t, r.SQL(), `SELECT name FROM upgrade_steps`); n != "" {
		t.Errorf("upgrade steps left: %s", n)
	}
	// The other webhook, stored by this hookhub, is as it was.
	if got := getWebhook(t, s, b.tenant.ID, b.webhook.ID); got.Secret != b.webhook.Secret {
		t.Errorf("the other webhook's secret changed")
	}
}
