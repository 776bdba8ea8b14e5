package superoffice_test

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub/hookhubtest"
)

// sampleRequest is the seed's sample request body, exactly as printed.
const sampleRequest = `{
"WebhookId": 541,
"Name": "Ondricka Group",
"Events": [
"ad",
"vero"
],
"TargetUrl": "http://www.example.com/",
"Secret": "beatae",
"State": "Active",
"Type": "et",
"Headers": {
"Headers1": "ut",
"Headers2": "vel"
},
"Properties": {
"fieldName": {}
},
"Registered": "2004-03-28T10:11:01.8786829+02:00",
"RegisteredAssociate": null,
"Updated": "2024-10-14T10:11:01.8786829+02:00",
"UpdatedAssociate": null,
"ErrorsEmail": "adolph.olson@maggioconroy.us"
}`

// sampleXML is the same request as XML, as a client would write it:
// element names are the JSON names, Events' items repeated child elements,
// and the empty object of Properties an empty element.
const sampleXML = `<?xml version="1.0" encoding="utf-8"?>
<Webhook xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
  <WebhookId>541</WebhookId>
  <Name>Ondricka Group</Name>
  <Events>
    <string>ad</string>
    <string>vero</string>
  </Events>
  <TargetUrl>http://www.example.com/</TargetUrl>
  <Secret>beatae</Secret>
  <State>Active</State>
  <Type>et</Type>
  <Headers>
    <Headers1>ut</Headers1>
    <Headers2>vel</Headers2>
  </Headers>
  <Properties>
    <fieldName />
  </Properties>
  <Registered>2004-03-28T10:11:01.8786829+02:00</Registered>
  <RegisteredAssociate i:nil="true" />
  <Updated>2024-10-14T10:11:01.8786829+02:00</Updated>
  <UpdatedAssociate i:nil="true" />
  <ErrorsEmail>adolph.olson@maggioconroy.us</ErrorsEmail>
</Webhook>`

// sample is the sample with WebhookId 0 and, when given, the target, the
// events and the type replaced (JSON or XML).
func sample(xmlBody bool, target string, events []string, typ string) string {
	if xmlBody {
		s := strings.Replace(sampleXML, "<WebhookId>541</WebhookId>", "<WebhookId>0</WebhookId>", 1)
		if target != "" {
			s = strings.Replace(s, "http://www.example.com/", target, 1)
		}
		if events != nil {
			items := ""
			for _, e := range events {
				items += "<string>" + e + "</string>"
			}
			s = regexp.MustCompile(`(?s)<Events>.*</Events>`).ReplaceAllString(s, "<Events>"+items+"</Events>")
		}
		if typ != "" {
			s = strings.Replace(s, "<Type>et</Type>", "<Type>"+typ+"</Type>", 1)
		}
		return s
	}
	s := strings.Replace(sampleRequest, `"WebhookId": 541`, `"WebhookId": 0`, 1)
	if target != "" {
		s = strings.Replace(s, "http://www.example.com/", target, 1)
	}
	if events != nil {
		b, _ := json.Marshal(events)
		s = regexp.MustCompile(`(?s)"Events": \[.*?\]`).ReplaceAllString(s, `"Events": `+string(b))
	}
	if typ != "" {
		s = strings.Replace(s, `"Type": "et"`, `"Type": "`+typ+`"`, 1)
	}
	return s
}

// sampleResponseKeys are the members of the seed's sample response, in
// its order.
var sampleResponseKeys = []string{"WebhookId", "Name", "Events", "TargetUrl", "Secret", "State", "Type", "Headers",
	"Properties", "Registered", "RegisteredAssociate", "Updated", "UpdatedAssociate", "ErrorsEmail"}

// keys returns the top-level member names of a JSON object, in order.
func keys(t *testing.T, body []byte) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(body)))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("%s is not an object", body)
	}
	var out []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestSaveSample saves the seed's sample, with WebhookId 0 and a usable
// target, events and type, as JSON and as XML: the sample response's
// shape comes back, the receiver got the test call first.
func TestSaveSample(t *testing.T) {
	t.Parallel()
	hookhubtest.OnEachDB(t, func(t *testing.T, db string) {
		e := setupOn(t, db, true)
		rcv := newReceiver(t)
		events := []string{"sale.sold", "sale.lost"}
		before := time.Now().Add(-time.Second)

		// JSON, as the sample's headers say.
		a := e.ok(t, req{method: "POST", path: "/api/v1/Agents/Webhook/SaveWebhook", auth: basic("tje0", e.token),
			accept: "application/json; charset=utf-8", header: map[string]string{"Accept-Language": "sv"},
			body: sample(false, rcv.srv.URL+"/so", events, "webhook")}, http.StatusOK, nil)
		if got := keys(t, a.body); strings.Join(got[:len(sampleResponseKeys)], ",") != strings.Join(sampleResponseKeys, ",") {
			t.Errorf("members = %v, want the sample response's %v first", got, sampleResponseKeys)
		}
		if ct := a.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("Content-Type = %q", ct)
		}
		var w webhook
		if err := json.Unmarshal(a.body, &w); err != nil {
			t.Fatal(err)
		}
		checkSaved(t, w, rcv.srv.URL+"/so", before)

		tests := rcv.waitFor(t, 1, isEvent("test"))
		if got := tests[0].header.Get("X-Hook-Test"); got != "true" {
			t.Errorf("test call X-Hook-Test = %q, want true", got)
		}
		if err := verify("beatae", tests[0]); err != nil {
			t.Errorf("test call: %v", err)
		}

		// XML in, XML out.
		a = e.ok(t, req{method: "POST", path: "/api/v1/Agents/Webhook/SaveWebhook", auth: basic("tje0", e.token),
			contentType: "application/xml; charset=utf-8", accept: "application/xml",
			body: sample(true, rcv.srv.URL+"/so-xml", events, "webhook")}, http.StatusOK, nil)
		if ct := a.header.Get("Content-Type"); ct != "application/xml; charset=utf-8" {
			t.Errorf("Content-Type = %q", ct)
		}
		var x struct {
			XMLName   xml.Name
			WebhookID int64    `xml:"WebhookId"`
			Name      string   `xml:"Name"`
			Events    []string `xml:"Events>string"`
			TargetURL string   `xml:"TargetUrl"`
			Secret    string
			State     string
			Type      string
			Headers   struct {
				Headers1, Headers2 string
			}
			Properties struct {
				Type      string `xml:"type,attr"`
				FieldName *struct {
					Type string `xml:"type,attr"`
				} `xml:"fieldName"`
			}
			Registered          string
			RegisteredAssociate struct{ Name string }
			Updated             string
			ErrorsEmail         string
		}
		if err := xml.Unmarshal(a.body, &x); err != nil {
			t.Fatalf("decode %s: %v", a.body, err)
		}
		if x.XMLName.Local != "Webhook" || x.WebhookID == 0 || x.WebhookID == w.WebhookID || x.Name != "Ondricka Group" ||
			strings.Join(x.Events, ",") != "sale.sold,sale.lost" || x.TargetURL != rcv.srv.URL+"/so-xml" ||
			x.Secret != "beatae" || x.State != "Active" || x.Type != "webhook" || x.Headers.Headers1 != "ut" ||
			x.Headers.Headers2 != "vel" || x.Properties.FieldName == nil || x.Properties.FieldName.Type != "object" ||
			x.RegisteredAssociate.Name != "tje0" || x.ErrorsEmail != "adolph.olson@maggioconroy.us" {
			t.Errorf("XML answer %s", a.body)
		}
		// The XML one reads back as JSON the same as the JSON one.
		checkSaved(t, e.get(t, x.WebhookID), rcv.srv.URL+"/so-xml", before)
		rcv.waitFor(t, 2, isEvent("test"))
	})
}

