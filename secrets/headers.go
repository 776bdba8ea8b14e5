package secrets

import (
	"bytes"
	"maps"
	"net/http"
	"strings"
)

// Hidden is what a credential's value is shown as wherever hookhub shows
// headers it sent or received: attempt logs, in every API, and the console.
// An Authorization value keeps its scheme ("Bearer (hidden)"), which says
// how the receiver was authenticated without saying with what.
const Hidden = "(hidden)"

// credentialNames are the header names that carry a credential, and
// credentialSuffixes the endings of those that do, lower case, with "_"
// read as "-".
var (
	credentialNames = map[string]bool{
		"authorization": true, "proxy-authorization": true, "cookie": true, "set-cookie": true,
		"apikey": true, "api-key": true, "key": true, "token": true, "secret": true, "password": true,
	}
	credentialSuffixes = []string{"-key", "-apikey", "-token", "-secret", "-password"}
)

// CredentialHeader reports whether a header of this name (in any case)
// usually carries a credential: Authorization, Proxy-Authorization, Cookie,
// Set-Cookie, and names ending in -Key, -Token, -Secret or -Password (or
// with "_"), such as X-Api-Key, X-Auth-Token or Client_Secret, and Apikey.
// Signatures (Webhook-Signature) are not credentials: they hold for one
// body only.
func CredentialHeader(name string) bool {
	// Every request and answer hookhub logs comes here, header by header:
	// the names every request carries and most answers do are known at
	// once (TestCommonHeaders), and the others folded in a buffer on the
	// stack, not into a new string.
	switch name {
	case "Content-Type", "User-Agent", "Webhook-Id", "Webhook-Timestamp", "Webhook-Signature",
		"Content-Length", "Date", "Server", "Connection", "Cache-Control", "Vary":
		return false
	}
	return foldedCredential(name)
}

// foldedCredential is CredentialHeader for any name.
func foldedCredential(name string) bool {
	n := strings.TrimSpace(name)
	var buf [64]byte
	b := buf[:0]
	for i := 0; i < len(n); i++ {
		c := n[i]
		switch {
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case c == '_':
			c = '-'
		}
		b = append(b, c)
	}
	if credentialNames[string(b)] {
		return true
	}
	for _, s := range credentialSuffixes {
		if bytes.HasSuffix(b, []byte(s)) {
			return true
		}
	}
	return false
}

// HideValue is the value of a header as shown: Hidden for a credential
// (after the scheme of an Authorization), the value itself otherwise.
func HideValue(name, value string) string {
	if value == "" || !CredentialHeader(name) {
		return value
	}
	if n := strings.ToLower(name); n == "authorization" || n == "proxy-authorization" {
		if scheme, rest, ok := strings.Cut(value, " "); ok && scheme != "" && rest != "" {
			return scheme + " " + Hidden
		}
	}
	return Hidden
}

// HideHeaders returns a copy of h whose credentials are hidden; nil for
// nil. Hiding hidden headers again changes nothing.
func HideHeaders(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		hidden := make([]string, len(vs))
		for i, v := range vs {
			hidden[i] = HideValue(k, v)
		}
		out[k] = hidden
	}
	return out
}

// HideHeadersShared is HideHeaders for a header nobody changes afterwards
// (a request sent, an answer read): h itself when no header carries a
// credential, as most do not, and otherwise a copy that shares the other
// headers' values.
func HideHeadersShared(h http.Header) http.Header {
	n := 0
	for k := range h {
		if CredentialHeader(k) {
			n++
		}
	}
	if n == 0 {
		return h
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		if !CredentialHeader(k) {
			out[k] = vs
			continue
		}
		hidden := make([]string, len(vs))
		for i, v := range vs {
			hidden[i] = HideValue(k, v)
		}
		out[k] = hidden
	}
	return out
}

// HideHeaderMap is HideHeaders for a webhook's custom headers.
func HideHeaderMap(h map[string]string) map[string]string {
	if h == nil {
		return nil
	}
	out := maps.Clone(h)
	for k, v := range out {
		out[k] = HideValue(k, v)
	}
	return out
}
