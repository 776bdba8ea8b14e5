package delivery_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/delivery"
)

// TestBuildHeader checks that Standard.Build's header is what setting each
// header with h.Set makes, and that each value is its own: adding to one
// header changes no other.
func TestBuildHeader(t *testing.T) {
	t.Parallel()
	w := &hookhub.Webhook{ID: 1, URL: "https://example.com", Secret: newSecret(t),
		Headers: map[string]string{"x-lower": "v", "X-Custom": "yes", "content-type": "text/xml", "AUTHORIZATION": "Bearer abc"}}
	w.ApplyDefaults()
	c := &hookhub.Claim{Event: hookhub.Event{ID: 1, Type: "contact.created", Data: json.RawMessage(`{}`)}}
	_, got, err := (&delivery.Standard{}).Build(w, c)
	if err != nil {
		t.Fatal(err)
	}
	want := http.Header{}
	for k, v := range w.Headers {
		want.Set(k, v)
	}
	want.Set("Content-Type", "application/json")
	want.Set("User-Agent", delivery.UserAgent)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Build's header %v, want %v", got, want)
	}
	for k := range got {
		got.Add(k, "added to "+k)
		want.Add(k, "added to "+k)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after adding to every header: %v, want %v", got, want)
	}
}