// checkSaved checks a webhook saved from the sample.
func checkSaved(t *testing.T, w webhook, target string, before time.Time) {
	t.Helper()
	if w.WebhookID < 1 || w.Name != "Ondricka Group" || strings.Join(w.Events, ",") != "sale.sold,sale.lost" ||
		w.TargetURL != target || w.Secret != "beatae" || w.State != "Active" || w.Type != "webhook" ||
		w.Headers["Headers1"] != "ut" || w.Headers["Headers2"] != "vel" || string(w.Properties) != `{"fieldName":{}}` ||
		w.ErrorsEmail != "adolph.olson@maggioconroy.us" {
		t.Errorf("saved %+v", w)
	}
	for name, v := range map[string]string{"Registered": w.Registered, "Updated": w.Updated} {
		at, err := time.Parse(time.RFC3339Nano, v)
		if err != nil || !strings.HasSuffix(v, "Z") || at.Before(before) || at.After(time.Now().Add(time.Second)) {
			t.Errorf("%s = %q, want now in UTC (the sample's value is ignored)", name, v)
		}
	}
	if w.RegisteredAssociate == nil || w.RegisteredAssociate.Name != "tje0" || w.UpdatedAssociate == nil || w.UpdatedAssociate.Name != "tje0" {
		t.Errorf("associates %+v %+v, want tje0 (the Basic user)", w.RegisteredAssociate, w.UpdatedAssociate)
	}
}

// TestSampleAsPrinted sends the sample as printed with WebhookId 0: events
// ad and vero, type et and an http URL that answers nothing are each
// named in one 400, as JSON and as XML, and nothing is saved.
func TestSampleAsPrinted(t *testing.T) {
	t.Parallel()
	for _, private := range []bool{false, true} {
		t.Run(fmt.Sprint("private targets allowed=", private), func(t *testing.T) {
			t.Parallel()
			e := setup(t, private)
			target := "" // http://www.example.com/: refused for its scheme
			if private {
				target = "http://127.0.0.1:1/" // allowed, but nobody answers
			}
			for _, isXML := range []bool{false, true} {
				r := req{method: "POST", path: "/api/v1/Agents/Webhook/SaveWebhook", auth: basic("tje0", e.token),
					body: sample(isXML, target, nil, "")}
				if isXML {
					r.contentType = "text/xml"
				}
				se := e.fail(t, r, http.StatusBadRequest)
				se.wantFields(t, "Events[0]", "Events[1]", "TargetUrl", "Type")
				if msg, _ := se.field("Events[0]"); !strings.HasPrefix(msg, `"ad" is not an event hookhub knows`) {
					t.Errorf("Events[0]: %q", msg)
				}
			}
			var all []webhook
			e.ok(t, req{method: "POST", path: "/api/v1/Agents/Webhook/GetAllWebhooks"}, http.StatusOK, &all)
			if len(all) != 0 {
				t.Errorf("saved %d webhooks, want none", len(all))
			}
		})
	}
}

// TestAuth covers Basic and Bearer authentication, their absence, bad
// tokens, and another tenant's token, which sees none of this tenant's
// webhooks.
func TestAuth(t *testing.T) {
	t.Parallel()
	e := setup(t, true)
	rcv := newReceiver(t)
	w := e.save(t, map[string]any{"Name": "mine", "Events": []string{"contact.created"}, "TargetUrl": rcv.srv.URL})
	_, other := e.newTenant(t, "globex")
	get := "/api/v1/Agents/Webhook/GetWebhook?webhookId=" + itoa(w.WebhookID)

	for _, tc := range []struct {
		name string
		auth string
	}{
		{"basic", basic("tje0", e.token)},
		{"basic with an empty user name", basic("", e.token)},
		{"bearer", bearer(e.token)},
		{"bearer in lower case", "bearer " + e.token},
	} {
		var got webhook
		e.ok(t, req{method: "GET", path: get, auth: tc.auth}, http.StatusOK, &got)
		if got.WebhookID != w.WebhookID {
			t.Errorf("%s: got webhook %d", tc.name, got.WebhookID)
		}
	}
	for _, tc := range []struct {
		name, auth, want string
	}{
		{"none", "", "authentication is required"},
		{"wrong token", bearer("hh_nope"), "invalid or expired token"},
		{"wrong Basic password", basic("tje0", "Tje0"), "invalid or expired token"},
		{"Basic without a password", "Basic " + "dGplMA==", "user:password"},
		{"Basic not Base64", "Basic !!!", "Base64"},
		{"SoTicket", "SoTicket 7T:abc", "SoTicket scheme is not supported"},
	} {
		a := e.do(t, req{method: "GET", path: get, auth: tc.auth})
		var se soError
		if err := json.Unmarshal(a.body, &se); err != nil || a.status != http.StatusUnauthorized || se.ErrorType != "Unauthorized" ||
			!strings.Contains(se.Error, tc.want) || se.ErrorSource == "" {
			t.Errorf("%s: %d %s, want 401 in SuperOffice's shape saying %q", tc.name, a.status, a.body, tc.want)
		}
		if got := a.header.Values("WWW-Authenticate"); len(got) != 2 {
			t.Errorf("%s: WWW-Authenticate = %q, want Basic and Bearer", tc.name, got)
		}
	}

	// Another tenant's token: the webhook does not exist for it.
	for _, r := range []req{
		{method: "GET", path: get},
		{method: "GET", path: "/api/v1/Webhook/" + itoa(w.WebhookID)},
		{method: "POST", path: "/api/v1/Agents/Webhook/DeleteWebhook?webhookId=" + itoa(w.WebhookID)},
		{method: "DELETE", path: "/api/v1/Webhook/" + itoa(w.WebhookID)},
		{method: "POST", path: "/api/v1/Agents/Webhook/SaveWebhook", body: fmt.Sprintf(`{"WebhookId": %d, "Name": "taken"}`, w.WebhookID)},
		{method: "PUT", path: "/api/v1/Webhook/" + itoa(w.WebhookID), body: `{"Name": "taken"}`},
		{method: "POST", path: "/api/v1/Agents/Webhook/TestWebhook?webhookId=" + itoa(w.WebhookID)},
	} {
		r.auth = basic("intruder", other)
		se := e.fail(t, r, http.StatusNotFound)
		if se.ErrorType != "NotFound" {
			t.Errorf("%s %s: ErrorType %q", r.method, r.path, se.ErrorType)
		}
	}
	var all []webhook
	e.ok(t, req{method: "GET", path: "/api/v1/Webhook", auth: bearer(other)}, http.StatusOK, &all)
	if len(all) != 0 {
		t.Errorf("the other tenant lists %d webhooks", len(all))
	}
	if got := e.get(t, w.WebhookID); got.Name != "mine" || got.State != "Active" {
		t.Errorf("after the other tenant's tries: %+v", got)
	}
}

