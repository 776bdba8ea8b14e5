package tilby_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookhub/hookhub/tilby"
)

// tilbySign is Tilby's algorithm as its security page writes it, in Go:
// crypto.createHmac('sha256', token).update(body).digest('hex').
func tilbySign(token string, body []byte) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// TestSignedRequests follows https://developer.tilby.com/docs/security:
// "All the HTTP request to the target url is signed on the header", the hex
// HMAC-SHA256 of the body keyed by "the Tilby token used to configure the
// webhook". The verification request and every delivery carry it in
// X-Tilby-Signature; the token is kept encrypted, not in clear, in the
// database.
func TestSignedRequests(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	rc := newReceiver(t)
	// The bare token, as Tilby's introduction has the shop's static token.
	var w webhook
	if status, b := e.doAuth(t, "POST", "/v2/webhooks", e.token, body{
		"url": rc.srv.URL, "entity_name": "sales", "event_type": "closed", "email": "dev@example.com",
	}, &w); status != 201 {
		t.Fatalf("create = %d %s", status, b)
	}
	e.must(t, 202, "POST", "/v1/events", e.token, `{"type":"sales.closed","data":{"id":1}}`, nil)
	e.delivery(t, w.ID, 1)
	hs, ds := rc.got()
	if len(hs) != 1 || len(ds) != 1 {
		t.Fatalf("%d verification requests and %d deliveries, want 1 and 1", len(hs), len(ds))
	}
	for _, r := range []request{hs[0], ds[0]} {
		if got, want := r.header.Get("X-Tilby-Signature"), tilbySign(e.token, r.body); got != want {
			t.Errorf("request %s signed %q, want %q", r.body, got, want)
		}
	}
	if got := tilby.Sign(e.token, ds[0].body); got != tilbySign(e.token, ds[0].body) {
		t.Errorf("tilby.Sign = %q", got)
	}

	db, err := sql.Open("sqlite", filepath.Join(e.dir, "hookhub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var secret []byte
	if err := db.QueryRow(`SELECT secret FROM webhooks WHERE id = ?`, w.ID).Scan(&secret); err != nil {
		t.Fatal(err)
	}
	if len(secret) == 0 || strings.Contains(string(secret), e.token) {
		t.Errorf("webhook secret at rest = %q, want the token encrypted", secret)
	}
}

// TestEventTypeCase follows https://developer.tilby.com/docs/entities-and-events,
// which writes the event types in capitals ("CLOSED: event generated every
// time a receipt or invoice is issued"): any case is accepted, and kept as
// the lower-case type the catalogue has.
func TestEventTypeCase(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	rc := newReceiver(t)
	for _, tt := range []struct{ entity, event, want string }{
		{"sales", "CLOSED", "sales.closed"},
		{"Items", "Created", "items.created"},
		{"DAILY_CLOSINGS", "created", "daily_closings.created"},
	} {
		w := e.create(t, e.token, rc.srv.URL, tt.entity, tt.event)
		if got := w.EntityName + "." + w.EventType; got != tt.want {
			t.Errorf("%s %s created as %s, want %s", tt.entity, tt.event, got, tt.want)
		}
	}
	status, b := e.do(t, "POST", "/v2/webhooks", e.token, body{
		"url": rc.srv.URL, "entity_name": "SALES", "event_type": "closed", "email": "dev@example.com",
	}, nil)
	wantError(t, status, b, 409, "")
}

// TestAllFaultsNamed: a create with every field wrong is answered once,
// naming each field as the client sent it (email, not the core's
// errors_email), as Tilby's introduction lists them
// (https://developer.tilby.com/docs/introduction: URL, entity name, event
// type, a valid e-mail).
func TestAllFaultsNamed(t *testing.T) {
	t.Parallel()
	e := setup(t, &options{strict: true})
	for _, tt := range []struct {
		name   string
		body   any
		fields []string
	}{
		{"all wrong", body{"url": "http://127.0.0.1/x", "entity_name": "stock", "event_type": "x", "email": "not an address"},
			[]string{"url", "entity_name", "email"}},
		{"wrong types", `{"url": 42, "entity_name": ["sales"], "event_type": true, "email": {}}`,
			[]string{"url", "entity_name", "event_type", "email"}},
		{"bad event and email", body{"url": "https://receiver.example.com/x", "entity_name": "sales", "event_type": "shipped", "email": "nope"},
			[]string{"event_type", "email"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, b := e.do(t, "POST", "/v2/webhooks", e.token, tt.body, nil)
			a := wantError(t, status, b, 400, "")
			var got []string
			for _, d := range a.Details {
				got = append(got, d.Field)
			}
			if strings.Join(got, ",") != strings.Join(tt.fields, ",") {
				t.Errorf("details name %v, want %v: %s", got, tt.fields, b)
			}
			if strings.Contains(string(b), "errors_email") {
				t.Errorf("answer %s names errors_email, a field the client did not send", b)
			}
		})
	}
}
