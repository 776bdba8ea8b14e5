package inbound_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// A body over the limit is refused with 413 over HTTP, before it is
// decoded, and the request is stored (without its body) with the reason
// the sender got. A body of exactly the limit is taken.
func TestBodyLimit(t *testing.T) {
	t.Parallel()
	e := setup(t)
	in := e.integration(t, "thiio")

	atLimit := sample + strings.Repeat(" ", maxBody-len(sample))
	if a := post(t, in.URL, "application/json", atLimit); a.status != 200 {
		t.Fatalf("a body of exactly %d bytes = %d %s, want 200", maxBody, a.status, a.body)
	}
	a := post(t, in.URL, "application/json", atLimit+" ")
	wantErr := fmt.Sprintf("WebforceCustomExternalException | the request body must not be greater than %d bytes", maxBody)
	if success, msg, err := a.thiio(t); a.status != http.StatusRequestEntityTooLarge || success || msg != "an error occurred" || err != wantErr {
		t.Errorf("a body of %d bytes = %d %s, want 413 with err %q", maxBody+1, a.status, a.body, wantErr)
	}
	reqs := e.requests(t, in)
	if len(reqs) != 2 {
		t.Fatalf("%d requests stored, want both", len(reqs))
	}
	if r := reqs[0]; r.Status != "failed" || r.Answer != 413 || r.Reason != wantErr || r.Body != "" {
		t.Errorf("stored request over the limit = %+v, want failed, 413, the reason, and no body", r)
	}
	if r := reqs[1]; r.Status != "done" || r.Answer != 200 || r.Body != atLimit {
		t.Errorf("stored request at the limit = %+v, want done, 200, its body", r)
	}
}

// Requests the door refuses are answered with hookhub's status for the
// fault, in the kind's format, and stored with their body and the reason
// their sender got.
func TestRefusalsAreStored(t *testing.T) {
	t.Parallel()
	e := setup(t)
	in := e.integration(t, "thiio")
	off := e.integration(t, "thiio")
	e.must(t, "PATCH", fmt.Sprintf("/v1/integrations/%d", off.ID), map[string]any{"active": false}, 200, nil)
	for _, tt := range []struct {
		name        string
		in          integration
		contentType string
		body        string
		status      int
		err         string
	}{
		{"NotJSON", in, "application/json", `{"event": "order",`, 400,
			"WebforceCustomExternalException | the request body is not valid JSON: unexpected end of JSON input at byte 18"},
		{"Empty", in, "application/json", ``, 400, "WebforceCustomExternalException | the request body is empty; it must be a JSON object"},
		{"NotAnObject", in, "application/json", `["order"]`, 400, "WebforceCustomExternalException | the request body must be a JSON object"},
		{"WrongContentType", in, "text/plain", sample, 415,
			"WebforceCustomExternalException | the Content-Type header must be application/json, not text/plain"},
		{"Form", in, "application/x-www-form-urlencoded", `event=order`, 415,
			"WebforceCustomExternalException | the Content-Type header must be application/json, not application/x-www-form-urlencoded"},
		{"RuleBroken", in, "application/json", withChanges(t, map[string]any{"event": nil}), 422, "WebforceCustomExternalException | the event field is required"},
		{"NUL", in, "application/json", withChanges(t, map[string]any{"contact.email": "john\x00@example.com"}), 422,
			"WebforceCustomExternalException | the contact.email field contains a NUL character"},
		{"LoneSurrogate", in, "application/json", strings.Replace(sample, "Thiio Custom", `Thiio \ud800`, 1), 422,
			"WebforceCustomExternalException | the source field contains an escaped lone surrogate (\\ud800-\\udfff), which is not a character"},
		{"Deactivated", off, "application/json", sample, 403,
			"WebforceIntegrationInactiveException | the integration is deactivated; activate it to receive requests"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := post(t, tt.in.URL, tt.contentType, tt.body)
			success, msg, err := a.thiio(t)
			if a.status != tt.status || success || msg != "an error occurred" || err != tt.err || a.header.Get("Content-Type") != "application/json" {
				t.Errorf("answer %d %s %s, want %d with err %q", a.status, a.header.Get("Content-Type"), a.body, tt.status, tt.err)
			}
			reqs := e.requests(t, tt.in)
			if len(reqs) == 0 {
				t.Fatal("the request was not stored")
			}
			r := reqs[0]
			if r.Status != "failed" || r.Answer != tt.status || r.Reason != tt.err || r.Body != tt.body || r.Headers["Content-Type"] != tt.contentType {
				t.Errorf("stored %+v, want failed, %d, reason %q, the body and its Content-Type", r, tt.status, tt.err)
			}
		})
	}
	// Bytes that are not UTF-8 are refused, and the answer is still JSON.
	a := post(t, in.URL, "application/json", strings.Replace(sample, "Thiio Custom", "Thiio \xff", 1))
	if _, _, err := a.thiio(t); a.status != 422 || err != "WebforceCustomExternalException | the source field is not valid UTF-8" {
		t.Errorf("invalid UTF-8 = %d %s, want 422 naming the source field", a.status, a.body)
	}
	// Raw bytes in the query are kept percent-encoded: the request is taken.
	if a := post(t, in.URL+"?ref=caf\xe9\xff", "application/json", sample); a.status != 200 {
		t.Errorf("raw bytes in the query = %d %s, want 200", a.status, a.body)
	}
	// A request without a Content-Type is read as JSON.
	if a := post(t, in.URL, "", sample); a.status != 200 {
		t.Errorf("no Content-Type = %d %s, want 200", a.status, a.body)
	}
}

