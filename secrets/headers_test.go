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

// TestHideHeadersShared checks that HideHeadersShared shows what
// HideHeaders shows, without changing its argument, and returns a header
// without credentials itself, without allocating.
func TestHideHeadersShared(t *testing.T) {
	for _, h := range []http.Header{
		nil,
		{},
		{"Content-Type": {"application/json"}, "X-Reply": {"a", "b"}},
		{"Authorization": {"Bearer abc"}, "Content-Type": {"application/json"}, "X-Api-Key": {"k1", ""}},
		{"Set-Cookie": {"a=1", "b=2"}, "Date": {"today"}},
		{"authorization": {"Basic"}, "Client_Secret": {"s"}, "X-Empty": {}},
	} {
		before := h.Clone()
		got, want := HideHeadersShared(h), HideHeaders(h)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("HideHeadersShared(%v) = %v, want %v", h, got, want)
		}
		if !reflect.DeepEqual(h, before) {
			t.Errorf("HideHeadersShared changed its argument to %v", h)
		}
	}
	h := http.Header{"Content-Type": {"application/json"}, "User-Agent": {"x"}, "X-Custom": {"yes"}, "Webhook-Id": {"msg_1"}}
	if reflect.ValueOf(HideHeadersShared(h)).Pointer() != reflect.ValueOf(h).Pointer() {
		t.Error("a header without credentials was copied")
	}
	if n := testing.AllocsPerRun(100, func() { HideHeadersShared(h) }); n != 0 {
		t.Errorf("HideHeadersShared without credentials: %v allocations, want 0", n)
	}
}

// TestCommonHeaders checks that the names CredentialHeader answers at once
// are not credentials by its rules either.
func TestCommonHeaders(t *testing.T) {
	for _, name := range []string{"Content-Type", "User-Agent", "Webhook-Id", "Webhook-Timestamp", "Webhook-Signature",
		"Content-Length", "Date", "Server", "Connection", "Cache-Control", "Vary"} {
		if CredentialHeader(name) || foldedCredential(name) {
			t.Errorf("%q: CredentialHeader %v, by the rules %v; want false", name, CredentialHeader(name), foldedCredential(name))
		}
	}
}
