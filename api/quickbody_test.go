package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
)

// quickEnv is the API's registry and the publish routes' body schemas, as
// huma validates them.
func quickEnv(t testing.TB) (huma.Registry, map[reflect.Type]*huma.Schema) {
	t.Helper()
	api := Register(http.NewServeMux(), nil, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	doc := api.OpenAPI()
	return doc.Components.Schemas, map[reflect.Type]*huma.Schema{
		reflect.TypeFor[eventPublishJSON](): doc.Paths["/v1/events"].Post.RequestBody.Content["application/json"].Schema,
		reflect.TypeFor[batchPublishJSON](): doc.Paths["/v1/events/batch"].Post.RequestBody.Content["application/json"].Schema,
	}
}

// TestQuickBody checks which bodies the quick check takes: the common
// shapes, and nothing it cannot be sure huma's validation would pass.
func TestQuickBody(t *testing.T) {
	quickEnv(t)
	for _, tt := range []struct {
		body  string
		quick bool
	}{
		{`{"type":"contact.created","data":{"id":1}}`, true},
		{` { "type" : "contact.created" , "entity_id" : "4\"2" , "data" : [1, "]", {"a": "}"}] } `, true},
		{`{"type":"contact.created","app_id":"a","entity_type":"contact","entity_id":"1","idempotency_key":"k","modified_fields":["a","b"],"data":null}`, true},
		{`{"type":"contact.created","modified_fields":[],"data":"x"}`, true},
		{`{"type":"contact.created"}`, false},                                 // data is required
		{`{"data":1}`, false},                                                 // type is required
		{`{"type":5,"data":1}`, false},                                        // not a string
		{`{"type":null,"data":1}`, false},                                     // null
		{`{"type":"contact.created","entity_id":null,"data":1}`, false},       // null, which huma takes
		{`{"type":"contact.created","modified_fields":null,"data":1}`, false}, // null
		{`{"type":"contact.created","modified_fields":[1],"data":1}`, false},
		{`{"type":"contact.created","data":1,"extra":1}`, false},  // unknown
		{`{"Type":"contact.created","data":1}`, false},            // another case
		{`{"\u0074ype":"contact.created","data":1}`, false},       // an escape in a name
		{`{"type":"a","type":"contact.created","data":1}`, false}, // twice
		{`{"type":"contact.created","data":1} x`, false},          // trailing text
		{`{"type":"contact.created","data":{"a":tru}}`, false},    // not JSON inside data
		{`{"type":"contact.created","data":"\u0000"}`, false},     // text that cannot be stored
		{`[]`, false},
		{``, false},
	} {
		var b eventPublishJSON
		decodeQuick([]byte(tt.body), &b)
		if b.checked != tt.quick {
			t.Errorf("quick(%s) = %v, want %v", tt.body, b.checked, tt.quick)
		}
		if tt.body != "" && b.checked == (b.raw != nil) {
			t.Errorf("quick(%s): checked %v, kept %q", tt.body, b.checked, b.raw)
		}
	}
	long, wide := strings.Repeat("k", 241), strings.Repeat("é", 120)
	for _, tt := range []struct {
		body  string
		quick bool
	}{
		{`{"type":"contact.created","entities":[{"id":1},2,"x"],"idempotency_key":"` + long[:240] + `"}`, true},
		{`{"type":"contact.created","entities":[1],"idempotency_key":"` + long + `"}`, false},
		{`{"type":"contact.created","entities":[1],"idempotency_key":"` + wide + `"}`, true},   // 240 bytes
		{`{"type":"contact.created","entities":[1],"idempotency_key":"` + wide + `é"}`, false}, // over 240 bytes: left to huma
		{`{"type":"contact.created","entities":{"a":1}}`, false},
		{`{"type":"contact.created","entities":null}`, false},
	} {
		var b batchPublishJSON
		decodeQuick([]byte(tt.body), &b)
		if b.checked != tt.quick {
			t.Errorf("quick(%s) = %v, want %v", tt.body, b.checked, tt.quick)
		}
	}
}

// FuzzQuickBody checks that a body the quick check takes is one huma's
// validation passes, decoded as huma decodes it.
//
//	go test ./api -run '^$' -fuzz FuzzQuickBody -fuzztime 60s -parallel 1
func FuzzQuickBody(f *testing.F) {
	registry, schemas := quickEnv(f)
	for _, s := range []string{
		`{"type":"contact.created","data":{"id":1}}`,
		`{"type":"contact.created","entity_id":"4\"2\u00e9","modified_fields":["a"],"data":[1,"]",{"a":"}"}]}`,
		`{"type":"contact.created","entities":[{"id":1},2],"idempotency_key":"k"}`,
		`{"type":"contact.created","app_id":null,"data":1,"extra":2}`,
		`{"type":"contact.created","data":null,"modified_fields":[]}`,
		` {"entities": [ ], "type" : "a\nb"} `,
		`{"type":"x","entities":[null, "a\"]", {"b":[1,{}]}, -1.5e3 ,true]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		quickAgrees[eventPublishJSON](t, registry, schemas, body)
		quickAgrees[batchPublishJSON](t, registry, schemas, body)
	})
}

func quickAgrees[T any, P interface {
	*T
	quicker
}](t *testing.T, registry huma.Registry, schemas map[reflect.Type]*huma.Schema, body []byte) {
	var quick T
	decodeQuick(body, P(&quick))
	if !P(&quick).quick().checked {
		return
	}
	var parsed any
	if err := unmarshalJSON(body, &parsed); err != nil {
		t.Fatalf("quick check took %q, which huma refuses: %v", body, err)
	}
	res := &huma.ValidateResult{}
	pb := huma.NewPathBuffer(make([]byte, 0, 128), 0)
	pb.Push("body")
	huma.Validate(registry, schemas[reflect.TypeFor[T]()], pb, huma.ModeWriteToServer, parsed, res)
	if len(res.Errors) > 0 {
		t.Fatalf("quick check took %q, which huma's validation refuses: %v", body, res.Errors)
	}
	var slow T
	if err := unmarshalJSON(body, &slow); err != nil {
		t.Fatalf("quick check took %q, which does not decode: %v", body, err)
	}
	*P(&quick).quick() = quickBody{}
	if !reflect.DeepEqual(quick, slow) {
		t.Fatalf("quick check decoded %q as %+v, huma as %+v", body, quick, slow)
	}
}

// BenchmarkPublishBody measures the body work of one POST /v1/events with
// about 1 KB of data, on its own: "huma" is what huma does for a route
// that validates its body (decode into any, validate against the schema,
// decode into the struct), "quick" what the publish routes do now.
func BenchmarkPublishBody(b *testing.B) {
	registry, schemas := quickEnv(b)
	schema := schemas[reflect.TypeFor[eventPublishJSON]()]
	for name, data := range publishData() {
		body := []byte(`{"type":"contact.created","entity_type":"contact","entity_id":"42","modified_fields":["name","email"],"data":` + data + `}`)
		b.Run(name+"/huma", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for range b.N {
				var parsed any
				if err := unmarshalJSON(body, &parsed); err != nil {
					b.Fatal(err)
				}
				res := &huma.ValidateResult{}
				pb := huma.NewPathBuffer(make([]byte, 0, 128), 0)
				pb.Push("body")
				huma.Validate(registry, schema, pb, huma.ModeWriteToServer, parsed, res)
				var in eventPublishJSON
				if len(res.Errors) > 0 || unmarshalJSON(body, &in) != nil {
					b.Fatal(res.Errors)
				}
			}
		})
		b.Run(name+"/quick", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for range b.N {
				var in eventPublishJSON
				decodeQuick(body, &in)
				if !in.checked {
					b.Fatal("not quick")
				}
			}
		})
	}
}

// publishData is about 1 KB of event data in two shapes: "pad", what
// hookhub bench sends (a few members and one long string), and "record", a
// CRM contact of 40 members.
func publishData() map[string]string {
	var rec strings.Builder
	rec.WriteString(`{"id":12345,"kind":"contact"`)
	for i := 0; rec.Len() < 1000; i++ {
		fmt.Fprintf(&rec, `,"field_%02d":"value number %d of the contact","n_%02d":%d`, i, i, i, i*7)
	}
	rec.WriteString(`,"tags":["a","b","c"],"address":{"street":"Main St 1","city":"Oslo","zip":"0150"}}`)
	return map[string]string{
		"pad":    `{"seq":1,"sent":1764690000000000000,"pad":"` + strings.Repeat("x", 980) + `"}`,
		"record": rec.String(),
	}
}

// FuzzPublishData checks what the publish handler relies on when it
// publishes with PublishDecoded, which does not read the data again: any
// body h.checkBody lets through, by the quick check or by huma's, holds
// data that is valid JSON, or none.
//
//	go test ./api -run '^$' -fuzz FuzzPublishData -fuzztime 60s -parallel 1
func FuzzPublishData(f *testing.F) {
	h := &handlers{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	h.routes(humago.New(http.NewServeMux(), config()))
	for _, s := range []string{
		`{"type":"contact.created","data":{"id":1}}`,
		`{"type":"contact.created","data":[1,"]",{"a":"}"}],"entity_id":"x"}`,
		`{"type":"contact.created","data":{"a":}}`,
		`{"type":"contact.created","data":[1,]}`,
		`{"type":"contact.created","data":tru}`,
		`{"type":"contact.created","data":01}`,
		`{"type":"contact.created","data":1.}`,
		`{"type":"contact.created","data":"\x"}`,
		`{"type":"contact.created","data":{]}`,
		`{"type":"contact.created","data":{"a" 1}}`,
		`{"type":"contact.created","data":{"a":1}`,
		`{"type":"contact.created","data":"a}`,
		`{"type":"contact.created","data":-}`,
		`{"type":"contact.created","data":nul}`,
		`{"type":"contact.created","data":null,"extra":{"a":}}`,
		`{"type":"contact.created","data":1,"Data":{"a":}}`,
		`{"type":"contact.created","data":"\u0000"}`,
		"{\"type\":\"contact.created\",\"data\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var in eventPublishJSON
		decodeQuick(body, &in)
		if h.checkBody(context.Background(), &in) != nil {
			return
		}
		if e := in.event(); len(e.Data) > 0 && !json.Valid(e.Data) {
			t.Fatalf("the handler takes %q, whose data %q is not JSON", body, e.Data)
		}
	})
}
