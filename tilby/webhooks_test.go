package tilby_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

// tilbyTime is ISO 8601 in UTC with milliseconds, as in Tilby's example.
var tilbyTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

// TestHandshake: the webhook is saved only when its URL answers the
// SUBSCRIBED request with HTTP 200; otherwise the answer says what the
// receiver did.
func TestHandshake(t *testing.T) {
	t.Parallel()
	e := setup(t, &options{timeout: 300 * time.Millisecond})
	closed := httptest.NewServer(http.NotFoundHandler())
	unreachable := closed.URL + "/hook"
	closed.Close()

	for _, tt := range []struct {
		name          string
		entity, event string // each case its own pair: one webhook per pair per shop
		verify        int    // the receiver's answer
		hang          bool   // no answer at all
		url           string
		status        int
		inError       string
	}{
		{"200 accepted", "sales", "closed", 200, false, "", 201, ""},
		{"201 refused", "sales", "created", 201, false, "", 400, "HTTP 201 Created"},
		{"500 refused", "sales", "updated", 500, false, "", 400, "HTTP 500 Internal Server Error"},
		{"timeout refused", "sales", "deleted", 200, true, "", 400, "did not answer"},
		{"unreachable refused", "items", "created", 0, false, unreachable, 400, "did not answer"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rc := newReceiver(t)
			rc.verify.Store(int32(tt.verify))
			rc.hang.Store(tt.hang)
			url := tt.url
			if url == "" {
				url = rc.srv.URL + "/tilby"
			}
			entity, event := tt.entity, tt.event
			before := e.clock.Now()
			var w webhook
			status, b := e.do(t, "POST", "/v2/webhooks", e.token, map[string]any{
				"url": url, "entity_name": entity, "event_type": event, "email": "dev@example.com",
			}, &w)

			if tt.url == "" {
				hs, _ := rc.got()
				if len(hs) != 1 {
					t.Fatalf("receiver got %d verification requests, want 1", len(hs))
				}
				h := hs[0]
				var keys []string
				for k := range h.msg {
					keys = append(keys, k)
				}
				slices.Sort(keys)
				if want := []string{"client_id", "entity_name", "environment_id", "time", "type"}; !slices.Equal(keys, want) {
					t.Errorf("verification body %s has members %v, want exactly %v", h.body, keys, want)
				}
				if h.str("type") != "SUBSCRIBED" || h.str("entity_name") != entity || h.str("environment_id") != e.actor.TenantID || h.str("client_id") != e.actor.ID {
					t.Errorf("verification body %s, want SUBSCRIBED for %s of shop %s by token %s", h.body, entity, e.actor.TenantID, e.actor.ID)
				}
				if ts := h.str("time"); !tilbyTime.MatchString(ts) || ts != before.UTC().Format("2006-01-02T15:04:05.000Z") {
					t.Errorf("time = %q, want %s in ISO 8601 UTC with milliseconds", ts, before.UTC().Format("2006-01-02T15:04:05.000Z"))
				}
				if ct := h.header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type = %q", ct)
				}
			}

			if tt.status == 201 {
				if status != 201 {
					t.Fatalf("status = %d %s, want 201", status, b)
				}
				if w.ID == 0 || w.URL != url || w.EntityName != entity || w.EventType != event || w.Email != "dev@example.com" ||
					w.EnvironmentID != e.actor.TenantID || w.ClientID != e.actor.ID || w.State != "active" || !tilbyTime.MatchString(w.CreatedAt) {
					t.Errorf("created %s", b)
				}
				var got webhook
				e.must(t, 200, "GET", fmt.Sprintf("/v2/webhooks/%d", w.ID), e.token, nil, &got)
				if got != w {
					t.Errorf("GET = %+v, want %+v", got, w)
				}
				return
			}
			a := wantError(t, status, b, tt.status, "url")
			if !strings.Contains(a.Message, tt.inError) || a.Receiver == nil {
				t.Fatalf("error %s, want it to say %q and what the receiver answered", b, tt.inError)
			}
			if tt.verify != 0 && !tt.hang && (a.Receiver.Status != tt.verify || !strings.Contains(a.Receiver.Body, "from the receiver")) {
				t.Errorf("receiver = %+v, want status %d and its body", a.Receiver, tt.verify)
			}
			// The transport error, told without hookhub's network details
			// ("dial tcp 127.0.0.1:…: connect: connection refused").
			want := ""
			switch {
			case tt.hang:
				want = "no answer within 300ms"
			case tt.url != "":
				want = "connection refused"
			}
			if a.Receiver.Error != want || want != "" && !strings.HasSuffix(a.Message, ": "+want+"; it must answer HTTP 200") {
				t.Errorf("message %q, receiver %+v, want the transport error %q", a.Message, a.Receiver, want)
			}
			ws, err := e.store.ListWebhooks(context.Background(), e.actor.TenantID, hookhub.WebhookFilter{Event: entity + "." + event})
			if err != nil || len(ws) != 0 {
				t.Errorf("refused webhook saved: %v, %v", ws, err)
			}
		})
	}
}

