package salesiq

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"time"

	"github.com/hookhub/hookhub"
)

// KeyBits is the size of the RSA keys hookhub makes.
const KeyBits = 2048

// meta is what this adapter keeps in hookhub.Webhook.Meta. The private key
// is the webhook's Secret (encrypted at rest by the store); only its id and
// public half are here.
type meta struct {
	Module  string `json:"module"`
	Secured bool   `json:"secured"`
	Key     *key   `json:"key,omitempty"`
}

// key is a webhook's signing key as shown to its owner.
type key struct {
	ID        string `json:"id"`
	PublicKey string `json:"public_key"` // PEM, SubjectPublicKeyInfo
	CreatedAt int64  `json:"created_time"`
}

func readMeta(w *hookhub.Webhook) (meta, error) {
	var m meta
	if len(w.Meta) == 0 {
		return m, nil
	}
	if err := json.Unmarshal(w.Meta, &m); err != nil {
		return m, fmt.Errorf("webhook %d: decode salesiq meta: %w", w.ID, err)
	}
	return m, nil
}

func (m meta) encode() json.RawMessage {
	b, _ := json.Marshal(m) // plain strings, a bool and a number always encode
	return b
}

// newKey makes an RSA key pair: its private half as PKCS #8 PEM, to keep
// as the webhook's secret, and its public half.
func newKey(now time.Time) (privatePEM string, k *key, err error) {
	priv, err := rsa.GenerateKey(rand.Reader, KeyBits)
	if err != nil {
		return "", nil, fmt.Errorf("generate RSA key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return "", nil, fmt.Errorf("encode private key: %w", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return "", nil, fmt.Errorf("encode public key: %w", err)
	}
	privatePEM = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	k = &key{
		ID:        hookhub.NewID("key"),
		PublicKey: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})),
		CreatedAt: now.UnixMilli(),
	}
	return privatePEM, k, nil
}

// parsePrivateKey reads a PKCS #8 PEM RSA private key.
func parsePrivateKey(pemText string) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(pemText))
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, errors.New("signing key is not a PEM private key")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse signing key: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("signing key is not an RSA key")
	}
	return rk, nil
}
