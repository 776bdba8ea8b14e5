package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
)

// KeySize is the length of an encryption key in bytes (AES-256).
const KeySize = 32

// version is the first byte of every sealed value.
const version = 1

const (
	idSize     = 4                                // key id: SHA-256 of the key, first bytes
	headerSize = 1 + idSize                       // version and key id
	nonceSize  = 12                               // GCM standard nonce
	tagSize    = 16                               // GCM tag
	minSize    = headerSize + nonceSize + tagSize // sealed empty plaintext
)

// Errors that Open wraps, to tell the kinds of failure apart.
var (
	// ErrMalformed means the input is not a sealed value of a known
	// version: too short, or another version.
	ErrMalformed = errors.New("malformed ciphertext")
	// ErrUnknownKey means the value was sealed with a key the Box does not
	// have.
	ErrUnknownKey = errors.New("ciphertext was sealed with an unknown key")
	// ErrAuthentication means the value does not decrypt with the key it
	// names: it was changed or damaged, or sealed with another key whose
	// key id happens to be the same.
	ErrAuthentication = errors.New("ciphertext failed authentication; it was altered or sealed with another key")
)

type keyID [idSize]byte

// aeadKey is one key of a Box, ready to use.
type aeadKey struct {
	id   keyID
	aead cipher.AEAD
}

// Box seals and opens secrets. A sealed value is a version byte (1), the
// first four bytes of the SHA-256 of the key that sealed it, a 12-byte random
// nonce and the AES-256-GCM ciphertext with its tag; the version byte and key
// id are authenticated too. Make a Box with New; it is safe for concurrent
// use.
type Box struct {
	keys []aeadKey // keys[0] seals; all open
}

// New returns a Box that seals with key and opens values sealed with key or
// with any of oldKeys. Every key must be KeySize bytes.
func New(key []byte, oldKeys ...[]byte) (*Box, error) {
	b := &Box{keys: make([]aeadKey, 0, 1+len(oldKeys))}
	k, err := newKey(key)
	if err != nil {
		return nil, err
	}
	b.keys = append(b.keys, k)
	for i, old := range oldKeys {
		k, err := newKey(old)
		if err != nil {
			return nil, fmt.Errorf("load old key %d: %w", i+1, err)
		}
		b.keys = append(b.keys, k)
	}
	return b, nil
}

func newKey(key []byte) (aeadKey, error) {
	if len(key) != KeySize {
		return aeadKey{}, fmt.Errorf("encryption key must be %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return aeadKey{}, fmt.Errorf("create cipher: %w", err)
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return aeadKey{}, fmt.Errorf("create cipher: %w", err)
	}
	return aeadKey{id: idOf(key), aead: aead}, nil
}

func idOf(key []byte) keyID {
	sum := sha256.Sum256(key)
	return keyID(sum[:idSize])
}

// Seal encrypts plaintext with the Box's current key under a fresh random
// nonce. A key must not seal more than 2^32 values.
func (b *Box) Seal(plaintext []byte) []byte {
	k := b.keys[0]
	out := make([]byte, headerSize, minSize+len(plaintext))
	out[0] = version
	copy(out[1:headerSize], k.id[:])
	// The AEAD makes the nonce and puts it before the ciphertext.
	return k.aead.Seal(out, nil, plaintext, out[:headerSize])
}

// Open decrypts a value made by Seal with any of the Box's keys. Errors wrap
// ErrMalformed, ErrUnknownKey or ErrAuthentication.
func (b *Box) Open(ciphertext []byte) ([]byte, error) {
	if len(ciphertext) < minSize {
		return nil, fmt.Errorf("open secret: ciphertext is %d bytes, shorter than the minimum %d: %w", len(ciphertext), minSize, ErrMalformed)
	}
	if v := ciphertext[0]; v != version {
		return nil, fmt.Errorf("open secret: version %d is not supported: %w", v, ErrMalformed)
	}
	header, body := ciphertext[:headerSize], ciphertext[headerSize:]
	id := keyID(header[1:])
	known := false
	for _, k := range b.keys {
		if k.id != id {
			continue
		}
		known = true
		if plaintext, err := k.aead.Open(nil, nil, body, header); err == nil {
			return plaintext, nil
		}
	}
	if !known {
		return nil, fmt.Errorf("open secret: key id %x: %w", id[:], ErrUnknownKey)
	}
	return nil, fmt.Errorf("open secret: %w", ErrAuthentication)
}

// SealString seals s and returns the result in standard base64, for storing
// in a text column.
func (b *Box) SealString(s string) string {
	return base64.StdEncoding.EncodeToString(b.Seal([]byte(s)))
}

// OpenString opens a value made by SealString.
func (b *Box) OpenString(s string) (string, error) {
	ciphertext, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "", fmt.Errorf("open secret: decode base64: %w: %w", err, ErrMalformed)
	}
	plaintext, err := b.Open(ciphertext)
	if err != nil {
		return "", err
	}
	return string(plaintext), nil
}
