package delivery

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/signature"
)

// TestSendPathAllocs bounds the allocations of the parts of sending that
// are the engine's own, so that a change that brings back per-request
// copies (decoding properties, copying headers to hide credentials,
// reading answers into growing buffers) shows. The bounds leave a little
// room above today's counts.
func TestSendPathAllocs(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("allocation counts")
	}
	w := &hookhub.Webhook{ID: 1, URL: "https://example.com/hook",
		Secret:     signature.SecretPrefix + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32)),
		Headers:    map[string]string{"X-Custom": "yes", "X-Other": "no"},
		Properties: json.RawMessage(`{"account":"acme","region":"eu","nested":{"a":[1,2,3]}}`)}
	w.ApplyDefaults()
	c := &hookhub.Claim{Event: hookhub.Event{ID: 42, Type: "contact.created", CreatedAt: time.Now(), Data: json.RawMessage(`{"id":42}`)}}
	f, now := &Standard{}, time.Now()
	// Body, header map, its values, message id, timestamp, signature, the
	// signature headers' values: 8 today.
	if n := testing.AllocsPerRun(100, func() {
		if _, _, err := f.Format(w, c, now); err != nil {
			t.Fatal(err)
		}
	}); n > 9 {
		t.Errorf("Standard.Format: %v allocations, want at most 9", n)
	}
	answer := strings.Repeat("a", 100)
	if n := testing.AllocsPerRun(100, func() { readAnswer(strings.NewReader(answer)) }); n > 2 {
		t.Errorf("readAnswer: %v allocations, want at most 2 (the reader, the copy kept)", n)
	}
}