// TestBadInput sends every kind of bad input: each is a 400 (or the
// status HTTP has for it) in SuperOffice's shape naming the field, and
// nothing is saved.
func TestBadInput(t *testing.T) {
	t.Parallel()
	e := setup(t, true)
	rcv := newReceiver(t)
	good := rcv.srv.URL + "/hook"
	const save = "/api/v1/Agents/Webhook/SaveWebhook"
	body := func(members string) string {
		return `{"Name": "n", "Events": ["contact.created"], "TargetUrl": "` + good + `"` + members + `}`
	}
	for _, tc := range []struct {
		name   string
		r      req
		status int
		fields []string
		want   string // in Error
	}{
		{"malformed JSON", req{body: `{"Name": "n",`}, 400, nil, "not valid JSON"},
		{"JSON with trailing data", req{body: `{"Name": "n"} {}`}, 400, nil, "more after the first value"},
		{"malformed XML", req{body: `<Webhook><Name>n</Webhook>`, contentType: "application/xml"}, 400, nil, "not valid XML"},
		{"XML with two roots", req{body: `<Webhook/><Webhook/>`, contentType: "text/xml"}, 400, nil, "more than one root"},
		{"empty body", req{body: " "}, 400, nil, "body is empty"},
		{"array body", req{body: `[]`}, 400, nil, "must be a Webhook object, not an array"},
		{"string body", req{body: `"webhook"`}, 400, nil, "not a string"},
		{"WebhookId a word", req{body: body(`, "WebhookId": "abc"`)}, 400, []string{"WebhookId"}, "whole number"},
		{"WebhookId a fraction", req{body: body(`, "WebhookId": 1.5`)}, 400, []string{"WebhookId"}, "whole number"},
		{"WebhookId an array", req{body: body(`, "WebhookId": []`)}, 400, []string{"WebhookId"}, "not an array"},
		{"Name a number", req{body: `{"Name": 5, "Events": ["contact.created"], "TargetUrl": "` + good + `"}`}, 400, []string{"Name"}, "must be a string"},
		{"Events a string", req{body: `{"Events": "contact.created", "TargetUrl": "` + good + `"}`}, 400, []string{"Events"}, "array of strings"},
		{"Events of numbers", req{body: `{"Events": ["contact.created", 7], "TargetUrl": "` + good + `"}`}, 400, []string{"Events[1]"}, "must be a string"},
		{"TargetUrl a boolean", req{body: `{"Events": ["contact.created"], "TargetUrl": true}`}, 400, []string{"TargetUrl"}, "must be a string"},
		{"Secret an object", req{body: body(`, "Secret": {}`)}, 400, []string{"Secret"}, "must be a string"},
		{"Headers an array", req{body: body(`, "Headers": ["a"]`)}, 400, []string{"Headers"}, "object of names"},
		{"Headers with a number", req{body: body(`, "Headers": {"X-A": 1}`)}, 400, []string{"Headers.X-A"}, "must be a string"},
		{"Properties a string", req{body: body(`, "Properties": "x"`)}, 400, []string{"Properties"}, "must be an object"},
		{"State unknown", req{body: body(`, "State": "Running"`)}, 400, []string{"State"}, "Active, Stopped or TooManyErrors"},
		{"State out of range", req{body: body(`, "State": 7`)}, 400, []string{"State"}, "Active, Stopped or TooManyErrors"},
		{"State a boolean", req{body: body(`, "State": true`)}, 400, []string{"State"}, "not a boolean"},
		{"State TooManyErrors on a new webhook", req{body: body(`, "State": 3`)}, 400, []string{"State"}, "State: must be Active or Stopped (or 1, 2); TooManyErrors is set by hookhub"},
		{"State TooManyErrors by name", req{body: body(`, "State": "TooManyErrors"`)}, 400, []string{"State"}, "can only be kept, not set"},
		{"Type crmscript without a Script", req{body: body(`, "Type": "crmscript"`)}, 400, []string{"Script"}, "Script: is required for a webhook of type script"},
		{"Type crmscript with a bad Script", req{body: body(`, "Type": "crmscript", "Script": "function handler( {"`)}, 400, []string{"Script"}, "Script: line 1, column"},
		{"Type unknown", req{body: body(`, "Type": "email"`)}, 400, []string{"Type"}, "must be webhook"},
		{"Registered not a date", req{body: body(`, "Registered": "yesterday"`)}, 400, []string{"Registered"}, "date-time"},
		{"RegisteredAssociate a number", req{body: body(`, "RegisteredAssociate": 5`)}, 400, []string{"RegisteredAssociate"}, "Associate object"},
		{"unknown event", req{body: `{"Events": ["contact.created", "contact.exploded"], "TargetUrl": "` + good + `"}`}, 400, []string{"Events[1]"}, `Events[1]: "contact.exploded" is not an event hookhub knows; SuperOffice's events are listed under "Event names" in docs/superoffice.md, and GET /v1/event-types lists`},
		{"malformed event", req{body: `{"Events": ["Contact Created"], "TargetUrl": "` + good + `"}`}, 400, []string{"Events[0]"}, "lower-case words"},
		{"no events", req{body: `{"Events": [], "TargetUrl": "` + good + `"}`}, 400, []string{"Events"}, "at least one"},
		{"no TargetUrl", req{body: `{"Events": ["contact.created"]}`}, 400, []string{"TargetUrl"}, "is required"},
		{"TargetUrl not a URL", req{body: `{"Events": ["contact.created"], "TargetUrl": "not a url"}`}, 400, []string{"TargetUrl"}, "http or https"},
		{"TargetUrl ftp", req{body: `{"Events": ["contact.created"], "TargetUrl": "ftp://files.example.com/x"}`}, 400, []string{"TargetUrl"}, "http or https"},
		{"TargetUrl with a password", req{body: `{"Events": ["contact.created"], "TargetUrl": "https://u:p@example.com/"}`}, 400, []string{"TargetUrl"}, "user name or password"},
		{"bad ErrorsEmail", req{body: body(`, "ErrorsEmail": "nobody"`)}, 400, []string{"ErrorsEmail"}, "e-mail address"},
		{"reserved header", req{body: body(`, "Headers": {"Host": "evil"}`)}, 400, []string{"Headers"}, "cannot be overridden"},
		{"several at once", req{body: `{"WebhookId": "x", "Name": 1, "Events": 2, "State": "?"}`}, 400, []string{"Events", "Name", "State", "WebhookId"}, ""},
		{"XML WebhookId a word", req{body: `<Webhook><WebhookId>abc</WebhookId></Webhook>`, contentType: "text/xml"}, 400, []string{"WebhookId"}, "whole number"},
		{"XML State unknown", req{body: `<Webhook><State>Sleeping</State><Events><string>contact.created</string></Events><TargetUrl>` + good + `</TargetUrl></Webhook>`, contentType: "application/xml"}, 400, []string{"State"}, "Active"},
		{"XML Name with children", req{body: `<Webhook><Name><First>a</First></Name></Webhook>`, contentType: "application/xml"}, 400, []string{"Name"}, "must be a string"},
		{"XML bad type attribute", req{body: `<Webhook><Properties><n type="number">ten</n></Properties></Webhook>`, contentType: "application/xml"}, 400, nil, "not one"},
		{"plain text body", req{body: "Name=x", contentType: "text/plain"}, 415, nil, "not accepted"},
		{"not acceptable", req{body: body(""), accept: "text/html"}, 406, nil, "cannot answer in text/html"},
		{"unknown time zone", req{body: body(""), header: map[string]string{"SO-TimeZone": "Mars/Olympus"}}, 400, []string{"SO-TimeZone"}, "not a time zone"},
		{"unknown id", req{body: body(`, "WebhookId": 999`)}, 404, nil, "webhook 999 not found"},
		{"too large", req{body: body(`, "Properties": {"x": "` + strings.Repeat("a", 2<<20) + `"}`)}, 413, nil, "larger than the limit"},
		{"receiver answers 500", req{body: `{"Events": ["contact.created"], "TargetUrl": "` + rcv.srv.URL + `/fail"}`}, 400, []string{"TargetUrl"}, "answered 500 Internal Server Error: broken here"},
		{"receiver answers 201", req{body: `{"Events": ["contact.created"], "TargetUrl": "` + rcv.srv.URL + `/created"}`}, 400, []string{"TargetUrl"}, "must be answered 200 OK, but the receiver answered 201"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.r
			r.method, r.path, r.auth = "POST", save, bearer(e.token)
			se := e.fail(t, r, tc.status)
			if tc.fields != nil {
				se.wantFields(t, tc.fields...)
			}
			if !strings.Contains(se.Error, tc.want) {
				t.Errorf("Error %q does not say %q", se.Error, tc.want)
			}
			// The core's words, which name native fields and calls.
			for _, core := range []string{"one of active, stopped", "POST /v1/event-types", "unknown event type"} {
				if strings.Contains(se.Error, core) {
					t.Errorf("Error %q says %q, in the native API's words", se.Error, core)
				}
			}
		})
	}
	var all []webhook
	e.ok(t, req{method: "GET", path: "/api/v1/Webhook"}, http.StatusOK, &all)
	if len(all) != 0 {
		t.Errorf("saved %d webhooks, want none", len(all))
	}

	// Ids that are missing, malformed or unknown, and wrong methods.
	for _, tc := range []struct {
		r      req
		status int
		field  string
	}{
		{req{method: "GET", path: "/api/v1/Agents/Webhook/GetWebhook"}, 400, "webhookId"},
		{req{method: "GET", path: "/api/v1/Agents/Webhook/GetWebhook?webhookId=abc"}, 400, "webhookId"},
		{req{method: "GET", path: "/api/v1/Agents/Webhook/GetWebhook?webhookId=999"}, 404, ""},
		{req{method: "POST", path: "/api/v1/Agents/Webhook/DeleteWebhook?webhookId=999"}, 404, ""},
		{req{method: "GET", path: "/api/v1/Webhook/999"}, 404, ""},
		{req{method: "GET", path: "/api/v1/Webhook/abc"}, 404, ""},
		{req{method: "PUT", path: "/api/v1/Webhook/999", body: body("")}, 404, ""},
		{req{method: "DELETE", path: "/api/v1/Webhook/999"}, 404, ""},
		{req{method: "GET", path: "/api/v1/Agents/Webhook/GetAllWebhooks?status=Sleeping"}, 400, "status"},
		{req{method: "GET", path: "/api/v1/Agents/Webhook/SaveWebhook"}, 405, ""},
		{req{method: "PATCH", path: "/api/v1/Webhook/1"}, 405, ""},
		{req{method: "POST", path: "/api/v1/Agents/Webhook/Explode"}, 404, ""},
	} {
		tc.r.auth = bearer(e.token)
		se := e.fail(t, tc.r, tc.status)
		if tc.field != "" {
			se.wantFields(t, tc.field)
		}
	}
}

