package salesiq

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

// The formatter keeps one parsed key per webhook, replaced when the key
// changes, and at most its limit in all: key rotations and deleted
// webhooks do not make it grow.
func TestKeyCacheIsBounded(t *testing.T) {
	t.Parallel()
	type pair struct {
		private string
		public  *rsa.PublicKey
	}
	var pairs []pair
	for range 3 {
		private, k, err := newKey(time.Now())
		if err != nil {
			t.Fatal(err)
		}
		block, _ := pem.Decode([]byte(k.PublicKey))
		pub, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		pairs = append(pairs, pair{private, pub.(*rsa.PublicKey)})
	}
	f := &Formatter{max: 2}
	claim := &hookhub.Claim{Event: hookhub.Event{ID: 1, TenantID: "t", Type: "operator.deleted", Data: []byte("null")}}
	sign := func(webhookID int64, keyID string, p pair) {
		t.Helper()
		m := meta{Module: ModuleAdmin, Secured: true, Key: &key{ID: keyID}}
		w := &hookhub.Webhook{ID: webhookID, Format: Format, Secret: p.private, Meta: m.encode()}
		body, h, err := f.Format(w, claim, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		sig, _ := base64.StdEncoding.DecodeString(h.Get(SignatureHeader))
		sum := sha256.Sum256(body)
		if err := rsa.VerifyPKCS1v15(p.public, crypto.SHA256, sum[:], sig); err != nil {
			t.Errorf("webhook %d, key %s: signed with another key than its own: %v", webhookID, keyID, err)
		}
	}
	cached := func() int {
		f.mu.Lock()
		defer f.mu.Unlock()
		return len(f.keys)
	}

	// One webhook whose key is made again and again: one entry, always its
	// current key.
	for i := range 6 {
		sign(1, fmt.Sprintf("key_%d", i), pairs[i%len(pairs)])
		if n := cached(); n != 1 {
			t.Fatalf("after %d keys of one webhook, %d keys are kept, want 1", i+1, n)
		}
	}
	// A key id that stays while its PEM changes is a new key too.
	sign(1, "key_5", pairs[0])
	// Many webhooks: never more than the limit.
	for id := int64(2); id < 8; id++ {
		sign(id, "key_x", pairs[id%3])
		if n := cached(); n > 2 {
			t.Fatalf("%d keys are kept, want at most the limit of 2", n)
		}
	}
}
