package signature_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/hookhub/hookhub/signature"
)

// The test vector of the reference libraries (TestWebhookSign and its ports).
const (
	vectorSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorMsgID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTimestamp = 1614265330
	vectorPayload   = `{"test": 2432232314}`
	vectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func mustSecret(t testing.TB, s string) []byte {
	t.Helper()
	b, err := signature.ParseSecret(s)
	if err != nil {
		t.Fatalf("ParseSecret(%q): %v", s, err)
	}
	return b
}

func newSecret(t testing.TB) (string, []byte) {
	t.Helper()
	s, err := signature.NewSecret()
	if err != nil {
		t.Fatalf("NewSecret: %v", err)
	}
	return s, mustSecret(t, s)
}

func seededKey(b byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{b}, ed25519.SeedSize))
}

func TestSignKnownVector(t *testing.T) {
	t.Parallel()
	s := signature.NewSigner(signature.HMACKey(mustSecret(t, vectorSecret)))
	got := s.Sign(vectorMsgID, time.Unix(vectorTimestamp, 0), []byte(vectorPayload))
	if got != vectorSignature {
		t.Errorf("Sign() = %q, want %q", got, vectorSignature)
	}
}

// TestSignReference checks every HMAC signature we make with the reference
// library, which verifies against the wall clock.
func TestSignReference(t *testing.T) {
	t.Parallel()
	oldStr, oldKey := newSecret(t)
	newStr, newKey := newSecret(t)
	longStr := "whsec_" + b64(64, 9)
	edKey := seededKey(5)

	tests := []struct {
		name    string
		keys    []signature.Key
		secrets []string // each must verify on its own
		nSigs   int
	}{
		{
			name:    "one secret",
			keys:    []signature.Key{signature.HMACKey(newKey)},
			secrets: []string{newStr},
			nSigs:   1,
		},
		{
			name:    "rotated pair",
			keys:    []signature.Key{signature.HMACKey(newKey), signature.HMACKey(oldKey)},
			secrets: []string{newStr, oldStr},
			nSigs:   2,
		},
		{
			name:    "64-byte secret",
			keys:    []signature.Key{signature.HMACKey(mustSecret(t, longStr))},
			secrets: []string{longStr},
			nSigs:   1,
		},
		{
			name:    "hmac beside ed25519",
			keys:    []signature.Key{signature.Ed25519Key(edKey), signature.HMACKey(newKey)},
			secrets: []string{newStr},
			nSigs:   2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := []byte(`{"type":"invoice.paid","data":{"id":"inv_1","amount":4200}}`)
			ts := time.Now()
			sig := signature.NewSigner(tt.keys...).Sign("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", ts, body)
			if n := len(strings.Split(sig, " ")); n != tt.nSigs {
				t.Fatalf("header %q has %d signatures, want %d", sig, n, tt.nSigs)
			}
			h := http.Header{}
			signature.Headers(h, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", ts, sig)
			for _, secret := range tt.secrets {
				wh, err := standardwebhooks.NewWebhook(secret)
				if err != nil {
					t.Fatalf("NewWebhook: %v", err)
				}
				if err := wh.Verify(body, h); err != nil {
					t.Errorf("reference Verify with %s: %v", secret, err)
				}
				if err := wh.Verify(append(body, ' '), h); err == nil {
					t.Errorf("reference Verify with %s accepted a tampered body", secret)
				}
			}
			_, stranger := newSecret(t)
			wh, err := standardwebhooks.NewWebhookRaw(stranger)
			if err != nil {
				t.Fatalf("NewWebhookRaw: %v", err)
			}
			if err := wh.Verify(body, h); err == nil {
				t.Error("reference Verify accepted an unrelated secret")
			}
		})
	}
}

// TestSignEd25519 checks v1a signatures with crypto/ed25519 alone.
func TestSignEd25519(t *testing.T) {
	t.Parallel()
	a, b := seededKey(1), seededKey(2)
	tests := []struct {
		name string
		keys []ed25519.PrivateKey
		body []byte
	}{
		{name: "one key", keys: []ed25519.PrivateKey{a}, body: []byte(`{"a":1}`)},
		{name: "rotated pair", keys: []ed25519.PrivateKey{b, a}, body: []byte(`{"a":1}`)},
		{name: "empty body", keys: []ed25519.PrivateKey{a}, body: nil},
		{name: "large body", keys: []ed25519.PrivateKey{a}, body: bytes.Repeat([]byte("x"), 100<<10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			keys := make([]signature.Key, len(tt.keys))
			for i, k := range tt.keys {
				keys[i] = signature.Ed25519Key(k)
			}
			const msgID = "msg_ed"
			ts := time.Unix(1674087231, 0)
			content := append([]byte(msgID+".1674087231."), tt.body...)

			s := signature.NewSigner(keys...)
			// Sign twice so that the second call runs on pooled state.
			for range 2 {
				got := strings.Split(s.Sign(msgID, ts, tt.body), " ")
				if len(got) != len(tt.keys) {
					t.Fatalf("got %d signatures, want %d", len(got), len(tt.keys))
				}
				for i, k := range tt.keys {
					raw, ok := strings.CutPrefix(got[i], "v1a,")
					if !ok {
						t.Fatalf("signature %q lacks v1a prefix", got[i])
					}
					sig, err := base64.StdEncoding.DecodeString(raw)
					if err != nil {
						t.Fatalf("decode signature: %v", err)
					}
					if !ed25519.Verify(k.Public().(ed25519.PublicKey), content, sig) {
						t.Errorf("signature %d does not verify with crypto/ed25519", i)
					}
					if want := ed25519.Sign(k, content); !bytes.Equal(sig, want) {
						t.Errorf("signature %d = %x, want %x", i, sig, want)
					}
				}
			}
		})
	}
}

