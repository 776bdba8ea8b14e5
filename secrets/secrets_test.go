package secrets

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func mustNew(t *testing.T, key []byte, oldKeys ...[]byte) *Box {
	t.Helper()
	b, err := New(key, oldKeys...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return b
}

func TestNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		key     []byte
		oldKeys [][]byte
		wantErr string
	}{
		{name: "32 bytes", key: make([]byte, 32)},
		{name: "with old keys", key: GenerateKey(), oldKeys: [][]byte{GenerateKey(), GenerateKey()}},
		{name: "nil", key: nil, wantErr: "encryption key must be 32 bytes, got 0"},
		{name: "16 bytes", key: make([]byte, 16), wantErr: "encryption key must be 32 bytes, got 16"},
		{name: "33 bytes", key: make([]byte, 33), wantErr: "encryption key must be 32 bytes, got 33"},
		{name: "bad old key", key: GenerateKey(), oldKeys: [][]byte{GenerateKey(), make([]byte, 24)},
			wantErr: "load old key 2: encryption key must be 32 bytes, got 24"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := New(tt.key, tt.oldKeys...)
			if tt.wantErr == "" {
				if err != nil || b == nil {
					t.Fatalf("New() = %v, %v, want a Box", b, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("New() succeeded, want error %q", tt.wantErr)
			}
			if got, want := err.Error(), tt.wantErr; got != want {
				t.Errorf("New() error = %q, want %q", got, want)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	b := mustNew(t, GenerateKey())
	tests := []struct {
		name      string
		plaintext []byte
	}{
		{name: "nil", plaintext: nil},
		{name: "empty", plaintext: []byte{}},
		{name: "text", plaintext: []byte("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")},
		{name: "binary", plaintext: []byte{0, 1, 2, 255, 254}},
		{name: "large", plaintext: bytes.Repeat([]byte("x"), 1<<16)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sealed := b.Seal(tt.plaintext)
			if got, want := len(sealed), 1+4+12+len(tt.plaintext)+16; got != want {
				t.Errorf("len(Seal()) = %d, want %d", got, want)
			}
			if got, want := sealed[0], byte(1); got != want {
				t.Errorf("version byte = %d, want %d", got, want)
			}
			if len(tt.plaintext) > 8 && bytes.Contains(sealed, tt.plaintext[:8]) {
				t.Error("sealed value contains the plaintext")
			}
			got, err := b.Open(sealed)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if !bytes.Equal(got, tt.plaintext) {
				t.Errorf("Open() = %q, want %q", got, tt.plaintext)
			}
		})
	}
}

func TestSealUsesFreshNonce(t *testing.T) {
	t.Parallel()
	b := mustNew(t, GenerateKey())
	s1, s2 := b.Seal([]byte("same")), b.Seal([]byte("same"))
	if bytes.Equal(s1, s2) {
		t.Error("sealing the same plaintext twice gave the same ciphertext")
	}
}

func TestSealKeyID(t *testing.T) {
	t.Parallel()
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i)
	}
	// First 4 bytes of SHA-256 of 0x00..0x1f.
	want := []byte{0x63, 0x0d, 0xcd, 0x29}
	sealed := mustNew(t, key).Seal([]byte("x"))
	if got := sealed[1:5]; !bytes.Equal(got, want) {
		t.Errorf("key id = %x, want %x", got, want)
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	key, other := GenerateKey(), GenerateKey()
	b := mustNew(t, key)
	sealed := b.Seal([]byte("secret"))

	flip := func(i int) []byte {
		c := bytes.Clone(sealed)
		c[i] ^= 0x01
		return c
	}
	withVersion := func(v byte) []byte {
		c := bytes.Clone(sealed)
		c[0] = v
		return c
	}

	tests := []struct {
		name       string
		ciphertext []byte
		box        *Box
		wantErr    error
		wantMsg    string // a part of the message
	}{
		{name: "nil", ciphertext: nil, box: b, wantErr: ErrMalformed,
			wantMsg: "ciphertext is 0 bytes, shorter than the minimum 33"},
		{name: "short", ciphertext: sealed[:32], box: b, wantErr: ErrMalformed,
			wantMsg: "ciphertext is 32 bytes"},
		{name: "version 0", ciphertext: withVersion(0), box: b, wantErr: ErrMalformed,
			wantMsg: "version 0 is not supported"},
		{name: "version 2", ciphertext: withVersion(2), box: b, wantErr: ErrMalformed,
			wantMsg: "version 2 is not supported"},
		{name: "key id changed", ciphertext: flip(2), box: b, wantErr: ErrUnknownKey,
			wantMsg: "unknown key"},
		{name: "nonce changed", ciphertext: flip(5), box: b, wantErr: ErrAuthentication,
			wantMsg: "failed authentication"},
		{name: "ciphertext changed", ciphertext: flip(17), box: b, wantErr: ErrAuthentication},
		{name: "tag changed", ciphertext: flip(len(sealed) - 1), box: b, wantErr: ErrAuthentication},
		{name: "truncated tag", ciphertext: sealed[:len(sealed)-1], box: b, wantErr: ErrAuthentication},
		{name: "appended byte", ciphertext: append(bytes.Clone(sealed), 0), box: b, wantErr: ErrAuthentication},
		{name: "wrong key", ciphertext: sealed, box: mustNew(t, other), wantErr: ErrUnknownKey,
			wantMsg: "open secret: key id "},
		{name: "wrong key with same id", ciphertext: sealed, box: sameIDBox(t, key, other), wantErr: ErrAuthentication},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.box.Open(tt.ciphertext)
			if err == nil {
				t.Fatalf("Open() = %q, want an error", got)
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Open() error = %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Open() error = %q, want it to contain %q", err, tt.wantMsg)
			}
		})
	}
}

