package service

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
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