// TestTimeZone converts the answer's date-times with SO-TimeZone, given as
// an IANA name or a SuperOffice code; the language headers change nothing.
func TestTimeZone(t *testing.T) {
	t.Parallel()
	e := setup(t, true)
	rcv := newReceiver(t)
	w := e.save(t, map[string]any{"Events": []string{"contact.created"}, "TargetUrl": rcv.srv.URL})
	utc, err := time.Parse(time.RFC3339Nano, w.Registered)
	if err != nil {
		t.Fatal(err)
	}
	for zone, iana := range map[string]string{"Europe/Oslo": "Europe/Oslo", "NO": "Europe/Oslo", "us-ny": "America/New_York", "UTC": "UTC", "460": "America/New_York"} {
		var got webhook
		e.ok(t, req{method: "GET", path: "/api/v1/Webhook/" + itoa(w.WebhookID), header: map[string]string{
			"SO-TimeZone": zone, "Accept-Language": "sv", "SO-Language": "no", "SO-Culture": "nb"}}, http.StatusOK, &got)
		at, err := time.Parse(time.RFC3339Nano, got.Registered)
		loc, _ := time.LoadLocation(iana)
		_, wantOffset := utc.In(loc).Zone()
		_, offset := at.Zone()
		if err != nil || !at.Equal(utc) || offset != wantOffset {
			t.Errorf("SO-TimeZone %s: Registered %q, want %s in %s", zone, got.Registered, w.Registered, iana)
		}
	}
}