// sameIDBox returns a Box whose only key is wrong but carries the key id of
// right, as if two keys' ids collided.
func sameIDBox(t *testing.T, right, wrong []byte) *Box {
	t.Helper()
	b := mustNew(t, wrong)
	b.keys[0].id = idOf(right)
	return b
}

func TestTamperEveryByte(t *testing.T) {
	t.Parallel()
	b := mustNew(t, GenerateKey())
	sealed := b.Seal([]byte("a webhook signing secret"))
	for i := range sealed {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			c := bytes.Clone(sealed)
			c[i] ^= mask
			if got, err := b.Open(c); err == nil {
				t.Errorf("Open with byte %d ^ %#x = %q, want an error", i, mask, got)
			}
		}
	}
}

func TestRotation(t *testing.T) {
	t.Parallel()
	k1, k2, k3 := GenerateKey(), GenerateKey(), GenerateKey()
	old := mustNew(t, k1)
	sealedOld := old.Seal([]byte("old secret"))

	rotated := mustNew(t, k2, k1)
	sealedNew := rotated.Seal([]byte("new secret"))

	tests := []struct {
		name       string
		box        *Box
		ciphertext []byte
		want       string
		wantErr    error
	}{
		{name: "new box opens old value", box: rotated, ciphertext: sealedOld, want: "old secret"},
		{name: "new box opens new value", box: rotated, ciphertext: sealedNew, want: "new secret"},
		{name: "old box cannot open new value", box: old, ciphertext: sealedNew, wantErr: ErrUnknownKey},
		{name: "third key among old keys", box: mustNew(t, k3, k2, k1), ciphertext: sealedOld, want: "old secret"},
		{name: "old key dropped", box: mustNew(t, k3, k2), ciphertext: sealedOld, wantErr: ErrUnknownKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.box.Open(tt.ciphertext)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Open() = %q, %v, want %v", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if got, want := string(got), tt.want; got != want {
				t.Errorf("Open() = %q, want %q", got, want)
			}
		})
	}

	if got, want := rotated.Seal(nil)[1:5], idOf(k2); !bytes.Equal(got, want[:]) {
		t.Errorf("rotated Box seals with key id %x, want the first key's %x", got, want)
	}
}

func TestStrings(t *testing.T) {
	t.Parallel()
	b := mustNew(t, GenerateKey())
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr error
	}{
		{name: "round trip", in: b.SealString("héllo, wörld"), want: "héllo, wörld"},
		{name: "empty plaintext", in: b.SealString(""), want: ""},
		{name: "not base64", in: "not base64!", wantErr: ErrMalformed},
		{name: "empty", in: "", wantErr: ErrMalformed},
		{name: "other box", in: mustNew(t, GenerateKey()).SealString("x"), wantErr: ErrUnknownKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := b.OpenString(tt.in)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("OpenString() = %q, %v, want %v", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("OpenString: %v", err)
			}
			if got, want := got, tt.want; got != want {
				t.Errorf("OpenString() = %q, want %q", got, want)
			}
		})
	}
}
