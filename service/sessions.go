package service

import (
	"context"
	"fmt"
	"time"

	"github.com/hookhub/hookhub"
)

// SessionLimits bound a console session: it ends when it has not been used
// for Idle, and Absolute after its sign-in, whichever comes first.
type SessionLimits struct {
	Idle, Absolute time.Duration
}

// touchEvery is how stale a session's last-seen time may get before a use
// writes it again: reading a page need not write to the database each time.
const touchEvery = time.Minute

// errSessionEnded is the one answer for every session that cannot be used.
func errSessionEnded() error {
	return hookhub.Errorf(hookhub.EUNAUTHORIZED, "the session has ended; sign in again")
}

// SignIn checks a token's secret and opens a console session that acts as
// the token. It returns the session and the secret the browser keeps in
// its cookie, which nobody else may see. A session never outlives its
// token's expiry. Sessions that have ended are purged on the way.
func (s *Service) SignIn(ctx context.Context, secret string, lim SessionLimits) (*hookhub.Session, string, error) {
	tok, err := s.Authenticate(ctx, secret)
	if err != nil {
		return nil, "", err
	}
	now := s.now()
	if _, err := s.store.PurgeSessions(ctx, now, now.Add(-lim.Idle)); err != nil {
		s.log.WarnContext(ctx, "purge ended sessions", "err", err)
	}
	cookie, hash := hookhub.NewSessionSecret()
	se := &hookhub.Session{
		Hash: hash, TenantID: tok.TenantID, TokenID: tok.ID, CSRF: hookhub.RandomString(32),
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(lim.Absolute),
	}
	if !tok.ExpiresAt.IsZero() && tok.ExpiresAt.Before(se.ExpiresAt) {
		se.ExpiresAt = tok.ExpiresAt
	}
	if err := s.store.CreateSession(ctx, se); err != nil {
		return nil, "", fmt.Errorf("sign in: %w", err)
	}
	return se, cookie, nil
}

// Session finds the session whose cookie secret this is and the token it
// acts as, and records its use. A session that is unknown, idle for longer
// than lim.Idle, past its end, or whose token was revoked or has expired is
// EUNAUTHORIZED (and deleted).
func (s *Service) Session(ctx context.Context, cookie string, lim SessionLimits) (*hookhub.Session, *hookhub.Token, error) {
	if cookie == "" {
		return nil, nil, errSessionEnded()
	}
	hash := hookhub.HashToken(cookie)
	se, err := s.store.GetSession(ctx, hash)
	if hookhub.ErrorCode(err) == hookhub.ENOTFOUND {
		return nil, nil, errSessionEnded()
	}
	if err != nil {
		return nil, nil, fmt.Errorf("get session: %w", err)
	}
	now := s.now()
	tok, err := s.store.GetToken(ctx, se.TenantID, se.TokenID)
	if err != nil && hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
		return nil, nil, fmt.Errorf("get session's token: %w", err)
	}
	if err != nil || !tok.Usable(now) || !now.Before(se.ExpiresAt) || now.Sub(se.LastSeenAt) > lim.Idle {
		if err := s.store.DeleteSession(ctx, hash); err != nil {
			s.log.WarnContext(ctx, "delete ended session", "err", err)
		}
		return nil, nil, errSessionEnded()
	}
	if now.Sub(se.LastSeenAt) >= touchEvery {
		if err := s.store.TouchSession(ctx, hash, now); err != nil {
			return nil, nil, fmt.Errorf("touch session: %w", err)
		}
		se.LastSeenAt = now
	}
	return se, tok, nil
}

// SignOut ends the session whose cookie secret this is.
func (s *Service) SignOut(ctx context.Context, cookie string) error {
	if cookie == "" {
		return nil
	}
	if err := s.store.DeleteSession(ctx, hookhub.HashToken(cookie)); err != nil {
		return fmt.Errorf("sign out: %w", err)
	}
	return nil
}
