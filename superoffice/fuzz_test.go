package superoffice

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/hookhub/hookhub/textcheck"
)

// The fuzz targets of the decoders of SuperOffice's bodies. Their seed
// corpora are in testdata/fuzz/<target>; go test replays them. To fuzz
// one for longer:
//
//	go test ./superoffice -run '^$' -fuzz '^FuzzReadBody$' -fuzztime 5m -parallel 1

// FuzzReadBody checks that no body, JSON or XML or form, makes readBody
// panic, and that what it accepts holds only text that can be stored.
func FuzzReadBody(f *testing.F) {
	f.Fuzz(func(t *testing.T, contentType string, data []byte) {
		r := httptest.NewRequest("POST", "/api/v1/Webhook", bytes.NewReader(data))
		r.Header.Set("Content-Type", contentType)
		b, err := readBody(r)
		if err != nil {
			return
		}
		if e := textcheck.Stored(b.v); e != nil {
			t.Fatalf("readBody(%q, %q) accepted text that cannot be stored: %v", contentType, data, e)
		}
	})
}

// FuzzXML checks that no XML document makes the XML reader panic, and that
// what it accepts holds only text that can be stored.
func FuzzXML(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		root, err := parseXML(data)
		if err != nil {
			return
		}
		doc, err := root.document()
		if err != nil {
			return
		}
		if e := textcheck.Stored(doc); e != nil {
			t.Fatalf("parseXML(%q) accepted text that cannot be stored: %v", data, e)
		}
	})
}

// FuzzXMLProperties checks the round trip of a webhook's free-form
// Properties: any JSON value hookhub accepts, written as the XML answers
// write it, reads back as the same value, but for the control characters
// XML 1.0 cannot carry at all (U+0001 to U+001F but tab, line feed and
// carriage return), which the XML answers write as U+FFFD.
func FuzzXMLProperties(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) || textcheck.JSON(data) != nil {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) != nil {
			return
		}
		if b, _ := json.Marshal(xmlText(v)); !bytes.Equal(b, mustMarshal(v)) && !sameKeys(v, xmlText(v)) {
			return // two member names XML cannot carry would read as one
		}
		x := newXMLWriter()
		x.open("Webhook")
		x.value("Properties", v)
		x.close("Webhook")
		root, err := parseXML(x.b.Bytes())
		if err != nil {
			t.Fatalf("%s written as %s does not read back: %v", data, x.b.Bytes(), err)
		}
		doc, err := root.document()
		if err != nil {
			t.Fatalf("%s written as %s does not read back: %v", data, x.b.Bytes(), err)
		}
		if got, want := doc["Properties"], xmlText(v); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s written as %s reads back as %#v, want %#v", data, x.b.Bytes(), got, want)
		}
	})
}

// xmlText is v with the characters XML 1.0 cannot carry replaced by U+FFFD,
// in its strings and member names.
func xmlText(v any) any {
	fix := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xfffe || r == 0xffff {
				return '\uFFFD'
			}
			return r
		}, s)
	}
	switch v := v.(type) {
	case string:
		return fix(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = xmlText(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[fix(k)] = xmlText(e)
		}
		return out
	}
	return v
}

func mustMarshal(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// sameKeys reports whether a and b (b is xmlText of a) have as many members
// in each object.
func sameKeys(a, b any) bool {
	switch a := a.(type) {
	case []any:
		for i := range a {
			if !sameKeys(a[i], b.([]any)[i]) {
				return false
			}
		}
	case map[string]any:
		bm := b.(map[string]any)
		if len(a) != len(bm) {
			return false
		}
		for k, v := range a {
			if w, ok := bm[k]; ok && !sameKeys(v, w) {
				return false
			}
		}
	}
	return true
}