// TestOnePerPair: a shop has one webhook per entity and event type; a
// second is 409, also when many arrive at once; after a delete the pair
// is free again.
func TestOnePerPair(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	rc := newReceiver(t)
	url := rc.srv.URL + "/hook"

	first := e.create(t, e.token, url, "sales", "closed")
	status, b := e.do(t, "POST", "/v2/webhooks", e.token, map[string]any{
		"url": url + "/other", "entity_name": "sales", "event_type": "closed", "email": "other@example.com",
	}, nil)
	if a := wantError(t, status, b, 409, ""); !strings.Contains(a.Message, "delete it") {
		t.Errorf("409 message %q, want it to say how to change a webhook", a.Message)
	}
	if hs, _ := rc.got(); len(hs) != 1 {
		t.Errorf("verification requests = %d, want 1: a duplicate is refused before its URL is called", len(hs))
	}

	// Other pairs, other shops, and webhooks of the native API are apart.
	e.create(t, e.token, url, "sales", "created")
	e.create(t, e.other, url, "sales", "closed")
	e.must(t, 201, "POST", "/v1/webhooks", e.token, map[string]any{"url": url, "events": []string{"sales.closed"}}, nil)

	// Many at once: exactly one wins.
	const n = 8
	statuses, answers := make([]int, n), make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var b []byte
			statuses[i], b = e.do(t, "POST", "/v2/webhooks", e.token, map[string]any{
				"url": fmt.Sprintf("%s/%d", url, i), "entity_name": "customers", "event_type": "updated", "email": "dev@example.com",
			}, nil)
			answers[i] = string(b)
		})
	}
	wg.Wait()
	if slices.Sort(statuses); !slices.Equal(statuses, append([]int{201}, slices.Repeat([]int{409}, n-1)...)) {
		t.Errorf("concurrent creates answered %v, want one 201 and %d 409:\n%s", statuses, n-1, strings.Join(answers, ""))
	}

	// Delete, then create again.
	var gone webhook
	e.must(t, 200, "DELETE", fmt.Sprintf("/v2/webhooks/%d", first.ID), e.token, nil, &gone)
	if gone != first {
		t.Errorf("DELETE answered %+v, want the webhook %+v", gone, first)
	}
	status, b = e.do(t, "GET", fmt.Sprintf("/v2/webhooks/%d", first.ID), e.token, nil, nil)
	wantError(t, status, b, 404, "")
	status, b = e.do(t, "DELETE", fmt.Sprintf("/v2/webhooks/%d", first.ID), e.token, nil, nil)
	wantError(t, status, b, 404, "")
	again := e.create(t, e.token, url+"/new", "sales", "closed")
	if again.ID == first.ID || again.URL != url+"/new" {
		t.Errorf("created again %+v, want a new webhook with the new URL", again)
	}

	var list []webhook
	e.must(t, 200, "GET", "/v2/webhooks", e.token, nil, &list)
	var pairs []string
	for _, w := range list {
		pairs = append(pairs, w.EntityName+"."+w.EventType)
	}
	if want := []string{"sales.created", "customers.updated", "sales.closed"}; !slices.Equal(pairs, want) {
		t.Errorf("list = %v, want %v (the native webhook and shop B's are not listed)", pairs, want)
	}
}

// TestNoUpdate: PUT and PATCH need the shop's token like every call (401
// without it or with a wrong one), and then answer 405 saying a change is
// a delete and a new create.
func TestNoUpdate(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	rc := newReceiver(t)
	w := e.create(t, e.token, rc.srv.URL, "items", "updated")
	for _, method := range []string{"PUT", "PATCH"} {
		for _, tc := range []struct {
			name, auth string
			status     int
		}{
			{"no token", "", 401},
			{"a wrong token", "Bearer hh_wrong", 401},
			{"a wrong bare token", "hh_wrong", 401},
			{"the shop's token", "Bearer " + e.token, 405},
			{"the shop's bare token", e.token, 405},
		} {
			req, _ := http.NewRequest(method, fmt.Sprintf("%s/v2/webhooks/%d", e.url, w.ID), strings.NewReader(`{"url":"https://elsewhere.example.com"}`))
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			a := wantError(t, resp.StatusCode, b, tc.status, "")
			switch tc.status {
			case 401:
				if resp.Header.Get("WWW-Authenticate") == "" || resp.Header.Get("Allow") != "" {
					t.Errorf("%s with %s: headers %v, want WWW-Authenticate and no Allow", method, tc.name, resp.Header)
				}
			case 405:
				if !strings.Contains(a.Message, "DELETE") || !strings.Contains(a.Message, "POST") || resp.Header.Get("Allow") != "GET, DELETE" {
					t.Errorf("%s with %s = %+v (Allow %q), want 405 saying to delete and create again", method, tc.name, a, resp.Header.Get("Allow"))
				}
			}
		}
	}
	var got webhook
	e.must(t, 200, "GET", fmt.Sprintf("/v2/webhooks/%d", w.ID), e.token, nil, &got)
	if got != w {
		t.Errorf("webhook changed: %+v", got)
	}
	status, b := e.do(t, "DELETE", "/v2/webhooks", e.token, nil, nil)
	wantError(t, status, b, 405, "")
	status, b = e.do(t, "GET", "/v2/nothing", e.token, nil, nil)
	wantError(t, status, b, 404, "")
}

