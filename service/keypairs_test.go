package service_test

import (
	"crypto/x509"
	"encoding/pem"
	"testing"

	"github.com/hookhub/hookhub/service"
)

// TestRSAKeyPair makes a key pair whose private half parses back and whose
// public half is that key's, and refuses what is not a PEM RSA private key.
func TestRSAKeyPair(t *testing.T) {
	t.Parallel()
	privatePEM, publicPEM, err := service.NewRSAKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	priv, err := service.ParseRSAPrivateKey(privatePEM)
	if err != nil {
		t.Fatalf("parse private half: %v", err)
	}
	if got, want := priv.N.BitLen(), service.RSAKeyBits; got != want {
		t.Errorf("key of %d bits, want %d", got, want)
	}
	block, _ := pem.Decode([]byte(publicPEM))
	if block == nil || block.Type != "PUBLIC KEY" {
		t.Fatalf("public half is not a PEM public key: %q", publicPEM)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !priv.PublicKey.Equal(pub) {
		t.Error("public half is not the private key's")
	}
	for _, bad := range []string{"", "not pem", publicPEM} {
		if _, err := service.ParseRSAPrivateKey(bad); err == nil {
			t.Errorf("ParseRSAPrivateKey(%.20q) = nil error, want one", bad)
		}
	}
}
