package thiio

import (
	"encoding/json"
	"net/http"
	"testing"
)

// FuzzDecode checks that no body makes the decoder panic, and that every
// answer is the guide's JSON: a payload accepted is echoed as data, a
// refusal has a 4xx status and an err.
//
//	go test ./thiio -run '^$' -fuzz FuzzDecode -fuzztime 30s
func FuzzDecode(f *testing.F) {
	f.Add([]byte(Sample))
	for _, seed := range []string{
		``, `null`, `[]`, `"order"`, `{}`, `{"event":"customer"}`, `{"event": "order", "order": []}`,
		`{"event":"order","order":{"items":[null,1,"x",{"price":{}}],"date":"2024-02-29 23:59:59","id":1e400}}`,
		`{"contact":{"email":"\u0000@x"},"phone":{"number":-0.0,"country":"ÜÜÜÜ"},"billing_address":[1]}`,
		`{"event":"order","source":"s","contact":{"first_name":"a","last_name":"b","email":"a@b.c"},"phone":{"number":1},` +
			`"order":{"id":"1","type":"void","user_id":"u","date":"0000-01-01 0:0:0","total":"-0.5","items":[{}]}}`,
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
			if p := d.Value.(*payload); p.Event == EventOrder && (p.Order == nil || len(p.Order.Items) == 0) {
				t.Fatalf("accepted an order event without an order or items: %q", body)
			}
			return
		}
		if *got.Success || ans.Status < 400 || ans.Status >= 500 || got.Err == "" || got.Msg != "an error occurred" {
			t.Fatalf("refused %q with %d %s", body, ans.Status, ans.Body)
		}
	})
}
