package hookhub_test

import (
	"bytes"
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/hookhub/hookhub"
)

func TestHashToken(t *testing.T) {
	for _, secret := range []string{"", "hh_x", "  hh_padded\n", strings.Repeat("s", 64), strings.Repeat("l", 65), strings.Repeat("long", 100)} {
		want := sha256.Sum256([]byte(strings.TrimSpace(secret)))
		if got := hookhub.TokenHash(secret); got != want {
			t.Errorf("TokenHash(%q) = %x, want %x", secret, got, want)
		}
		if got := hookhub.HashToken(secret); !bytes.Equal(got, want[:]) {
			t.Errorf("HashToken(%q) = %x, want %x", secret, got, want)
		}
	}
	secret, _ := hookhub.NewTokenSecret()
	admin, _ := hookhub.NewAdminTokenSecret()
	for _, s := range []string{secret, admin} {
		if n := testing.AllocsPerRun(100, func() { _ = hookhub.TokenHash(s) }); n != 0 {
			t.Errorf("TokenHash of a %d-byte secret allocates %v times, want 0", len(s), n)
		}
	}
}
