package salesiq

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/service"
)

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
	privatePEM, publicPEM, err := service.NewRSAKeyPair()
	if err != nil {
		return "", nil, err
	}
	return privatePEM, &key{ID: hookhub.NewID("key"), PublicKey: publicPEM, CreatedAt: now.UnixMilli()}, nil
}

var _ service.KeyPairs = Rules{}

// Key is a SalesIQ webhook's RSA signing key as its owner sees it: the
// public half, to verify x-siqsignature with.
type Key = service.KeyPair

func (k *key) public(secured bool) *Key {
	return &Key{ID: k.ID, PublicKey: k.PublicKey, CreatedAt: time.UnixMilli(k.CreatedAt).UTC(), Secured: secured}
}

// Key returns the signing key of a SalesIQ webhook, nil when it has none.
// Other webhooks are ENOTFOUND.
func (Rules) Key(w *hookhub.Webhook) (*Key, error) {
	m, err := ours(w)
	if err != nil || m.Key == nil {
		return nil, err
	}
	return m.Key.public(m.Secured), nil
}

// NewKey gives a SalesIQ webhook a new RSA key pair, replacing its key if
// it had one, and returns its public half.
func (Rules) NewKey(w *hookhub.Webhook) (*Key, error) {
	m, err := ours(w)
	if err != nil {
		return nil, err
	}
	if err := giveKey(w, &m); err != nil {
		return nil, err
	}
	w.Meta = m.encode()
	return m.Key.public(m.Secured), nil
}

// giveKey makes w a new RSA key pair: its private half becomes w's secret,
// its id and public half go in m. It replaces the key w had.
func giveKey(w *hookhub.Webhook, m *meta) error {
	private, k, err := newKey(time.Now())
	if err != nil {
		return err
	}
	w.Secret, w.PreviousSecret, w.PreviousUntil = private, "", time.Time{}
	m.Key = k
	return nil
}

// keepSigned gives a secured webhook without a key its key pair, so that a
// secured webhook's requests are always signed.
func keepSigned(w *hookhub.Webhook, m *meta) error {
	if !m.Secured || m.Key != nil && w.Secret != "" {
		return nil
	}
	return giveKey(w, m)
}

// DeleteKey removes the key keyID of a SalesIQ webhook. An unsecured
// webhook is then without a key; a secured one gets a new key pair at
// once, so that its requests stay signed, and DeleteKey returns it (nil
// for an unsecured webhook).
func (Rules) DeleteKey(w *hookhub.Webhook, keyID string) (*Key, error) {
	m, err := ours(w)
	if err != nil {
		return nil, err
	}
	if m.Key == nil || m.Key.ID != keyID {
		return nil, hookhub.Errorf(hookhub.ENOTFOUND, "key %s of webhook %d not found", keyID, w.ID)
	}
	w.Secret, m.Key = "", nil
	if err := keepSigned(w, &m); err != nil {
		return nil, err
	}
	w.Meta = m.encode()
	if m.Key == nil {
		return nil, nil
	}
	return m.Key.public(m.Secured), nil
}