// A request that was taken but failed to be processed is answered 500 and
// recorded as failed, with the reason its sender got: not left
// "processing".
func TestProcessingFailureIsRecorded(t *testing.T) {
	t.Parallel()
	e := setup(t)
	in := e.integration(t, failingKindName)
	a := post(t, in.URL, "application/json", `{"name": "x"}`)
	const reason = "the request could not be processed; send it again later"
	if a.status != 500 || string(a.body) != reason {
		t.Errorf("answer %d %s, want 500 %q", a.status, a.body, reason)
	}
	reqs := e.requests(t, in)
	if len(reqs) != 1 {
		t.Fatalf("%d requests stored, want 1", len(reqs))
	}
	if r := reqs[0]; r.Status != "failed" || r.Answer != 500 || r.Reason != reason || r.Entity != "thing" || r.Body != `{"name": "x"}` {
		t.Errorf("stored %+v, want failed, 500, the reason", r)
	}
}

// A phone without a country is a US number: the contact has country US,
// for a missing country and for one of blanks alike.
func TestPhoneCountryDefaultsToUS(t *testing.T) {
	t.Parallel()
	e := setup(t)
	in := e.integration(t, "thiio")
	for email, phone := range map[string]any{
		"missing@example.com": map[string]any{"number": "5124713434"},
		"blank@example.com":   map[string]any{"number": "5124713434", "country": "  "},
		"given@example.com":   map[string]any{"number": "5124713434", "country": "mx"},
	} {
		body := withChanges(t, map[string]any{"contact.email": email, "phone": phone, "event": "customer", "order": nil})
		if a := post(t, in.URL, "application/json", body); a.status != 200 {
			t.Fatalf("%s = %d %s", body, a.status, a.body)
		}
	}
	for email, want := range map[string]string{"missing@example.com": "US", "blank@example.com": "US", "given@example.com": "MX"} {
		var contacts struct {
			Data []struct {
				Phone struct{ Country, Number string }
			}
		}
		e.must(t, "GET", "/v1/contacts?email="+email, nil, 200, &contacts)
		if len(contacts.Data) != 1 || contacts.Data[0].Phone.Country != want || contacts.Data[0].Phone.Number != "5124713434" {
			t.Errorf("contact %s = %+v, want phone country %s", email, contacts.Data, want)
		}
	}
}

