package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hookhub/hookhub/hookhubtest/golden"
)

// pinnedRequest is one request whose whole answer is pinned.
type pinnedRequest struct {
	name, path, contentType, idemKey, body string
}

// publishRequests are bodies of every kind the publish routes must answer
// the same way however the routes decode and check them: malformed JSON,
// wrong types, missing and unknown members, members that differ from a
// known one only in case or escapes, text that cannot be stored, bad
// headers and content types, and good bodies.
func publishRequests() []pinnedRequest {
	const ev, batch = "/v1/events", "/v1/events/batch"
	long := strings.Repeat("k", 241)
	wide := strings.Repeat("é", 240) // 240 characters, 480 bytes
	reqs := []pinnedRequest{
		{name: "ok", path: ev, body: `{"type":"contact.created","entity_type":"contact","entity_id":"42","app_id":"app","data":{"id":42,"name":"Ann"},"modified_fields":["name"],"idempotency_key":"k1"}`},
		{name: "ok again (duplicate)", path: ev, body: `{"type":"contact.created","data":{"id":42},"idempotency_key":"k1"}`},
		{name: "ok with spaces", path: ev, body: " \n{ \"type\" : \"contact.created\" ,\t\"data\" : [1, 2, {\"a\": null}] }\n"},
		{name: "ok escaped strings", path: ev, body: `{"type":"contact.created","entity_id":"a\"b\\c\u00e9\ud83d\ude00","data":"x\n"}`},
		{name: "ok escaped member name", path: ev, body: `{"\u0074ype":"contact.created","data":1}`},
		{name: "ok header key", path: ev, idemKey: "hk1", body: `{"type":"contact.created","data":1}`},
		{name: "ok empty modified_fields", path: ev, body: `{"type":"contact.created","data":1,"modified_fields":[]}`},
		{name: "no content type", path: ev, contentType: "-", body: `{"type":"contact.created","data":2}`},
		{name: "json with charset", path: ev, contentType: "application/json; charset=utf-8", body: `{"type":"contact.created","data":3}`},
		{name: "empty body", path: ev, body: ``},
		{name: "malformed JSON", path: ev, body: `{"type": "contact.created", "data": {`},
		{name: "not JSON", path: ev, body: `hello`},
		{name: "trailing garbage", path: ev, body: `{"type":"contact.created","data":1} x`},
		{name: "two values", path: ev, body: `{"type":"contact.created","data":1}{}`},
		{name: "array body", path: ev, body: `[]`},
		{name: "string body", path: ev, body: `"x"`},
		{name: "null body", path: ev, body: `null`},
		{name: "number body", path: ev, body: `5`},
		{name: "empty object", path: ev, body: `{}`},
		{name: "no type", path: ev, body: `{"data":1}`},
		{name: "no data", path: ev, body: `{"type":"contact.created"}`},
		{name: "type is a number", path: ev, body: `{"type": 5, "data": 1}`},
		{name: "type is null", path: ev, body: `{"type": null, "data": 1}`},
		{name: "type is an object", path: ev, body: `{"type": {"a":1}, "data": 1}`},
		{name: "type is empty", path: ev, body: `{"type": "", "data": 1}`},
		{name: "unknown type", path: ev, body: `{"type": "order.shipped", "data": 1}`},
		{name: "badly named type", path: ev, body: `{"type": "Order Shipped", "data": 1}`},
		{name: "entity_id is a number", path: ev, body: `{"type":"contact.created","data":1,"entity_id":42}`},
		{name: "app_id is true", path: ev, body: `{"type":"contact.created","data":1,"app_id":true}`},
		{name: "entity_type is null", path: ev, body: `{"type":"contact.created","data":1,"entity_type":null}`},
		{name: "idempotency_key is a number", path: ev, body: `{"type":"contact.created","data":1,"idempotency_key":7}`},
		{name: "modified_fields is a string", path: ev, body: `{"type":"contact.created","data":1,"modified_fields":"name"}`},
		{name: "modified_fields holds a number", path: ev, body: `{"type":"contact.created","data":1,"modified_fields":["a",1]}`},
		{name: "modified_fields is null", path: ev, body: `{"type":"contact.created","data":1,"modified_fields":null}`},
		{name: "data is null", path: ev, body: `{"type":"contact.created","data":null}`},
		{name: "unknown member", path: ev, body: `{"type":"contact.created","data":1,"extra":1}`},
		{name: "member in another case", path: ev, body: `{"Type":"contact.created","data":1}`},
		{name: "member in another case too", path: ev, body: `{"type":"contact.created","DATA":1}`},
		{name: "duplicate member", path: ev, body: `{"type":"nope","type":"contact.created","data":1}`},
		{name: "many problems", path: ev, body: `{"type":5,"entity_id":1,"extra":true}`},
		{name: "NUL in data", path: ev, body: `{"type":"contact.created","data":{"x":"a\u0000b"}}`},
		{name: "NUL in type", path: ev, body: `{"type":"contact.\u0000created","data":1}`},
		{name: "not UTF-8 in data", path: ev, body: "{\"type\":\"contact.created\",\"data\":{\"x\":\"a\xffb\"}}"},
		{name: "not UTF-8 outside strings", path: ev, body: "{\"type\":\"contact.created\",\"data\":1}\xff"},
		{name: "lone surrogate in data", path: ev, body: `{"type":"contact.created","data":{"x":["ok","\ud800"]}}`},
		{name: "lone low surrogate", path: ev, body: `{"type":"contact.created","data":"\udc00"}`},
		{name: "NUL in a member name", path: ev, body: `{"type":"contact.created","data":{"a\u0000":1}}`},
		{name: "NUL and a wrong type", path: ev, body: `{"type":5,"data":"\u0000"}`},
		{name: "bad Idempotency-Key", path: ev, idemKey: "k\xffey", body: `{"type":"contact.created","data":1}`},
		{name: "text/plain", path: ev, contentType: "text/plain", body: `{"type":"contact.created","data":1}`},
		{name: "xml", path: ev, contentType: "application/xml", body: `<event/>`},
		{name: "malformed content type", path: ev, contentType: "application/json; =", body: `{"type":"contact.created","data":1}`},
		{name: "over the limit", path: ev, body: `{"type":"contact.created","data":"` + strings.Repeat("x", 5000) + `"}`},

		{name: "batch ok", path: batch, body: `{"type":"contact.created","entities":[{"id":1},{"id":2}],"entity_type":"contact","app_id":"a","idempotency_key":"b1"}`},
		{name: "batch wide key", path: batch, body: `{"type":"contact.created","entities":[1],"idempotency_key":"` + wide + `"}`},
		{name: "batch key too long", path: batch, body: `{"type":"contact.created","entities":[1],"idempotency_key":"` + long + `"}`},
		{name: "batch no entities", path: batch, body: `{"type":"contact.created","entities":[]}`},
		{name: "batch entities missing", path: batch, body: `{"type":"contact.created"}`},
		{name: "batch entities null", path: batch, body: `{"type":"contact.created","entities":null}`},
		{name: "batch entities an object", path: batch, body: `{"type":"contact.created","entities":{"a":1}}`},
		{name: "batch type a number", path: batch, body: `{"type":1,"entities":[1]}`},
		{name: "batch unknown member", path: batch, body: `{"type":"contact.created","entities":[1],"more":[]}`},
		{name: "batch not JSON", path: batch, body: `{"type": "contact.created", "entities": [`},
		{name: "batch NUL in an entity", path: batch, body: `{"type":"contact.created","entities":[1,{"n":"\u0000"}]}`},
		{name: "batch text/plain", path: batch, contentType: "text/plain", body: `{"type":"contact.created","entities":[1]}`},
	}
	return reqs
}

// TestPublishAnswersPinned pins the whole answer (status, Content-Type and
// body) of the publish routes to every request of publishRequests, as
// recorded in testdata/publish_answers.golden (go test -run
// TestPublishAnswersPinned -update rewrites it). Requests are sent in order
// to one fresh server, so ids are the same on every run.
func TestPublishAnswersPinned(t *testing.T) {
	t.Parallel()
	e := setup(t, options{maxBody: 4096})
	var got strings.Builder
	for _, r := range publishRequests() {
		req, err := http.NewRequest("POST", e.url+r.path, strings.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		switch r.contentType {
		case "":
			req.Header.Set("Content-Type", "application/json")
		case "-":
		default:
			req.Header.Set("Content-Type", r.contentType)
		}
		if r.idemKey != "" {
			req.Header.Set("Idempotency-Key", r.idemKey)
		}
		req.Header.Set("Authorization", "Bearer "+e.a)
		status, h, b := send(t, req)
		fmt.Fprintf(&got, "== %s\n%d %s\n%s\n", r.name, status, h.Get("Content-Type"), strings.TrimSuffix(string(b), "\n"))
	}
	golden.Compare(t, "testdata/publish_answers.golden", got.String())
}