// TestAgentAndREST goes through the other methods: CreateDefaultWebhook,
// REST create, read, update, list with filters, TestWebhook, delete.
func TestAgentAndREST(t *testing.T) {
	t.Parallel()
	hookhubtest.OnEachDB(t, func(t *testing.T, db string) {
		e := setupOn(t, db, true)
		rcv := newReceiver(t)

		var def webhook
		e.ok(t, req{method: "POST", path: "/api/v1/Agents/Webhook/CreateDefaultWebhook", auth: basic("ada", e.token)}, http.StatusOK, &def)
		if def.WebhookID != 0 || def.State != "Active" || def.Type != "webhook" || len(def.Events) != 0 || def.RegisteredAssociate != nil {
			t.Errorf("default webhook %+v", def)
		}
		e.ok(t, req{method: "GET", path: "/api/v1/Webhook/default"}, http.StatusOK, &def)

		// REST create: 201 with its Location, whatever WebhookId says.
		var sales webhook
		a := e.ok(t, req{method: "POST", path: "/api/v1/Webhook", body: `{"WebhookId": 77, "Name": "Sales", "Events": ["sale.sold","sale.lost"], "TargetUrl": "` + rcv.srv.URL + `/sales", "State": 2}`}, http.StatusCreated, &sales)
		if sales.WebhookID == 77 || sales.State != "Stopped" || a.header.Get("Location") != "/api/v1/Webhook/"+itoa(sales.WebhookID) {
			t.Errorf("created %+v at %q", sales, a.header.Get("Location"))
		}
		if sales.RegisteredAssociate == nil || sales.RegisteredAssociate.Name != "initial" {
			t.Errorf("Bearer caller is named %+v, want the token's name", sales.RegisteredAssociate)
		}
		contacts := e.save(t, map[string]any{"Name": "Contacts", "Events": []string{"contact.created", "person.changed"}, "TargetUrl": rcv.srv.URL + "/contacts"})
		tested := len(rcv.waitFor(t, 2, isEvent("test")))

		// Update of the name only: no test call. The agent's
		// method names are read without regard to case.
		var renamed webhook
		e.ok(t, req{method: "POST", path: "/api/v1/Agents/Webhook/savewebhook", auth: basic("bob", e.token),
			body: fmt.Sprintf(`{"WebhookId": %d, "Name": "Contacts 2"}`, contacts.WebhookID)}, http.StatusOK, &renamed)
		if renamed.Name != "Contacts 2" || renamed.TargetURL != contacts.TargetURL || strings.Join(renamed.Events, ",") != "contact.created,person.changed" ||
			renamed.RegisteredAssociate.Name != "initial" || renamed.UpdatedAssociate.Name != "bob" || renamed.Registered != contacts.Registered {
			t.Errorf("renamed %+v", renamed)
		}
		// A new TargetUrl is tested; one the receiver refuses is not saved.
		rcv.answer(http.StatusServiceUnavailable, "down for maintenance")
		se := e.fail(t, req{method: "PUT", path: "/api/v1/Webhook/" + itoa(contacts.WebhookID), auth: bearer(e.token),
			body: `{"TargetUrl": "` + rcv.srv.URL + `/moved"}`}, http.StatusBadRequest)
		if msg, _ := se.field("TargetUrl"); !strings.Contains(msg, "503") || !strings.Contains(msg, "down for maintenance") {
			t.Errorf("refused move: %q", se.Error)
		}
		rcv.answer(http.StatusOK, "ok")
		var moved webhook
		e.ok(t, req{method: "PUT", path: "/api/v1/Webhook/" + itoa(contacts.WebhookID), body: `{"TargetUrl": "` + rcv.srv.URL + `/moved", "Secret": "s3"}`}, http.StatusOK, &moved)
		if moved.TargetURL != rcv.srv.URL+"/moved" || moved.Secret != "s3" || moved.Name != "Contacts 2" {
			t.Errorf("moved %+v", moved)
		}
		if got := len(rcv.waitFor(t, tested+2, isEvent("test"))); got != tested+2 {
			t.Errorf("test calls = %d, want %d (one refused, one accepted; none for the rename)", got, tested+2)
		}
		if last := rcv.all()[len(rcv.all())-1]; last.path != "/moved" || verify("s3", last) != nil {
			t.Errorf("the move's test call went to %s, signed %v", last.path, verify("s3", last))
		}

		// GetAllWebhooks with filters, in the query or the body; a webhook of
		// the native API is not SuperOffice's.
		e.native(t, "POST", "/v1/webhooks", map[string]any{"url": rcv.srv.URL + "/native", "events": []string{"*"}}, http.StatusCreated, nil)
		for _, tc := range []struct {
			r    req
			want []int64
		}{
			{req{method: "POST", path: "/api/v1/Agents/Webhook/GetAllWebhooks"}, []int64{sales.WebhookID, contacts.WebhookID}},
			{req{method: "GET", path: "/api/v1/Webhook?name=contacts"}, []int64{contacts.WebhookID}},
			{req{method: "GET", path: "/api/v1/Agents/Webhook/GetAllWebhooks?eventName=sale.lost"}, []int64{sales.WebhookID}},
			{req{method: "GET", path: "/api/v1/Webhook?event=person.changed&status=Active"}, []int64{contacts.WebhookID}},
			{req{method: "POST", path: "/api/v1/Agents/Webhook/GetAllWebhooks", body: `{"Status": "Stopped"}`}, []int64{sales.WebhookID}},
			{req{method: "POST", path: "/api/v1/Agents/Webhook/GetAllWebhooks", body: `<Filter><EventName>contact.created</EventName></Filter>`, contentType: "text/xml"}, []int64{contacts.WebhookID}},
			{req{method: "POST", path: "/api/v1/Agents/Webhook/GetAllWebhooks", body: `{"Status": 3}`}, nil},
		} {
			var got []webhook
			e.ok(t, tc.r, http.StatusOK, &got)
			var ids []int64
			for _, w := range got {
				ids = append(ids, w.WebhookID)
			}
			if fmt.Sprint(ids) != fmt.Sprint(tc.want) {
				t.Errorf("%s %s %s: ids %v, want %v", tc.r.method, tc.r.path, tc.r.body, ids, tc.want)
			}
		}
		a = e.ok(t, req{method: "GET", path: "/api/v1/Webhook", accept: "text/xml"}, http.StatusOK, nil)
		var list struct {
			XMLName  xml.Name
			Webhooks []struct {
				WebhookID int64 `xml:"WebhookId"`
			} `xml:"Webhook"`
		}
		if err := xml.Unmarshal(a.body, &list); err != nil || list.XMLName.Local != "ArrayOfWebhook" || len(list.Webhooks) != 2 || a.header.Get("Content-Type") != "text/xml; charset=utf-8" {
			t.Errorf("XML list %s (%v)", a.body, err)
		}

		// TestWebhook: a saved one by id, or a body; the receiver's answer
		// comes back, success or not.
		var res struct {
			Success      bool
			Message      string
			StatusCode   int
			ResponseBody string
		}
		rcv.answer(http.StatusOK, "all good")
		e.ok(t, req{method: "POST", path: "/api/v1/Agents/Webhook/TestWebhook?webhookId=" + itoa(sales.WebhookID)}, http.StatusOK, &res)
		if !res.Success || res.StatusCode != 200 || res.ResponseBody != "all good" || !strings.Contains(res.Message, "200") {
			t.Errorf("TestWebhook = %+v", res)
		}
		rcv.answer(http.StatusTeapot, "no coffee")
		e.ok(t, req{method: "POST", path: "/api/v1/Agents/Webhook/TestWebhook", body: `{"TargetUrl": "` + rcv.srv.URL + `/try", "Events": ["contact.created"], "Secret": "t"}`}, http.StatusOK, &res)
		if res.Success || res.StatusCode != 418 || !strings.Contains(res.Message, "no coffee") {
			t.Errorf("TestWebhook = %+v", res)
		}
		if last := rcv.all()[len(rcv.all())-1]; last.path != "/try" || last.header.Get("X-Hook-Test") != "true" || verify("t", last) != nil {
			t.Errorf("TestWebhook's call: %s %v", last.path, last.header)
		}
		// Success is 200 only, as on save: other 2xx answers are not.
		for _, status := range []int{http.StatusCreated, http.StatusNoContent} {
			rcv.answer(status, "")
			res = struct {
				Success      bool
				Message      string
				StatusCode   int
				ResponseBody string
			}{}
			e.ok(t, req{method: "POST", path: "/api/v1/Agents/Webhook/TestWebhook?webhookId=" + itoa(sales.WebhookID)}, http.StatusOK, &res)
			if res.Success || res.StatusCode != status || !strings.Contains(res.Message, fmt.Sprint(status)) {
				t.Errorf("TestWebhook answered %d: %+v, want no success", status, res)
			}
		}
		// A crmscript webhook's test runs its script once.
		e.ok(t, req{method: "POST", path: "/api/v1/Agents/Webhook/TestWebhook", auth: bearer(e.token),
			body: `{"TargetUrl": "7", "Type": "crmscript", "Events": ["contact.created"], "Script": "function handler(event, hookhub) { hookhub.log(event.type); return 1 }"}`}, http.StatusOK, &res)
		if !res.Success || !strings.Contains(res.ResponseBody, `"output":1`) {
			t.Errorf("TestWebhook of a script: %+v, want success with its output", res)
		}

		// Delete: 204, then gone.
		e.ok(t, req{method: "POST", path: "/api/v1/Agents/Webhook/DeleteWebhook?webhookId=" + itoa(sales.WebhookID)}, http.StatusNoContent, nil)
		e.ok(t, req{method: "DELETE", path: "/api/v1/Webhook/" + itoa(contacts.WebhookID)}, http.StatusNoContent, nil)
		e.fail(t, req{method: "GET", path: "/api/v1/Webhook/" + itoa(sales.WebhookID), auth: bearer(e.token)}, http.StatusNotFound)
		var none []webhook
		e.ok(t, req{method: "GET", path: "/api/v1/Webhook"}, http.StatusOK, &none)
		if len(none) != 0 {
			t.Errorf("after deletes: %d webhooks", len(none))
		}
	})
}