// Deleting an integration makes its URL unknown (404, in the native
// problem format) and takes its requests; the contacts and orders it made
// stay.
func TestDeleteIntegration(t *testing.T) {
	t.Parallel()
	e := setup(t)
	in := e.thiioWithSample(t)
	e.must(t, "DELETE", fmt.Sprintf("/v1/integrations/%d", in.ID), nil, 204, nil)

	a := post(t, in.URL, "application/json", sample)
	var problem struct {
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal(a.body, &problem); err != nil || a.status != 404 || problem.Status != 404 ||
		a.header.Get("Content-Type") != "application/problem+json" || !strings.Contains(problem.Detail, "no integration has this URL") {
		t.Errorf("POST to a deleted integration's URL = %d %s %s, want 404 problem+json", a.status, a.header.Get("Content-Type"), a.body)
	}
	e.must(t, "GET", fmt.Sprintf("/v1/integrations/%d", in.ID), nil, 404, nil)
	e.must(t, "GET", fmt.Sprintf("/v1/integrations/%d/requests", in.ID), nil, 404, nil)

	var contacts, orders struct {
		Data []struct {
			IntegrationID int64 `json:"integration_id"`
		}
	}
	e.must(t, "GET", "/v1/contacts", nil, 200, &contacts)
	e.must(t, "GET", "/v1/orders", nil, 200, &orders)
	if len(contacts.Data) != 1 || contacts.Data[0].IntegrationID != in.ID || len(orders.Data) != 1 || orders.Data[0].IntegrationID != in.ID {
		t.Errorf("after the delete: contacts %+v, orders %+v; want the one of each it made, still naming it", contacts.Data, orders.Data)
	}
	// A token no integration ever had, and a GET of an integration's URL.
	if a := post(t, e.url+"/in/in_neverissued", "application/json", sample); a.status != 404 || a.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("unknown token = %d %s, want 404 problem+json", a.status, a.header.Get("Content-Type"))
	}
	resp, err := http.Get(in.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST" {
		t.Errorf("GET of an integration's URL = %d, Allow %q; want 405, POST", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

// Managing integrations needs integrations.manage, reading contacts and
// orders records.read; each route refuses a token without its scope with
// 403, whatever else the token may do.
func TestScopes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	in := e.thiioWithSample(t)
	var contacts, orders struct{ Data []struct{ ID int64 } }
	e.must(t, "GET", "/v1/contacts", nil, 200, &contacts)
	e.must(t, "GET", "/v1/orders", nil, 200, &orders)

	manager := e.newToken(t, "integrations.manage")
	reader := e.newToken(t, "records.read")
	other := e.newToken(t, "webhooks.read", "webhooks.create", "events.read", "events.publish")
	id := fmt.Sprint(in.ID)
	for _, r := range []struct {
		method, path string
		body         any
		token        string // the one that may
		status       int    // its answer
	}{
		{"GET", "/v1/integrations", nil, manager, 200},
		{"POST", "/v1/integrations", map[string]any{"kind": "thiio", "name": "second"}, manager, 201},
		{"GET", "/v1/integrations/" + id, nil, manager, 200},
		{"PATCH", "/v1/integrations/" + id, map[string]any{"name": "renamed"}, manager, 200},
		{"GET", "/v1/integrations/" + id + "/requests", nil, manager, 200},
		{"POST", "/v1/integrations/" + id + "/rotate-url", nil, manager, 200},
		{"GET", "/v1/contacts", nil, reader, 200},
		{"GET", fmt.Sprintf("/v1/contacts/%d", contacts.Data[0].ID), nil, reader, 200},
		{"GET", "/v1/orders", nil, reader, 200},
		{"GET", fmt.Sprintf("/v1/orders/%d", orders.Data[0].ID), nil, reader, 200},
		{"DELETE", "/v1/integrations/" + id, nil, manager, 204},
	} {
		for _, tok := range []string{manager, reader, other} {
			if tok == r.token {
				continue
			}
			if status, b := e.call(t, tok, r.method, r.path, r.body); status != 403 {
				t.Errorf("%s %s without its scope = %d %s, want 403", r.method, r.path, status, b)
			}
		}
		if status, b := e.call(t, r.token, r.method, r.path, r.body); status != r.status {
			t.Errorf("%s %s with its scope = %d %s, want %d", r.method, r.path, status, b, r.status)
		}
	}
	// The catalogue of kinds is open to any token.
	for _, tok := range []string{manager, reader, other} {
		if status, b := e.call(t, tok, "GET", "/v1/integration-kinds", nil); status != 200 {
			t.Errorf("GET /v1/integration-kinds = %d %s, want 200", status, b)
		}
	}
}