func TestSignerZero(t *testing.T) {
	t.Parallel()
	var s signature.Signer
	if got := s.Sign("msg", time.Unix(1, 0), []byte("x")); got != "" {
		t.Errorf("zero Signer signed %q, want empty", got)
	}
}

func TestNewSignerCopiesKeys(t *testing.T) {
	t.Parallel()
	secret := mustSecret(t, vectorSecret)
	s := signature.NewSigner(signature.HMACKey(secret))
	clear(secret)
	if got := s.Sign(vectorMsgID, time.Unix(vectorTimestamp, 0), []byte(vectorPayload)); got != vectorSignature {
		t.Errorf("Sign after the caller changed its secret = %q, want %q", got, vectorSignature)
	}
}

func TestNewSignerPanics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		key  signature.Key
	}{
		{name: "unknown scheme", key: signature.Key{Scheme: "v2", HMAC: []byte("secret")}},
		{name: "no scheme", key: signature.Key{HMAC: []byte("secret")}},
		{name: "empty hmac", key: signature.HMACKey(nil)},
		{name: "short ed25519", key: signature.Ed25519Key(make([]byte, ed25519.SeedSize))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				if recover() == nil {
					t.Error("NewSigner did not panic")
				}
			}()
			signature.NewSigner(tt.key)
		})
	}
}

func TestSignConcurrent(t *testing.T) {
	t.Parallel()
	s := signature.NewSigner(signature.HMACKey(mustSecret(t, vectorSecret)), signature.Ed25519Key(seededKey(7)))
	const workers, rounds = 8, 50
	want := make([]string, rounds)
	for i := range rounds {
		want[i] = s.Sign("msg_"+strconv.Itoa(i), time.Unix(int64(i), 0), bytes.Repeat([]byte{'a'}, i*100))
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range rounds {
				got := s.Sign("msg_"+strconv.Itoa(i), time.Unix(int64(i), 0), bytes.Repeat([]byte{'a'}, i*100))
				if got != want[i] {
					t.Errorf("round %d: concurrent Sign = %q, want %q", i, got, want[i])
				}
			}
		})
	}
	wg.Wait()
}

func TestHeaders(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	signature.Headers(h, vectorMsgID, time.Unix(vectorTimestamp, 999_000_000), vectorSignature)
	for name, want := range map[string]string{
		"webhook-id":        vectorMsgID,
		"webhook-timestamp": "1614265330",
		"webhook-signature": vectorSignature,
	} {
		if got := h.Values(name); len(got) != 1 || got[0] != want {
			t.Errorf("header %s = %q, want [%q]", name, got, want)
		}
	}
}

// TestHeadersAsSet checks that Headers leaves h as h.Set would: the same
// keys and values, values replaced rather than added to, and each value
// its own, so that adding to one header changes no other.
func TestHeadersAsSet(t *testing.T) {
	t.Parallel()
	ts := time.Unix(vectorTimestamp, 0)
	got := http.Header{"Webhook-Id": {"old", "older"}, "X-Other": {"x"}}
	want := got.Clone()
	signature.Headers(got, vectorMsgID, ts, vectorSignature)
	want.Set("webhook-id", vectorMsgID)
	want.Set("webhook-timestamp", "1614265330")
	want.Set("webhook-signature", vectorSignature)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Headers made %v, want %v", got, want)
	}
	got.Add("webhook-id", "added")
	got.Add("webhook-timestamp", "added")
	if v := got.Values("webhook-timestamp"); !reflect.DeepEqual(v, []string{"1614265330", "added"}) {
		t.Errorf("webhook-timestamp %q after adding to it and to webhook-id", v)
	}
	if v := got.Values("webhook-signature"); !reflect.DeepEqual(v, []string{vectorSignature}) {
		t.Errorf("webhook-signature %q after adding to the others", v)
	}
}

func benchmarkSign(b *testing.B, key signature.Key) {
	s := signature.NewSigner(key)
	body := bytes.Repeat([]byte(`{"k":"v"}`), 1024/9+1)[:1024]
	ts := time.Unix(1674087231, 0)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		s.Sign("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", ts, body)
	}
}

func BenchmarkSignHMAC(b *testing.B) {
	benchmarkSign(b, signature.HMACKey(mustSecret(b, vectorSecret)))
}

func BenchmarkSignEd25519(b *testing.B) {
	benchmarkSign(b, signature.Ed25519Key(seededKey(1)))
}
