package textcheck

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

func TestJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body, field, reason string
	}{
		{`{"a":"x"}`, "", ""},
		{`{"a":"\u00e9\ud83d\ude00 ok\n"}`, "", ""},
		{`{"a":"é"}`, "", ""},
		{`{"a":[1,true,null,{"b":"x\u0000"}]}`, "a[3].b", NUL},
		{`{"contact":{"email":"a\u0000@b.c"}}`, "contact.email", NUL},
		{"{\"name\":\"a\xffb\"}", "name", BadUTF8},
		{"{\"name\":\"a\xc3\"}", "name", BadUTF8},
		{`{"x":"\ud800"}`, "x", Surrogate},
		{`{"x":"\udc00\ud800"}`, "x", Surrogate},
		{`{"x":"\ud800\u0041"}`, "x", Surrogate},
		{`"\u0000"`, "body", NUL},
		{`["a","b\u0000"]`, "[1]", NUL},
		{`{"a\u0000b":1}`, `"a\x00b"`, "(a member name) " + NUL},
		{"{\"o\":{\"k\xff\":1}}", `o."k\xff"`, "(a member name) " + BadUTF8},
		{`{"a.b":{"c":"\u0000"}}`, "a.b.c", NUL},
		{`{"a":"\u0000"`, "", ""}, // not JSON: the decoder says so
		{` { "a" : [ "x" , "y\u0000" ] } `, "a[1]", NUL},
		// escapes the quick pass must not miss, or must leave to the walk
		{`{"a":"\\u0000"}`, "", ""},
		{`{"a":"\\\u0000"}`, "a", NUL},
		{`{"a":"\uD800"}`, "a", Surrogate},
		{`{"a":"\uDFFF"}`, "a", Surrogate},
		{`{"a":"\uDBFF\uDFFF"}`, "", ""},
		{`{"a":"\ud7ff\ue000\u0001\u00000"}`, "a", NUL},
		{`{"a":"\ud7ff\ue000\u0001"}`, "", ""},
		{"{\"a\":\"x\"}\xff", "", ""}, // not JSON
	} {
		e := JSON([]byte(tc.body))
		if full := walkJSON([]byte(tc.body)); !reflect.DeepEqual(e, full) {
			t.Errorf("JSON(%q) = %v, but the whole walk finds %v", tc.body, e, full)
		}
		if tc.field == "" {
			if e != nil {
				t.Errorf("JSON(%q) = %v, want nil", tc.body, e)
			}
			continue
		}
		if e == nil || e.Field != tc.field || e.Reason != tc.reason {
			t.Errorf("JSON(%q) = %v, want %s: %s", tc.body, e, tc.field, tc.reason)
		}
	}
}

