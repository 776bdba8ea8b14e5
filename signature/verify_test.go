package signature_test

import (
	"crypto/ed25519"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/hookhub/hookhub/signature"
)

func TestVerify(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	body := []byte(`{"type":"user.created","data":{"id":"u_1"}}`)
	const msgID = "msg_verify"

	_, oldSecret := newSecret(t)
	_, newSecretKey := newSecret(t)
	_, wrongSecret := newSecret(t)
	edOld, edNew, edWrong := seededKey(10), seededKey(11), seededKey(12)

	hmacOld, hmacNew := signature.HMACKey(oldSecret), signature.HMACKey(newSecretKey)
	edKeyOld, edKeyNew := signature.Ed25519Key(edOld), signature.Ed25519Key(edNew)

	// headers signs body at ts with keys and lets edit change the result.
	headers := func(ts time.Time, keys []signature.Key, edit func(http.Header)) http.Header {
		h := http.Header{}
		signature.Headers(h, msgID, ts, signature.NewSigner(keys...).Sign(msgID, ts, body))
		if edit != nil {
			edit(h)
		}
		return h
	}
	set := func(name, value string) func(http.Header) {
		return func(h http.Header) { h.Set(name, value) }
	}
	del := func(name string) func(http.Header) {
		return func(h http.Header) { h.Del(name) }
	}

	tests := []struct {
		name      string
		sign      []signature.Key
		verify    []signature.VerifyKey
		ts        time.Time
		edit      func(http.Header)
		body      []byte // nil means the signed body
		tolerance time.Duration
		wantErr   error
	}{
		{name: "hmac", sign: []signature.Key{hmacNew}, verify: []signature.VerifyKey{signature.HMACVerifyKey(newSecretKey)}},
		{name: "ed25519", sign: []signature.Key{edKeyNew}, verify: []signature.VerifyKey{signature.Ed25519VerifyKey(edNew.Public().(ed25519.PublicKey))}},
		{name: "rotated hmac, receiver has old", sign: []signature.Key{hmacNew, hmacOld}, verify: []signature.VerifyKey{hmacOld.VerifyKey()}},
		{name: "rotated hmac, receiver has new", sign: []signature.Key{hmacNew, hmacOld}, verify: []signature.VerifyKey{hmacNew.VerifyKey()}},
		{name: "rotated ed25519, receiver has old", sign: []signature.Key{edKeyNew, edKeyOld}, verify: []signature.VerifyKey{edKeyOld.VerifyKey()}},
		{name: "receiver holds both during rotation", sign: []signature.Key{hmacNew}, verify: []signature.VerifyKey{hmacOld.VerifyKey(), hmacNew.VerifyKey()}},
		{name: "mixed schemes, ed25519 receiver", sign: []signature.Key{hmacNew, edKeyNew}, verify: []signature.VerifyKey{edKeyNew.VerifyKey()}},
		{name: "4 minutes old", sign: []signature.Key{hmacNew}, verify: []signature.VerifyKey{hmacNew.VerifyKey()}, ts: now.Add(-4 * time.Minute)},
		{name: "4 minutes ahead", sign: []signature.Key{hmacNew}, verify: []signature.VerifyKey{hmacNew.VerifyKey()}, ts: now.Add(4 * time.Minute)},
		{name: "exactly at tolerance", sign: []signature.Key{hmacNew}, verify: []signature.VerifyKey{hmacNew.VerifyKey()}, ts: now.Add(-5 * time.Minute)},
		{name: "custom tolerance", sign: []signature.Key{hmacNew}, verify: []signature.VerifyKey{hmacNew.VerifyKey()}, ts: now.Add(-time.Hour), tolerance: 2 * time.Hour},
		{
			name: "garbage beside a valid signature", sign: []signature.Key{hmacNew}, verify: []signature.VerifyKey{hmacNew.VerifyKey()},
			edit: func(h http.Header) {
				h.Set("webhook-signature", "junk v2,AAAA v1a,!!! v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= "+h.Get("webhook-signature"))
			},
		},

		{name: "tampered body", sign: []signature.Key{hmacNew}, verify: []signature.VerifyKey{hmacNew.VerifyKey()}, body: []byte(`{"type":"user.created","data":{"id":"u_2"}}`), wantErr: signature.ErrNoMatchingSignature},
		{name: "tampered body ed25519", sign: []signature.Key{edKeyNew}, verify: []signature.VerifyKey{edKeyNew.VerifyKey()}, body: []byte(`{}`), wantErr: signature.ErrNoMatchingSignature},
		{name: "wrong secret", sign: []signature.Key{hmacNew}, verify: []signature.VerifyKey{signature.HMACVerifyKey(wrongSecret)}, wantErr: signature.ErrNoMatchingSignature},
		{name: "wrong public key", sign: []signature.Key{edKeyNew}, verify: []signature.VerifyKey{signature.Ed25519Key(edWrong).VerifyKey()}, wantErr: signature.ErrNoMatchingSignature},
		{name: "hmac secret for ed25519 header", sign: []signature.Key{edKeyNew}, verify: []signature.VerifyKey{hmacNew.VerifyKey()}, wantErr: signature.ErrNoMatchingSignature},
		{name: "empty secret", sign: []signature.Key{hmacNew}, verify: []signature.VerifyKey{signature.HMACVerifyKey(nil)}, wantErr: signature.ErrNoMatchingSignature},
		{name: "no keys", sign: []signature.Key{hmacNew}, verify: nil, wantErr: signature.ErrNoMatchingSignature},
		{name: "changed id", sign: []signature.Key{hmacNew}, verify: []signature.VerifyKey{hmacNew.VerifyKey()}, edit: set("webhook-id", "msg_other"), wantErr: signature.ErrNoMatchingSignature},
		{name: "changed timestamp", sign: []signature.Key{hmacNew}, verify: []signature.VerifyKey{hmacNew.VerifyKey()}, edit: set("webhook-timestamp", "1700000001"), wantErr: signature.ErrNoMatchingSignature},
		{name: "signature without scheme", sign: []signature.Key{hmacNew}, verify: []signature.VerifyKey{hmacNew.VerifyKey()}, edit: set("webhook-signature", "Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="), wantErr: signature.ErrNoMatchingSignature},
		{name: "partial signature", sign: []signature.Key{hmacNew}, verify: []signature.VerifyKey{hmacNew.VerifyKey()}, edit: set("webhook-signature", "v1,"), wantErr: signature.ErrNoMatchingSignature},
		{name: "stale timestamp", sign: []signature.Key{hmacNew}, verify: []signature.VerifyKey{hmacNew.VerifyKey()}, ts: now.Add(-5*time.Minute - time.Second), wantErr: signature.ErrTimestampTooOld},
		{name: "future timestamp", sign: []signature.Key{hmacNew}, verify: []signature.VerifyKey{hmacNew.VerifyKey()}, ts: now.Add(5*time.Minute + time.Second), wantErr: signature.ErrTimestampTooNew},
		{name: "stale under custom tolerance", sign: []signature.Key{hmacNew}, verify: []signature.VerifyKey{hmacNew.VerifyKey()}, ts: now.Add(-2 * time.Minute), tolerance: time.Minute, wantErr: signature.ErrTimestampTooOld},
		{name: "bad timestamp", sign: []signature.Key{hmacNew}, verify: []signature.VerifyKey{hmacNew.VerifyKey()}, edit: set("webhook-timestamp", "2023-01-01T00:00:00Z"), wantErr: signature.ErrBadTimestamp},
		{name: "missing id", sign: []signature.Key{hmacNew}, verify: []signature.VerifyKey{hmacNew.VerifyKey()}, edit: del("webhook-id"), wantErr: signature.ErrMissingHeader},
		{name: "missing timestamp", sign: []signature.Key{hmacNew}, verify: []signature.VerifyKey{hmacNew.VerifyKey()}, edit: del("webhook-timestamp"), wantErr: signature.ErrMissingHeader},
		{name: "missing signature", sign: []signature.Key{hmacNew}, verify: []signature.VerifyKey{hmacNew.VerifyKey()}, edit: del("webhook-signature"), wantErr: signature.ErrMissingHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := tt.ts
			if ts.IsZero() {
				ts = now
			}
			b := tt.body
			if b == nil {
				b = body
			}
			h := headers(ts, tt.sign, tt.edit)
			err := signature.Verify(tt.verify, h, b, now, tt.tolerance)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Verify error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

// TestVerifyKnownVector checks the reference libraries' vector with our Verify.
func TestVerifyKnownVector(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	h.Set("webhook-id", vectorMsgID)
	h.Set("webhook-timestamp", "1614265330")
	h.Set("webhook-signature", vectorSignature)
	key := signature.HMACVerifyKey(mustSecret(t, vectorSecret))
	if err := signature.Verify([]signature.VerifyKey{key}, h, []byte(vectorPayload), time.Unix(vectorTimestamp, 0), 0); err != nil {
		t.Errorf("Verify: %v", err)
	}
}
