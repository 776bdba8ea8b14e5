package tilby

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/hookhub/hookhub/textcheck"
)

// FuzzDecodeWebhook checks that no body makes the decoder of a webhook's
// create panic, that what it accepts holds only text that can be stored,
// and that what it reads, written again as JSON, reads back the same. Its
// seed corpus is in testdata/fuzz/FuzzDecodeWebhook; go test replays it.
// To fuzz for longer:
//
//	go test ./tilby -run '^$' -fuzz '^FuzzDecodeWebhook$' -fuzztime 5m -parallel 1
func FuzzDecodeWebhook(f *testing.F) {
	read := func(body []byte) (*webhookIn, []string, error) {
		in, p, err := decodeWebhook(httptest.NewRequest("POST", "/v2/webhooks", bytes.NewReader(body)))
		var fields []string
		for _, f := range p {
			fields = append(fields, f.Field)
		}
		return in, fields, err
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		in, problems, err := read(body)
		if err != nil {
			return
		}
		if e := textcheck.Stored(in); e != nil {
			t.Fatalf("decodeWebhook(%q) accepted text that cannot be stored: %v", body, e)
		}
		if len(problems) > 0 {
			return
		}
		again, _ := json.Marshal(in)
		in2, problems2, err := read(again)
		if err != nil || len(problems2) > 0 || !reflect.DeepEqual(in, in2) {
			t.Fatalf("decodeWebhook(%q) = %+v, but written again as %s it reads %+v, %v, %v", body, in, again, in2, problems2, err)
		}
	})
}
