package thiio

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/hookhub/hookhub/textcheck"
)

// FuzzDecode checks that no body makes the decoder panic, that every
// answer is the guide's JSON (a payload accepted is echoed as data, a
// refusal has a 4xx status and an err), and that what the decoder accepts
// the core accepts too: its RecordChange, normalized as the service does,
// passes Validate, so that no accepted payload fails when it is saved;
// and that an accepted payload holds only text that can be stored. Its
// seed corpus is in testdata/fuzz/FuzzDecode (and below); go test replays
// it. To fuzz for longer:
//
//	go test ./thiio -run '^$' -fuzz '^FuzzDecode$' -fuzztime 5m -parallel 1
func FuzzDecode(f *testing.F) {
	f.Add([]byte(Sample))
	for _, seed := range []string{
		``, `null`, `[]`, `"order"`, `{}`, `{"event":"customer"}`, `{"event": "order", "order": []}`,
		`{"event":"order","order":{"items":[null,1,"x",{"price":{}}],"date":"2024-02-29 23:59:59","id":1e400}}`,
		`{"contact":{"email":"\u0000@x"},"phone":{"number":-0.0,"country":"ÜÜÜÜ"},"billing_address":[1]}`,
		`{"event":"order","source":"s","contact":{"first_name":"a","last_name":"b","email":"a@b.c"},"phone":{"number":1},` +
			`"order":{"id":"1","type":"void","user_id":"u","date":"0000-01-01 0:0:0","total":"-0.5","items":[{}]}}`,
		`{"event":"order","source":"s","contact":{"first_name":"a","last_name":"b","email":"a@b.c"},"phone":{"number":1},` +
			`"order":{"id":"1","type":"void","user_id":"u","date":"0001-01-01 00:00:00","total":"-0.5","items":[{}]}}`,
		`{"event":"customer","source":" s ","contact":{"first_name":"a","last_name":"b","email":" a@b.c "},"phone":{"number":" 1 ","country":" ß "},` +
			`"billing_address":{"state":"ǆǆ","country":"ﬀ","zip_code":12345678901234567890}}`,
	} {
		f.Add([]byte(seed))
	}
	header := http.Header{"Content-Type": {"application/json"}}
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := Kind{}.Decode(header, body)
		ans := Kind{}.Answer(body, err)
		var got struct {
			Success *bool           `json:"success"`
			Msg     string          `json:"msg"`
			Err     string          `json:"err"`
			Data    json.RawMessage `json:"data"`
		}
		if e := json.Unmarshal(ans.Body, &got); e != nil || got.Success == nil {
			t.Fatalf("answer %q is not the guide's JSON: %v", ans.Body, e)
		}
		if err == nil {
			if d == nil || d.Value.(*payload).Contact == nil || !*got.Success || ans.Status != 200 || !json.Valid(got.Data) {
				t.Fatalf("accepted %q: decoded %+v, answer %d %s", body, d, ans.Status, ans.Body)
			}
			p := d.Value.(*payload)
			if e := textcheck.Stored(p); e != nil {
				t.Fatalf("accepted %q, whose %v", body, e)
			}
			if p.Event == EventOrder && (p.Order == nil || len(p.Order.Items) == 0) {
				t.Fatalf("accepted an order event without an order or items: %q", body)
			}
			ch := p.change(1)
			ch.Contact.Normalize() // as service.SaveRecords does before it validates
			if err := ch.Validate(); err != nil {
				t.Fatalf("accepted %q, but the core refuses it: %v", body, err)
			}
			return
		}
		if *got.Success || ans.Status < 400 || ans.Status >= 500 || got.Err == "" || got.Msg != "an error occurred" {
			t.Fatalf("refused %q with %d %s", body, ans.Status, ans.Body)
		}
	})
}
