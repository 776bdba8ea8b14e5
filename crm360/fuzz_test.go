package crm360

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/textcheck"
)

// The fuzz targets of QueueProcess's decoders. Their seed corpora are in
// testdata/fuzz/<target>; go test replays them. To fuzz one for longer:
//
//	go test ./crm360 -run '^$' -fuzz '^FuzzParseParams$' -fuzztime 5m -parallel 1

// FuzzParseParams checks that no query makes ParseParams panic, that what
// it accepts holds only text that can be stored, and that an accepted
// query names a route.
func FuzzParseParams(f *testing.F) {
	f.Fuzz(func(t *testing.T, rawQuery string) {
		p, err := ParseParams(rawQuery)
		if err != nil {
			return
		}
		if p.Route == nil {
			t.Fatalf("ParseParams(%q) accepted a query without a route", rawQuery)
		}
		if e := textcheck.Stored(p); e != nil {
			t.Fatalf("ParseParams(%q) accepted text that cannot be stored: %v", rawQuery, e)
		}
	})
}

// FuzzDecode checks that no body of any route, JSON or form, makes Decode
// (or the core's checks of what it decodes) panic, and that the changes it
// accepts hold only text that can be stored.
func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, route uint8, batch, form bool, extra string, body []byte) {
		r := Routes[int(route)%len(Routes)]
		q, _ := url.ParseQuery(extra)
		if textcheck.Values(q) != nil {
			return // ParseParams refuses it first
		}
		p := &Params{Route: r, BatchMode: batch, Extra: q, Store: "1", Currency: "EUR"}
		header := http.Header{"Content-Type": {"application/json"}}
		if form {
			header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		ops, err := Decode(p, header, body)
		if err != nil {
			return
		}
		if e := textcheck.Stored(ops); e != nil {
			t.Fatalf("Decode(%s %s %s, %q) accepted text that cannot be stored: %v", r.Platform, r.Entity, r.Action, body, e)
		}
		_ = precheck(&hookhub.Integration{ID: 1, TenantID: "ten_1"}, p, ops)
	})
}
