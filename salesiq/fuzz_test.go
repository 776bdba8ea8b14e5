package salesiq

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"github.com/hookhub/hookhub/textcheck"
)

// FuzzDecode checks that no body makes the decoder of a webhook's create
// or update panic, and that what it accepts holds only text that can be
// stored. Its seed corpus is in testdata/fuzz/FuzzDecode; go test replays
// it. To fuzz for longer:
//
//	go test ./salesiq -run '^$' -fuzz '^FuzzDecode$' -fuzztime 5m -parallel 1
func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		var in webhookIn
		err := decode(httptest.NewRequest("POST", "/api/v2/acme/webhooks", bytes.NewReader(body)), &in)
		if err != nil {
			return
		}
		if e := textcheck.Stored(in); e != nil {
			t.Fatalf("decode(%q) accepted text that cannot be stored: %v", body, e)
		}
	})
}