func TestRequest(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest("GET", "/things?name=a%00b", nil)
	if e := Request(r); e == nil || e.Field != "name" || e.Reason != NUL {
		t.Errorf("query: %v", e)
	}
	r = httptest.NewRequest("GET", "/things?na%FFme=x", nil)
	if e := Request(r); e == nil || !strings.Contains(e.Reason, BadUTF8) {
		t.Errorf("query name: %v", e)
	}
	r = httptest.NewRequest("POST", "/things", nil)
	r.Header.Set("Idempotency-Key", "k\xff")
	if e := Request(r, "Idempotency-Key"); e == nil || e.Field != "Idempotency-Key" || e.Reason != BadUTF8 {
		t.Errorf("header: %v", e)
	}
	r = httptest.NewRequest("GET", "/things/a%00", nil)
	if e := Request(r); e == nil || e.Field != "path" {
		t.Errorf("path: %v", e)
	}
	r.Pattern = "GET /things/{id}"
	r.SetPathValue("id", "a\x00")
	if e := Request(r); e == nil || e.Field != "id" || e.Reason != NUL {
		t.Errorf("wildcard: %v", e)
	}
	if e := Request(httptest.NewRequest("GET", "/things/%C3%A9?q=%C3%A9", nil)); e != nil {
		t.Errorf("valid request: %v", e)
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	e := &Error{Field: "a.b", Reason: Surrogate}
	if got, ok := Parse(e.Error()); !ok || *got != *e {
		t.Errorf("Parse(%q) = %v, %v", e.Error(), got, ok)
	}
	if _, ok := Parse("name: is required"); ok {
		t.Error("Parse took another error for a text error")
	}
}

// FuzzJSON checks that the walk never panics on any body, and that a body
// it passes decodes to text that is what was sent: no NUL and no U+FFFD the
// body did not spell out.
//
//	go test ./textcheck -run '^$' -fuzz FuzzJSON -fuzztime 60s -parallel 1
func FuzzJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		e := JSON(body)
		if full := walkJSON(body); !reflect.DeepEqual(e, full) {
			t.Fatalf("JSON(%q) = %v, but the whole walk finds %v", body, e, full)
		}
		var v any
		if json.Unmarshal(body, &v) != nil {
			if e != nil {
				t.Fatalf("JSON(%q) = %v for a body that is not JSON", body, e)
			}
			return
		}
		if e != nil {
			if e.Field == "" || e.Reason == "" || Reason(e.Field) != "" {
				t.Fatalf("JSON(%q) = %#v: no field or reason, or a field that is not text", body, e)
			}
			return
		}
		spelled := bytes.Contains(body, []byte("\uFFFD")) || bytes.Contains(bytes.ToLower(body), []byte(`\ufffd`))
		walk(v, func(s string) {
			if strings.IndexByte(s, 0) >= 0 || (!spelled && strings.ContainsRune(s, '\uFFFD')) {
				t.Fatalf("JSON(%q) passed, but it decodes to %q", body, s)
			}
		})
	})
}

func walk(v any, fn func(string)) {
	switch x := v.(type) {
	case string:
		fn(x)
	case []any:
		for _, e := range x {
			walk(e, fn)
		}
	case map[string]any:
		for k, e := range x {
			fn(k)
			walk(e, fn)
		}
	}
}

func TestStored(t *testing.T) {
	t.Parallel()
	type inner struct {
		Name string
		Raw  json.RawMessage
	}
	type outer struct {
		In    *inner
		List  []inner
		Tags  map[string]string
		Blob  []byte
		Other any
	}
	ok := outer{In: &inner{Name: "é", Raw: json.RawMessage(`{"a":"b"}`)}, Tags: map[string]string{"k": "v"}, Blob: []byte{0, 0xff}, Other: 5}
	if e := Stored(ok); e != nil {
		t.Errorf("Stored(valid) = %v", e)
	}
	for _, tc := range []struct {
		v     outer
		field string
	}{
		{outer{In: &inner{Name: "a\x00"}}, "In.Name"},
		{outer{List: []inner{{}, {Raw: json.RawMessage(`{"a":"\u0000"}`)}}}, "List[1].Raw.a"},
		{outer{Tags: map[string]string{"k": "\xff"}}, `Tags["k"]`},
		{outer{Other: []any{"x", "y\x00"}}, "Other[1]"},
	} {
		if e := Stored(tc.v); e == nil || e.Field != tc.field {
			t.Errorf("Stored(%+v) = %v, want field %s", tc.v, e, tc.field)
		}
	}
}

// BenchmarkJSON checks a body of about 1 KB holding only text that can be
// stored, the common case: "walk" walks it member by member, as JSON did
// for every body before its quick pass, "quick" is JSON.
func BenchmarkJSON(b *testing.B) {
	var body strings.Builder
	body.WriteString(`{"type":"contact.created","data":{"id":12345`)
	for i := 0; body.Len() < 1000; i++ {
		body.WriteString(`,"field_` + strings.Repeat("x", i%5) + `":"a value of the contact, \u00e9\n","n":42`)
	}
	body.WriteString(`}}`)
	data := []byte(body.String())
	for name, fn := range map[string]func([]byte) *Error{"walk": walkJSON, "quick": JSON} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for range b.N {
				if fn(data) != nil {
					b.Fatal("refused")
				}
			}
		})
	}
}
