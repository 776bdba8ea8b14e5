package secrets

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestCredentialHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		want bool
	}{
		{"Authorization", true},
		{"authorization", true},
		{"Proxy-Authorization", true},
		{"Cookie", true},
		{"Set-Cookie", true},
		{"X-Api-Key", true},
		{"x-api-key", true},
		{"Api-Key", true},
		{"Apikey", true},
		{"X-Apikey", true},
		{"X-Functions-Key", true},
		{"Ocp-Apim-Subscription-Key", true},
		{"X_API_KEY", true},
		{"X-Auth-Token", true},
		{"X-Access-Token", true},
		{"Token", true},
		{"X-Client-Secret", true},
		{"Client_Secret", true},
		{"Secret", true},
		{"X-Password", true},
		{"Key", true},

		{"Content-Type", false},
		{"X-Team", false},
		{"Webhook-Id", false},
		{"Webhook-Signature", false},
		{"X-Hub-Signature-256", false},
		{"X-Monkey", false},         // ends in "key", not in "-key"
		{"Keycloak-Realm", false},   // begins with it
		{"X-Token-Type", false},     // names a kind of token, holds none
		{"X-Secretariat-Id", false}, // "secret" inside a word
		{"", false},
	}
	for _, tt := range tests {
		if got := CredentialHeader(tt.name); got != tt.want {
			t.Errorf("CredentialHeader(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestHideValue(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, value, want string }{
		{"Authorization", "Bearer abc.def", "Bearer " + Hidden},
		{"Authorization", "Basic dXNlcjpwYXNz", "Basic " + Hidden},
		{"Proxy-Authorization", "Digest username=x", "Digest " + Hidden},
		{"Authorization", "abc123", Hidden},
		{"Authorization", "Bearer " + Hidden, "Bearer " + Hidden}, // hiding twice changes nothing
		{"X-Api-Key", "k-123", Hidden},
		{"Cookie", "session=1; theme=dark", Hidden},
		{"X-Team", "sales", "sales"},
		{"X-Api-Key", "", ""}, // nothing to hide
	}
	for _, tt := range tests {
		if got := HideValue(tt.name, tt.value); got != tt.want {
			t.Errorf("HideValue(%q, %q) = %q, want %q", tt.name, tt.value, got, tt.want)
		}
	}
}

func TestHideHeaders(t *testing.T) {
	t.Parallel()
	h := http.Header{"Authorization": {"Bearer t0p"}, "X-Api-Key": {"k1", "k2"}, "Content-Type": {"application/json"}}
	got := HideHeaders(h)
	want := http.Header{"Authorization": {"Bearer " + Hidden}, "X-Api-Key": {Hidden, Hidden}, "Content-Type": {"application/json"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("HideHeaders = %v, want %v", got, want)
	}
	if h.Get("Authorization") != "Bearer t0p" {
		t.Errorf("HideHeaders changed its argument: %v", h)
	}
	if HideHeaders(nil) != nil {
		t.Error("HideHeaders(nil) is not nil")
	}
	m := HideHeaderMap(map[string]string{"x-api-key": "k", "X-Team": "sales"})
	if want := map[string]string{"x-api-key": Hidden, "X-Team": "sales"}; !reflect.DeepEqual(m, want) {
		t.Errorf("HideHeaderMap = %v, want %v", m, want)
	}
}

// TestCredentialHeaderAllocates: every header of every attempt is checked,
// so the check must not allocate (it folded each name into a new string).
func TestCredentialHeaderAllocates(t *testing.T) {
	for _, name := range []string{"Content-Type", "X-Api-Key", "webhook-signature", "Client_Secret"} {
		if n := testing.AllocsPerRun(100, func() { CredentialHeader(name) }); n != 0 {
			t.Errorf("CredentialHeader(%q) allocates %.0f times, want 0", name, n)
		}
	}
	long := strings.Repeat("X-Very-Long-Header-Name-", 5) + "Token"
	if !CredentialHeader(long) {
		t.Errorf("CredentialHeader(%q) = false, want true", long)
	}
}
