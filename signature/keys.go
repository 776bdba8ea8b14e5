package signature

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Prefixes of the serialized keys, as the spec renders them.
const (
	SecretPrefix     = "whsec_" // HMAC-SHA256 secret
	SigningKeyPrefix = "whsk_"  // ed25519 private key
	PublicKeyPrefix  = "whpk_"  // ed25519 public key
)

// Bounds on the length of an HMAC secret, in bytes.
const (
	MinSecretSize = 24
	MaxSecretSize = 64

	newSecretSize = 32
)

// NewSecret returns a fresh random 32-byte HMAC secret rendered as
// "whsec_" + standard base64.
func NewSecret() (string, error) {
	b := make([]byte, newSecretSize)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("read random secret: %w", err)
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(b), nil
}

// ParseSecret decodes an HMAC secret given as "whsec_<base64>" or as bare
// standard base64. The decoded secret must be 24 to 64 bytes long.
func ParseSecret(s string) ([]byte, error) {
	if strings.HasPrefix(s, SigningKeyPrefix) || strings.HasPrefix(s, PublicKeyPrefix) {
		return nil, errors.New("secret is an ed25519 key, not an HMAC secret")
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, SecretPrefix))
	if err != nil {
		return nil, fmt.Errorf("secret is not valid base64: %w", err)
	}
	if len(b) < MinSecretSize || len(b) > MaxSecretSize {
		return nil, fmt.Errorf("secret must be %d to %d bytes, got %d", MinSecretSize, MaxSecretSize, len(b))
	}
	return b, nil
}

// NewEd25519Key returns a fresh ed25519 key pair. The secret is rendered as
// "whsk_" + base64 of the full 64-byte private key (seed followed by public
// key, the layout of crypto/ed25519 and libsodium), the public key as
// "whpk_" + base64 of its 32 bytes.
func NewEd25519Key() (secret string, public string, err error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", "", fmt.Errorf("generate ed25519 key: %w", err)
	}
	return SigningKeyPrefix + base64.StdEncoding.EncodeToString(priv),
		PublicKeyPrefix + base64.StdEncoding.EncodeToString(pub), nil
}

// ParseSigningKey decodes an ed25519 private key given as "whsk_<base64>" or
// as bare standard base64. It accepts the full 64-byte private key (whose
// public half must match its seed) as NewEd25519Key renders it, and also a
// bare 32-byte seed.
func ParseSigningKey(s string) (ed25519.PrivateKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, SigningKeyPrefix))
	if err != nil {
		return nil, fmt.Errorf("signing key is not valid base64: %w", err)
	}
	switch len(b) {
	case ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(b), nil
	case ed25519.PrivateKeySize:
		priv := ed25519.NewKeyFromSeed(b[:ed25519.SeedSize])
		if !bytes.Equal(priv[ed25519.SeedSize:], b[ed25519.SeedSize:]) {
			return nil, errors.New("signing key's public half does not match its seed")
		}
		return priv, nil
	default:
		return nil, fmt.Errorf("signing key must be %d or %d bytes, got %d", ed25519.SeedSize, ed25519.PrivateKeySize, len(b))
	}
}

// ParsePublicKey decodes an ed25519 public key given as "whpk_<base64>" or as
// bare standard base64.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, PublicKeyPrefix))
	if err != nil {
		return nil, fmt.Errorf("public key is not valid base64: %w", err)
	}
	if len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("public key must be %d bytes, got %d", ed25519.PublicKeySize, len(b))
	}
	return ed25519.PublicKey(b), nil
}
