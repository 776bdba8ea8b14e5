package hookhub_test

import (
	"strings"
	"testing"

	"github.com/hookhub/hookhub"
)

// ValidateDecoded answers as Validate does for every event whose data is
// valid JSON or empty: it only leaves out reading the data.
func TestValidateDecoded(t *testing.T) {
	events := []hookhub.Event{
		{Type: "contact.created", Data: []byte(`{"id":1}`)},
		{Type: "contact.created"},
		{Type: "Contact", Data: []byte(`1`)},
		{Type: "contact.created", Data: []byte(`"` + strings.Repeat("x", hookhub.MaxEventData) + `"`)},
		{Type: "contact.created", Data: []byte(`null`), AppID: "no spaces allowed", EntityType: strings.Repeat("t", 129)},
		{Type: "", Data: []byte(`[]`), EntityID: strings.Repeat("i", 256), IdempotencyKey: strings.Repeat("k", 256), ModifiedFields: make([]string, 501)},
		{Type: "contact.created", Data: []byte(`1`), Channels: []string{""}},
	}
	for _, e := range events {
		want, got := e.Validate(), e.ValidateDecoded()
		if (got == nil) != (want == nil) || got != nil && got.Error() != want.Error() {
			t.Errorf("ValidateDecoded(%.60q) = %v, Validate %v", e.Data, got, want)
		}
	}
	bad := hookhub.Event{Type: "contact.created", Data: []byte(`{"a":`)}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "data: must be valid JSON") {
		t.Errorf("Validate of data that is not JSON: %v", err)
	}
	if err := bad.ValidateDecoded(); err != nil {
		t.Errorf("ValidateDecoded reads the data again: %v", err)
	}
}