// TestHTTPSOnly refuses http targets unless private targets are allowed.
func TestHTTPSOnly(t *testing.T) {
	t.Parallel()
	e := setup(t, false)
	for target, want := range map[string]string{
		"http://hooks.example.com/x": "must be an https URL",
		"https://10.1.2.3/x":         "private",
		"https://127.0.0.1/x":        "loopback",
	} {
		se := e.fail(t, req{method: "POST", path: "/api/v1/Webhook", auth: bearer(e.token),
			body: `{"Events": ["contact.created"], "TargetUrl": "` + target + `"}`}, http.StatusBadRequest)
		if msg, ok := se.field("TargetUrl"); !ok || !strings.Contains(msg, want) {
			t.Errorf("%s: %q, want TargetUrl %q", target, se.Error, want)
		}
	}
}

// TestRoundTrip reads a webhook as JSON and as XML and saves each answer
// back unchanged: the webhook stays the same (no test call, since nothing
// that shapes the requests changes), Properties of every JSON type
// included.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	e := setup(t, true)
	rcv := newReceiver(t)
	body := sample(false, rcv.srv.URL+"/rt", []string{"sale.sold", "sale.lost"}, "webhook")
	body = strings.Replace(body, `"fieldName": {}`, `"fieldName": {}, "empty": "", "n": 1.5, "ok": true, "none": null, "list": [1, "two", {"three": 3}, []], "odd key!": "x", "nested": {"a": {"b": "c"}}`, 1)
	body = strings.Replace(body, `"Headers2": "vel"`, `"Headers2": "vel", "X-Odd.Name_1": "v"`, 1)
	w := e.save(t, json.RawMessage(body))
	tests := len(rcv.all())
	want, _ := json.Marshal(w.Properties)

	for _, accept := range []string{"application/json", "application/xml"} {
		a := e.ok(t, req{method: "GET", path: "/api/v1/Webhook/" + itoa(w.WebhookID), accept: accept}, http.StatusOK, nil)
		ct := "application/json"
		if accept == "application/xml" {
			ct = "application/xml"
		}
		var back webhook
		e.ok(t, req{method: "POST", path: "/api/v1/Agents/Webhook/SaveWebhook", body: string(a.body), contentType: ct}, http.StatusOK, &back)
		got, _ := json.Marshal(back.Properties)
		if back.WebhookID != w.WebhookID || back.Name != w.Name || fmt.Sprint(back.Events) != fmt.Sprint(w.Events) ||
			back.TargetURL != w.TargetURL || back.Secret != w.Secret || back.State != w.State || back.Type != w.Type ||
			fmt.Sprint(back.Headers) != fmt.Sprint(w.Headers) || string(got) != string(want) || back.ErrorsEmail != w.ErrorsEmail ||
			back.Registered != w.Registered {
			t.Errorf("%s round trip:\n got %+v\nwant %+v", accept, back, w)
		}
	}
	if n := len(rcv.all()); n != tests {
		t.Errorf("round trips made %d test calls, want none", n-tests)
	}
}

// TestXMLEmptyElements: inside Properties an empty element without a type
// is an empty object, at any depth, and type="string" makes it an empty
// string; elsewhere (Headers, Name) an empty element is "".
func TestXMLEmptyElements(t *testing.T) {
	t.Parallel()
	e := setup(t, true)
	rcv := newReceiver(t)
	var w webhook
	e.ok(t, req{method: "POST", path: "/api/v1/Agents/Webhook/SaveWebhook", contentType: "text/xml", body: `<Webhook>
  <Name/>
  <Events><string>contact.created</string></Events>
  <TargetUrl>` + rcv.srv.URL + `</TargetUrl>
  <Headers><X-Empty/></Headers>
  <Properties><a/><b type="string"/><c><d></d></c><e>text</e></Properties>
</Webhook>`}, http.StatusOK, &w)
	if got, want := string(w.Properties), `{"a":{},"b":"","c":{"d":{}},"e":"text"}`; got != want {
		t.Errorf("Properties = %s, want %s", got, want)
	}
	if v, ok := w.Headers["X-Empty"]; !ok || v != "" || w.Name != "" {
		t.Errorf("Headers = %v, Name = %q, want an empty header and name", w.Headers, w.Name)
	}
}

