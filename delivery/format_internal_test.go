package delivery

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

// TestStandardBodyProperties checks that StandardBody's cached properties
// give the body MergeProperties gives, on the first request and the next
// ones, for properties too long to cache, and that bad properties fail
// every time.
func TestStandardBodyProperties(t *testing.T) {
	e := &hookhub.Event{ID: 1, Type: "contact.created", CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), Data: json.RawMessage(`{"id":1}`)}
	long := `{"z":"` + strings.Repeat("x", maxCachedPropertiesLen) + `","a":1}`
	for _, props := range []string{
		"",
		`{}`,
		`{"account":"acme","type":"not.this","data":null,"timestamp":"never","nested":{"a":[1, 2]} }`,
		`{"b":true,"a":"<&>"}`,
		long,
	} {
		w := &hookhub.Webhook{Properties: json.RawMessage(props)}
		var want bytes.Buffer
		want.WriteString(`{"type":"contact.created","timestamp":"2026-01-02T03:04:05.000000006Z","data":{"id":1}`)
		if err := MergeProperties(&want, w.Properties, "type", "timestamp", "data"); err != nil {
			t.Fatal(err)
		}
		want.WriteByte('}')
		for i := range 3 {
			got, err := StandardBody(w, e)
			if err != nil || !bytes.Equal(got, want.Bytes()) {
				t.Errorf("properties %.40s, request %d: body %.200s (%v), want %.200s", props, i+1, got, err, want.Bytes())
			}
		}
	}
	standardProperties.mu.RLock()
	_, cached := standardProperties.m[long]
	standardProperties.mu.RUnlock()
	if cached {
		t.Errorf("properties of %d bytes were cached", len(long))
	}
	for i := range 2 {
		if _, err := StandardBody(&hookhub.Webhook{Properties: json.RawMessage(`{"a":`)}, e); err == nil {
			t.Errorf("bad properties, request %d: no error", i+1)
		}
	}
}
