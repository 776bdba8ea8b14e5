package signature_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/hookhub/hookhub/signature"
)

func b64(n int, fill byte) string {
	return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{fill}, n))
}

func TestNewSecret(t *testing.T) {
	t.Parallel()
	a, err := signature.NewSecret()
	if err != nil {
		t.Fatalf("NewSecret: %v", err)
	}
	b, err := signature.NewSecret()
	if err != nil {
		t.Fatalf("NewSecret: %v", err)
	}
	if !strings.HasPrefix(a, "whsec_") {
		t.Errorf("NewSecret() = %q, want whsec_ prefix", a)
	}
	if a == b {
		t.Errorf("NewSecret returned %q twice", a)
	}
	raw, err := signature.ParseSecret(a)
	if err != nil {
		t.Fatalf("ParseSecret(%q): %v", a, err)
	}
	if len(raw) != 32 {
		t.Errorf("NewSecret made %d bytes, want 32", len(raw))
	}
}

func TestParseSecret(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		wantLen int
		wantErr string
	}{
		{name: "prefixed", in: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", wantLen: 24},
		{name: "bare", in: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", wantLen: 24},
		{name: "64 bytes", in: "whsec_" + b64(64, 7), wantLen: 64},
		{name: "23 bytes", in: "whsec_" + b64(23, 7), wantErr: "secret must be 24 to 64 bytes"},
		{name: "65 bytes", in: "whsec_" + b64(65, 7), wantErr: "secret must be 24 to 64 bytes"},
		{name: "empty", in: "", wantErr: "secret must be 24 to 64 bytes"},
		{name: "prefix only", in: "whsec_", wantErr: "secret must be 24 to 64 bytes"},
		{name: "not base64", in: "whsec_not*base64!", wantErr: "secret is not valid base64"},
		{name: "url alphabet", in: "whsec_" + strings.Repeat("-_", 16), wantErr: "secret is not valid base64"},
		{name: "ed25519 key", in: "whsk_" + b64(64, 7), wantErr: "ed25519 key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := signature.ParseSecret(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseSecret(%q) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSecret(%q): %v", tt.in, err)
			}
			if len(got) != tt.wantLen {
				t.Errorf("ParseSecret(%q) is %d bytes, want %d", tt.in, len(got), tt.wantLen)
			}
		})
	}
}

func TestNewEd25519Key(t *testing.T) {
	t.Parallel()
	sk, pk, err := signature.NewEd25519Key()
	if err != nil {
		t.Fatalf("NewEd25519Key: %v", err)
	}
	if !strings.HasPrefix(sk, "whsk_") || !strings.HasPrefix(pk, "whpk_") {
		t.Fatalf("NewEd25519Key() = %q, %q, want whsk_ and whpk_ prefixes", sk, pk)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(sk, "whsk_"))
	if err != nil || len(raw) != ed25519.PrivateKeySize {
		t.Fatalf("whsk_ holds %d bytes (err %v), want the %d-byte private key", len(raw), err, ed25519.PrivateKeySize)
	}
	priv, err := signature.ParseSigningKey(sk)
	if err != nil {
		t.Fatalf("ParseSigningKey: %v", err)
	}
	pub, err := signature.ParsePublicKey(pk)
	if err != nil {
		t.Fatalf("ParsePublicKey: %v", err)
	}
	if !pub.Equal(priv.Public()) {
		t.Error("public key does not belong to the signing key")
	}
}

func TestParseSigningKey(t *testing.T) {
	t.Parallel()
	seed := bytes.Repeat([]byte{3}, ed25519.SeedSize)
	want := ed25519.NewKeyFromSeed(seed)
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{4}, ed25519.SeedSize))
	mismatched := append(append([]byte(nil), seed...), other.Public().(ed25519.PublicKey)...)
	enc := base64.StdEncoding.EncodeToString

	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{name: "full key", in: "whsk_" + enc(want)},
		{name: "bare full key", in: enc(want)},
		{name: "seed", in: "whsk_" + enc(seed)},
		{name: "public half mismatched", in: "whsk_" + enc(mismatched), wantErr: "does not match"},
		{name: "wrong size", in: "whsk_" + b64(48, 1), wantErr: "must be 32 or 64 bytes"},
		{name: "not base64", in: "whsk_%%%", wantErr: "not valid base64"},
		{name: "hmac secret prefix", in: "whsec_" + enc(want), wantErr: "not valid base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := signature.ParseSigningKey(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseSigningKey(%q) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSigningKey(%q): %v", tt.in, err)
			}
			if !got.Equal(want) {
				t.Errorf("ParseSigningKey(%q) = %x, want %x", tt.in, got, want)
			}
		})
	}
}

func TestParsePublicKey(t *testing.T) {
	t.Parallel()
	want := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, ed25519.SeedSize)).Public().(ed25519.PublicKey)
	enc := base64.StdEncoding.EncodeToString

	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{name: "prefixed", in: "whpk_" + enc(want)},
		{name: "bare", in: enc(want)},
		{name: "wrong size", in: "whpk_" + b64(31, 1), wantErr: "must be 32 bytes"},
		{name: "not base64", in: "whpk_!!", wantErr: "not valid base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := signature.ParsePublicKey(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParsePublicKey(%q) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePublicKey(%q): %v", tt.in, err)
			}
			if !got.Equal(want) {
				t.Errorf("ParsePublicKey(%q) = %x, want %x", tt.in, got, want)
			}
		})
	}
}
