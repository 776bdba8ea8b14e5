package hookhub

import (
	"context"
	"time"
)

// Session is a browser signed in to the console with an API token. The
// browser holds the session's secret in a cookie; only the secret's SHA-256
// is stored, so a copy of the database signs nobody in. A session acts as
// its token, with the token's tenant and scopes, and ends when the token is
// revoked or expires, when it has not been used for a while, or at its
// absolute end, whichever comes first.
type Session struct {
	Hash       []byte // HashToken of the cookie's secret
	TenantID   string
	TokenID    string
	CSRF       string // the secret the session's forms carry; encrypted at rest
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // the absolute end, however busy the session is
}

// sessionPrefix marks session secrets, as tokenPrefix marks tokens.
const sessionPrefix = "hhs_"

// NewSessionSecret returns a new random session secret (256 bits) and the
// hash it is stored as.
func NewSessionSecret() (secret string, hash []byte) {
	secret = sessionPrefix + RandomString(32)
	return secret, HashToken(secret)
}

// SessionStore keeps console sessions. Part of Store.
type SessionStore interface {
	// CreateSession stores a new session.
	CreateSession(ctx context.Context, s *Session) error
	// GetSession finds a session by the hash of its secret; ENOTFOUND when
	// there is none.
	GetSession(ctx context.Context, hash []byte) (*Session, error)
	// TouchSession records that a session was used at the given time.
	TouchSession(ctx context.Context, hash []byte, at time.Time) error
	// DeleteSession ends a session; ending an unknown one is no error.
	DeleteSession(ctx context.Context, hash []byte) error
	// PurgeSessions deletes the sessions that have ended: those whose
	// absolute end is at or before now, and those last seen before
	// idleSince. It returns how many.
	PurgeSessions(ctx context.Context, now, idleSince time.Time) (int64, error)
	// GetToken finds one of a tenant's tokens by its id: the token a
	// session acts as.
	GetToken(ctx context.Context, tenantID, id string) (*Token, error)
}
