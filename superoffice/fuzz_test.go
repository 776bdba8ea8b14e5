package superoffice

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"reflect"
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
// write it, reads back as the same value.
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
		if got := doc["Properties"]; !reflect.DeepEqual(got, v) {
			t.Fatalf("%s written as %s reads back as %#v, want %#v", data, x.b.Bytes(), got, v)
		}
	})
}
