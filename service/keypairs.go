package service

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"time"

	"github.com/hookhub/hookhub"
)

// RSAKeyBits is the size of the RSA keys hookhub makes.
const RSAKeyBits = 2048

// NewRSAKeyPair makes an RSA key pair for a webhook that signs with one
// (SalesIQ's x-siqsignature): its private half as PKCS #8 PEM, to keep as
// the webhook's secret (encrypted at rest by the store), and its public
// half as SubjectPublicKeyInfo PEM, to show to the webhook's owner.
func NewRSAKeyPair() (privatePEM, publicPEM string, err error) {
	priv, err := rsa.GenerateKey(rand.Reader, RSAKeyBits)
	if err != nil {
		return "", "", fmt.Errorf("generate RSA key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return "", "", fmt.Errorf("encode private key: %w", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return "", "", fmt.Errorf("encode public key: %w", err)
	}
	privatePEM = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	publicPEM = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))
	return privatePEM, publicPEM, nil
}

// ParseRSAPrivateKey reads the private half NewRSAKeyPair made: a PKCS #8
// PEM RSA private key.
func ParseRSAPrivateKey(pemText string) (*rsa.PrivateKey, error) {
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

// KeyPair is the public half of a webhook's RSA signing key, as its owner
// sees it: what receivers verify signatures with.
type KeyPair struct {
	ID        string
	PublicKey string // PEM, SubjectPublicKeyInfo
	CreatedAt time.Time
	// Secured says whether the webhook's requests are signed with it.
	Secured bool
}

// KeyPairs is implemented by the FormatRules of formats whose webhooks sign
// with RSA key pairs (SalesIQ's x-siqsignature). The format keeps the
// public half in the webhook's Meta, its own way; the private half is the
// webhook's Secret.
type KeyPairs interface {
	// Key returns w's key, nil when it has none.
	Key(w *hookhub.Webhook) (*KeyPair, error)
	// NewKey gives w a new key pair, replacing its key, and returns it.
	NewKey(w *hookhub.Webhook) (*KeyPair, error)
	// DeleteKey removes w's key keyID (ENOTFOUND when w has no such key)
	// and returns the key pair that replaces it, if the format gives one
	// at once (a secured SalesIQ webhook stays signed).
	DeleteKey(w *hookhub.Webhook, keyID string) (*KeyPair, error)
}

// keyPairs returns the KeyPairs of w's format, or ENOTFOUND for a webhook
// whose format has none (the webhook "has no keys").
func (s *Service) keyPairs(w *hookhub.Webhook) (KeyPairs, error) {
	if kp, ok := s.rules[w.Format].(KeyPairs); ok {
		return kp, nil
	}
	return nil, hookhub.Errorf(hookhub.ENOTFOUND, "webhook %d has no key pairs", w.ID)
}

// HasKeyPairs reports whether the webhooks of format sign with RSA key
// pairs.
func (s *Service) HasKeyPairs(format string) bool {
	_, ok := s.rules[format].(KeyPairs)
	return ok
}

// WebhookKey returns the key pair of a webhook the caller has read, nil
// when it has none; ENOTFOUND when its format has no key pairs.
func (s *Service) WebhookKey(w *hookhub.Webhook) (*KeyPair, error) {
	kp, err := s.keyPairs(w)
	if err != nil {
		return nil, err
	}
	return kp.Key(w)
}

// CreateWebhookKey gives one of the tenant's webhooks a new key pair,
// replacing its key, under the create scope (as SalesIQ files it).
func (s *Service) CreateWebhookKey(ctx context.Context, actor *hookhub.Token, webhookID int64) (*KeyPair, error) {
	var out *KeyPair
	_, err := s.ChangeWebhook(ctx, actor, hookhub.ScopeWebhooksCreate, webhookID, func(w *hookhub.Webhook) error {
		kp, err := s.keyPairs(w)
		if err != nil {
			return err
		}
		out, err = kp.NewKey(w)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteWebhookKey removes the key keyID of one of the tenant's webhooks,
// under the delete scope, and returns the key pair that replaces it, if
// any.
func (s *Service) DeleteWebhookKey(ctx context.Context, actor *hookhub.Token, webhookID int64, keyID string) (*KeyPair, error) {
	var out *KeyPair
	_, err := s.ChangeWebhook(ctx, actor, hookhub.ScopeWebhooksDelete, webhookID, func(w *hookhub.Webhook) error {
		kp, err := s.keyPairs(w)
		if err != nil {
			return err
		}
		out, err = kp.DeleteKey(w, keyID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