// TestCreateProblems: bad requests are 400 naming the field; unknown
// entity and event pairs name the valid ones.
func TestCreateProblems(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	strict := setup(t, &options{strict: true})
	rc := newReceiver(t)
	ok := body{"url": rc.srv.URL, "entity_name": "sales", "event_type": "closed", "email": "dev@example.com"}
	for _, tt := range []struct {
		name   string
		e      *env
		body   any
		status int
		field  string
		valid  string // the error names these valid pairs or events
	}{
		{"unknown entity", e, ok.with("entity_name", "stock"), 400, "entity_name", "items.created, items.updated, items.deleted, customers.created"},
		{"unknown event", e, ok.with("event_type", "closed").with("entity_name", "items"), 400, "event_type", "created, updated, deleted"},
		{"daily closings are only created", e, ok.with("entity_name", "daily_closings").with("event_type", "updated"), 400, "event_type", "are created"},
		{"no url", e, ok.with("url", nil), 400, "url", ""},
		{"no entity", e, ok.with("entity_name", nil), 400, "entity_name", ""},
		{"no event", e, ok.with("event_type", nil), 400, "event_type", ""},
		{"no email", e, ok.with("email", nil), 400, "email", ""},
		{"bad email", e, ok.with("email", "not an address"), 400, "email", ""},
		{"url not a string", e, ok.with("url", 42), 400, "url", ""},
		{"not JSON", e, `{"url": `, 400, "body", ""},
		{"empty", e, "", 400, "body", ""},
		{"over the limit", e, ok.with("url", "https://example.com/"+strings.Repeat("x", 1<<20)), 413, "", ""},
		{"http without private targets", strict, ok.with("url", "http://receiver.example.com/hook"), 400, "url", ""},
		{"private target", strict, ok.with("url", "https://127.0.0.1/hook"), 400, "url", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, b := tt.e.do(t, "POST", "/v2/webhooks", tt.e.token, tt.body, nil)
			a := wantError(t, status, b, tt.status, tt.field)
			if tt.valid != "" && (len(a.Valid["sales"]) != 4 || !strings.Contains(a.Message, tt.valid)) {
				t.Errorf("error %s, want it to name the valid ones: %s", b, tt.valid)
			}
		})
	}
	if hs, _ := rc.got(); len(hs) != 0 {
		t.Errorf("bad requests made %d verification requests", len(hs))
	}
}

// with returns a copy of m with k set to v (removed when v is nil).
func (m body) with(k string, v any) body {
	out := body{}
	for k, v := range m {
		out[k] = v
	}
	if v == nil {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

// body is a request body.
type body map[string]any

// TestAuth: the static token as "Bearer <token>" or bare; anything else
// is 401; a token without the scope is 403 before any request is made; a
// shop sees only its own Tilby webhooks.
func TestAuth(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	rc := newReceiver(t)
	w := e.create(t, e.token, rc.srv.URL, "bookings", "created")
	path := fmt.Sprintf("/v2/webhooks/%d", w.ID)
	for _, tt := range []struct {
		auth   string
		status int
	}{
		{"Bearer " + e.token, 200},
		{"bearer " + e.token, 200},
		{e.token, 200},
		{"", 401},
		{"Bearer ", 401},
		{"Bearer hh_wrong", 401},
		{"hh_wrong", 401},
		{"Bearer " + e.other, 404},
	} {
		status, b := e.doAuth(t, "GET", path, tt.auth, nil, nil)
		if status != tt.status {
			t.Errorf("Authorization %q: %d %s, want %d", tt.auth, status, b, tt.status)
		}
	}

	_, secret, err := e.svc.CreateToken(context.Background(), e.actor, "read", []hookhub.Scope{hookhub.ScopeWebhooksRead}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	status, b := e.do(t, "POST", "/v2/webhooks", secret, map[string]any{
		"url": rc.srv.URL, "entity_name": "bookings", "event_type": "deleted", "email": "dev@example.com",
	}, nil)
	wantError(t, status, b, 403, "")
	if hs, _ := rc.got(); len(hs) != 1 {
		t.Errorf("verification requests = %d, want only the first webhook's", len(hs))
	}

	// A webhook of the native API is not one of Tilby's.
	var native struct{ ID int64 }
	e.must(t, 201, "POST", "/v1/webhooks", e.token, map[string]any{"url": rc.srv.URL, "events": []string{"*"}}, &native)
	status, b = e.do(t, "GET", fmt.Sprintf("/v2/webhooks/%d", native.ID), e.token, nil, nil)
	wantError(t, status, b, 404, "")
	status, b = e.do(t, "DELETE", fmt.Sprintf("/v2/webhooks/%d", native.ID), e.token, nil, nil)
	wantError(t, status, b, 404, "")
}