// TestXMLNil: answers declare xmlns:i on the root and write null as
// i:nil="true", which a namespace-aware reader (encoding/xml here, .NET's
// DataContractSerializer there) resolves to XML Schema's nil; on input
// i:nil, xsi:nil and a bare nil are all null, so a nil Secret keeps the
// secret while an empty one removes it.
func TestXMLNil(t *testing.T) {
	t.Parallel()
	e := setup(t, true)
	rcv := newReceiver(t)
	w := e.save(t, map[string]any{"Events": []string{"contact.created"}, "TargetUrl": rcv.srv.URL, "Secret": "kept"})

	for _, path := range []string{"/api/v1/Webhook/" + itoa(w.WebhookID), "/api/v1/Webhook"} {
		a := e.ok(t, req{method: "GET", path: path, accept: "application/xml"}, http.StatusOK, nil)
		root := regexp.MustCompile(`^<\?xml[^>]*\?>\s*<(\w+) xmlns:i="http://www.w3.org/2001/XMLSchema-instance">`)
		if !root.Match(a.body) || strings.Count(string(a.body), "xmlns:i=") != 1 {
			t.Errorf("GET %s: the root does not declare xmlns:i once:\n%s", path, a.body)
		}
		if strings.Contains(string(a.body), ` nil="true"`) {
			t.Errorf("GET %s: nil without a namespace:\n%s", path, a.body)
		}
	}
	a := e.ok(t, req{method: "GET", path: "/api/v1/Webhook/" + itoa(w.WebhookID), accept: "text/xml"}, http.StatusOK, nil)
	var x struct {
		LastTriggered struct {
			Nil string `xml:"http://www.w3.org/2001/XMLSchema-instance nil,attr"`
		}
	}
	if err := xml.Unmarshal(a.body, &x); err != nil || x.LastTriggered.Nil != "true" {
		t.Errorf("LastTriggered of a webhook never triggered is not xsi:nil (%v):\n%s", err, a.body)
	}

	save := func(secret string) webhook {
		t.Helper()
		var got webhook
		e.ok(t, req{method: "POST", path: "/api/v1/Agents/Webhook/SaveWebhook", contentType: "application/xml",
			body: `<Webhook xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
				`<WebhookId>` + itoa(w.WebhookID) + `</WebhookId>` + secret + `</Webhook>`}, http.StatusOK, &got)
		return got
	}
	for _, secret := range []string{`<Secret i:nil="true"/>`, `<Secret xsi:nil="true"/>`, `<Secret nil="true"/>`} {
		if got := save(secret); got.Secret != "kept" {
			t.Errorf("%s: Secret = %q, want it kept", secret, got.Secret)
		}
	}
	if got := save(`<Secret/>`); got.Secret != "" {
		t.Errorf("<Secret/>: Secret = %q, want it removed", got.Secret)
	}
}

// TestUpdateTestCall: an update that changes what shapes the requests
// (TargetUrl, Secret, Headers, Properties) makes the test call first, with
// the new settings, and is refused when the receiver does not answer 200;
// any other update, or one that gives the same values written otherwise,
// makes none.
func TestUpdateTestCall(t *testing.T) {
	t.Parallel()
	e := setup(t, true)
	rcv := newReceiver(t)
	w := e.save(t, map[string]any{"Events": []string{"contact.created"}, "TargetUrl": rcv.srv.URL + "/hook",
		"Secret": "s", "Headers": map[string]string{"X-A": "1"}, "Properties": map[string]any{"p": 1, "q": []int{1}}})
	path := "/api/v1/Webhook/" + itoa(w.WebhookID)
	tests := func() []received {
		var out []received
		for _, g := range rcv.all() {
			if isEvent("test")(g) {
				out = append(out, g)
			}
		}
		return out
	}
	for _, tc := range []struct {
		name, body string
		check      func(received) error // nil: no test call
	}{
		{"name", `{"Name": "renamed", "State": "Stopped"}`, nil},
		{"the same values", `{"TargetUrl": "` + rcv.srv.URL + `/hook", "Secret": "s", "Headers": {"X-A": "1"}, "Properties": { "q" : [1], "p" : 1 }}`, nil},
		{"headers", `{"Headers": {"X-A": "2"}}`, func(g received) error {
			if got := g.header.Get("X-A"); got != "2" {
				return fmt.Errorf("X-A = %q, want the new 2", got)
			}
			return nil
		}},
		{"properties", `{"Properties": {"p": 2}}`, func(g received) error {
			if !strings.Contains(string(g.body), `"p":2`) {
				return fmt.Errorf("body %s lacks the new property", g.body)
			}
			return nil
		}},
		{"secret", `{"Secret": "s2"}`, func(g received) error { return verify("s2", g) }},
	} {
		before := len(tests())
		e.ok(t, req{method: "PUT", path: path, body: tc.body}, http.StatusOK, nil)
		got := tests()[before:]
		switch {
		case tc.check == nil && len(got) != 0:
			t.Errorf("%s: %d test calls, want none", tc.name, len(got))
		case tc.check != nil && len(got) != 1:
			t.Errorf("%s: %d test calls, want 1", tc.name, len(got))
		case tc.check != nil:
			if err := tc.check(got[0]); err != nil {
				t.Errorf("%s: test call: %v", tc.name, err)
			}
		}
	}

	// A refused test call refuses the change.
	rcv.answer(http.StatusServiceUnavailable, "down")
	for _, body := range []string{`{"Headers": {"X-A": "3"}}`, `{"Properties": {"p": 3}}`} {
		se := e.fail(t, req{method: "PUT", path: path, auth: bearer(e.token), body: body}, http.StatusBadRequest)
		if msg, _ := se.field("TargetUrl"); !strings.Contains(msg, "503") {
			t.Errorf("%s: %q, want the test call's 503", body, se.Error)
		}
	}
	if got := e.get(t, w.WebhookID); got.Headers["X-A"] != "2" || string(got.Properties) != `{"p":2}` {
		t.Errorf("after refused changes: Headers %v, Properties %s", got.Headers, got.Properties)
	}
}

// TestNativeWebhookNotFound: a webhook of the tenant made through the
// native /v1 API is not SuperOffice's: every path that names its id
// answers 404, as for an unknown id, and it is neither changed, deleted
// nor called.
func TestNativeWebhookNotFound(t *testing.T) {
	t.Parallel()
	e := setup(t, true)
	rcv := newReceiver(t)
	var native struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	e.native(t, "POST", "/v1/webhooks", map[string]any{"name": "native", "url": rcv.srv.URL + "/native", "events": []string{"*"}}, http.StatusCreated, &native)
	id := itoa(native.ID)
	for _, r := range []req{
		{method: "GET", path: "/api/v1/Agents/Webhook/GetWebhook?webhookId=" + id},
		{method: "POST", path: "/api/v1/Agents/Webhook/GetWebhook?webhookId=" + id},
		{method: "GET", path: "/api/v1/Webhook/" + id},
		{method: "PUT", path: "/api/v1/Webhook/" + id, body: `{"Name": "taken"}`},
		{method: "POST", path: "/api/v1/Agents/Webhook/SaveWebhook", body: `{"WebhookId": ` + id + `, "Name": "taken"}`},
		{method: "POST", path: "/api/v1/Agents/Webhook/DeleteWebhook?webhookId=" + id},
		{method: "DELETE", path: "/api/v1/Webhook/" + id},
		{method: "POST", path: "/api/v1/Agents/Webhook/TestWebhook?webhookId=" + id},
		{method: "POST", path: "/api/v1/Agents/Webhook/TestWebhook", body: `{"WebhookId": ` + id + `}`},
	} {
		r.auth = bearer(e.token)
		se := e.fail(t, r, http.StatusNotFound)
		if se.ErrorType != "NotFound" || !strings.Contains(se.Error, "webhook "+id+" not found") {
			t.Errorf("%s %s %s: %+v", r.method, r.path, r.body, se)
		}
	}
	var after struct {
		Name   string `json:"name"`
		Format string `json:"format"`
	}
	e.native(t, "GET", "/v1/webhooks/"+id, nil, http.StatusOK, &after)
	if after.Name != "native" || after.Format != "standard" {
		t.Errorf("the native webhook became %+v", after)
	}
	if got := rcv.all(); len(got) != 0 {
		t.Errorf("the native webhook's receiver got %d requests, want none", len(got))
	}
}

// errorInfo is SuperOffice's error object as XML.
type errorInfo struct {
	XMLName     xml.Name
	Error       string
	ErrorType   string
	ErrorSource string
	Fields      []struct{ Field, Message string } `xml:"Fields>FieldError"`
}

// TestErrorInfoXML: with Accept XML, every error is an <ErrorInfo> in the
// chosen XML type, with the fields at fault as <Fields><FieldError>.
func TestErrorInfoXML(t *testing.T) {
	t.Parallel()
	e := setup(t, true)
	for _, tc := range []struct {
		name   string
		r      req
		status int
		typ    string
		fields []string
	}{
		{"bad fields", req{method: "POST", path: "/api/v1/Agents/Webhook/SaveWebhook", auth: bearer(e.token), accept: "application/xml",
			body: `{"Events": ["contact.exploded"], "TargetUrl": "ftp://x", "State": 3}`}, 400, "ValidationError", []string{"Events[0]", "State", "TargetUrl"}},
		{"malformed XML in, text/xml out", req{method: "POST", path: "/api/v1/Agents/Webhook/SaveWebhook", auth: bearer(e.token), accept: "text/xml",
			contentType: "text/xml", body: `<Webhook><Name>n</Webhook>`}, 400, "ValidationError", nil},
		{"no credentials", req{method: "GET", path: "/api/v1/Webhook", accept: "application/xml"}, 401, "Unauthorized", nil},
		{"unknown id", req{method: "GET", path: "/api/v1/Webhook/999", auth: bearer(e.token), accept: "application/xml"}, 404, "NotFound", nil},
		{"no such path", req{method: "POST", path: "/api/v1/Agents/Webhook/Explode", auth: bearer(e.token), accept: "application/xml"}, 404, "NotFound", nil},
		{"wrong method", req{method: "PATCH", path: "/api/v1/Webhook/1", auth: bearer(e.token), accept: "text/xml"}, 405, "MethodNotAllowed", nil},
	} {
		a := e.do(t, tc.r)
		var ei errorInfo
		if err := xml.Unmarshal(a.body, &ei); err != nil || a.status != tc.status || ei.XMLName.Local != "ErrorInfo" ||
			ei.ErrorType != tc.typ || ei.Error == "" || ei.ErrorSource == "" {
			t.Errorf("%s: %d %s (%v), want %d <ErrorInfo> of %s", tc.name, a.status, a.body, err, tc.status, tc.typ)
			continue
		}
		if ct, want := a.header.Get("Content-Type"), tc.r.accept+"; charset=utf-8"; ct != want {
			t.Errorf("%s: Content-Type %q, want %q", tc.name, ct, want)
		}
		var got []string
		for _, f := range ei.Fields {
			got = append(got, f.Field)
			if f.Message == "" || !strings.Contains(ei.Error, f.Field+": "+f.Message) {
				t.Errorf("%s: field %s: message %q is not in Error %q", tc.name, f.Field, f.Message, ei.Error)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.fields) {
			t.Errorf("%s: fields %v, want %v", tc.name, got, tc.fields)
		}
	}
}

// TestTextJSON: a text/json body is read as JSON, and Accept text/json
// (or text/*) answers JSON labelled text/json, errors included.
func TestTextJSON(t *testing.T) {
	t.Parallel()
	e := setup(t, true)
	rcv := newReceiver(t)
	for _, accept := range []string{"text/json", "text/*"} {
		a := e.ok(t, req{method: "POST", path: "/api/v1/Agents/Webhook/SaveWebhook", contentType: "text/json; charset=utf-8", accept: accept,
			body: `{"Name": "text", "Events": ["contact.created"], "TargetUrl": "` + rcv.srv.URL + `"}`}, http.StatusOK, nil)
		var w webhook
		if err := json.Unmarshal(a.body, &w); err != nil || w.WebhookID == 0 || w.Name != "text" {
			t.Errorf("Accept %s: %s (%v)", accept, a.body, err)
		}
		if ct := a.header.Get("Content-Type"); ct != "text/json; charset=utf-8" {
			t.Errorf("Accept %s: Content-Type %q, want text/json; charset=utf-8", accept, ct)
		}
	}
	a := e.do(t, req{method: "POST", path: "/api/v1/Agents/Webhook/SaveWebhook", auth: bearer(e.token), contentType: "text/json", accept: "text/json",
		body: `{"Name": 1}`})
	var se soError
	if err := json.Unmarshal(a.body, &se); err != nil || a.status != http.StatusBadRequest || se.ErrorType != "ValidationError" ||
		a.header.Get("Content-Type") != "text/json; charset=utf-8" {
		t.Errorf("error: %d %q %s (%v)", a.status, a.header.Get("Content-Type"), a.body, err)
	}
}

// TestTestCallError: a test call that gets no answer says why in the
// receiver's terms, without hookhub's network details: no resolver
// address ("lookup … on 10.0.0.53:53") and no dial trace ("dial tcp …").
func TestTestCallError(t *testing.T) {
	t.Parallel()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	for _, tc := range []struct {
		private bool
		target  string
		want    string
	}{
		// .invalid never resolves (RFC 6761); the reason after the name
		// depends on the machine's resolver.
		{false, "https://hookhub-test.invalid/hook", "it got no answer: lookup hookhub-test.invalid: "},
		{true, closed.URL + "/hook", "it got no answer: connection refused"},
	} {
		e := setup(t, tc.private)
		for _, call := range []struct {
			path   string
			status int
		}{{"/api/v1/Agents/Webhook/SaveWebhook", 400}, {"/api/v1/Agents/Webhook/TestWebhook", 200}} {
			a := e.ok(t, req{method: "POST", path: call.path, body: `{"Events": ["contact.created"], "TargetUrl": "` + tc.target + `"}`}, call.status, nil)
			text := string(a.body)
			if !strings.Contains(text, tc.want) || strings.Contains(text, " on ") || strings.Contains(text, "dial tcp") {
				t.Errorf("%s to %s: %s, want %q and no network details", call.path, tc.target, text, tc.want)
			}
		}
	}
}
