package hookhub

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strings"
	"time"
)

// Tenant is an account. Every other object belongs to exactly one tenant and
// is never visible to another.
type Tenant struct {
	ID        string
	Name      string // unique among tenants, ignoring case
	CreatedAt time.Time
	// DisabledAt is when an operator disabled the tenant; zero: enabled.
	// A disabled tenant's tokens do not work and its deliveries are held.
	DisabledAt time.Time
}

// Scope is a permission a token carries.
type Scope string

// The native scopes. Adapters map their own names onto these (SalesIQ's
// "SalesIQ.webhooks.READ" is ScopeWebhooksRead).
const (
	ScopeWebhooksRead   Scope = "webhooks.read"
	ScopeWebhooksCreate Scope = "webhooks.create"
	ScopeWebhooksUpdate Scope = "webhooks.update"
	ScopeWebhooksDelete Scope = "webhooks.delete"
	ScopeEventsRead     Scope = "events.read"
	ScopeEventsPublish  Scope = "events.publish"
	ScopeEventTypes     Scope = "event_types.write"
	ScopeTokens         Scope = "tokens.manage"
	ScopeIntegrations   Scope = "integrations.manage"
	ScopeRecordsRead    Scope = "records.read"
	ScopeMailRead       Scope = "mail.read"
	ScopeInboundSend    Scope = "inbound.send" // post to inbound endpoints that take tokens (CRM360's QueueProcess)
)

// AllScopes lists every scope; a tenant's first token carries all of them.
var AllScopes = []Scope{
	ScopeWebhooksRead, ScopeWebhooksCreate, ScopeWebhooksUpdate, ScopeWebhooksDelete,
	ScopeEventsRead, ScopeEventsPublish, ScopeEventTypes, ScopeTokens,
	ScopeIntegrations, ScopeRecordsRead, ScopeMailRead, ScopeInboundSend,
}

// ValidScope reports whether s is a known scope.
func ValidScope(s Scope) bool { return slices.Contains(AllScopes, s) }

// Token is an API token. Only the SHA-256 of its secret is stored; the secret
// itself is shown once, when the token is made.
type Token struct {
	ID        string
	TenantID  string
	Name      string
	Hash      []byte
	Scopes    []Scope
	CreatedAt time.Time
	ExpiresAt time.Time // zero: never
	RevokedAt time.Time // zero: not revoked
	// AppID, when set, limits the token to the app portal of that
	// application: the service refuses it everywhere else.
	AppID string
}

// Has reports whether the token carries scope.
func (t Token) Has(s Scope) bool { return slices.Contains(t.Scopes, s) }

// Usable reports whether the token may be used at now.
func (t Token) Usable(now time.Time) bool {
	return t.RevokedAt.IsZero() && (t.ExpiresAt.IsZero() || now.Before(t.ExpiresAt))
}

// tokenPrefix marks hookhub tokens so that secret scanners can find them.
const tokenPrefix = "hh_"

// NewTokenSecret returns a new random token secret and its hash.
func NewTokenSecret() (secret string, hash []byte) {
	secret = tokenPrefix + RandomString(32)
	return secret, HashToken(secret)
}

// HashToken returns the stored form of a token secret.
func HashToken(secret string) []byte {
	sum := TokenHash(secret)
	return sum[:]
}

// TokenHash is HashToken as an array, which a caller that only looks the
// hash up can keep on its stack: the service hashes the secret of every
// API request.
func TokenHash(secret string) [sha256.Size]byte {
	// Secrets are 46 or 47 bytes (hh_, hha_ and 32 random bytes in
	// base64): copied into this buffer they stay on the stack, where
	// []byte(secret) would allocate past 32 bytes. A longer one still
	// hashes, at the cost of an allocation.
	var buf [64]byte
	return sha256.Sum256(append(buf[:0], strings.TrimSpace(secret)...))
}

// NewID returns a random identifier with a type prefix ("ten_…", "tok_…").
func NewID(prefix string) string { return prefix + "_" + RandomString(16) }

// RandomString returns n random bytes as unpadded URL-safe base64.
func RandomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}
