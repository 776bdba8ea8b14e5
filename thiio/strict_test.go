package thiio_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub/server"
)

// TestStrictJSON posts to a real server: a member given twice is refused
// (RFC 8259 section 4, https://www.rfc-editor.org/rfc/rfc8259#section-4:
// "The names within an object SHOULD be unique"; encoding/json would keep
// the last silently), and a number too long to keep is named as such, not
// as "must be a number".
func TestStrictJSON(t *testing.T) {
	t.Parallel()
	cfg := server.Defaults()
	cfg.Addr, cfg.AllowPrivateTargets, cfg.PollInterval = "127.0.0.1:0", true, 20*time.Millisecond
	cfg.DB = filepath.Join(t.TempDir(), "hookhub.db")
	hh := start(t, cfg)
	a := hh.tenant(t, "acme")
	var in integration
	hh.must(t, a, "POST", "/v1/integrations", map[string]any{"kind": "thiio", "name": "shop"}, 201, &in)

	dup := strings.Replace(sample, `"email": "john.doe@example.com"`, `"email": "john.doe@example.com", "email": "other@example.com"`, 1)
	if dup == sample {
		t.Fatal("the sample has no contact e-mail to repeat")
	}
	status, answer := post(t, in.URL, dup)
	if status != 422 || !strings.Contains(answer, "contact.email") || !strings.Contains(answer, "twice") {
		t.Errorf("a repeated member: %d %s, want 422 naming contact.email given twice", status, answer)
	}

	big := strings.Replace(sample, `"total": 120`, `"total": 1000000000000000000000000000000`, 1)
	if big == sample {
		t.Fatal("the sample has no total to change")
	}
	status, answer = post(t, in.URL, big)
	if status != 422 || !strings.Contains(answer, "at most 20 digits") {
		t.Errorf("a total of 10^30: %d %s, want 422 naming the limit of digits", status, answer)
	}
}
