package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/hookhub/hookhub"
)

const sessionColumns = `hash, tenant_id, token_id, csrf, created_at, last_seen_at, expires_at`

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, se *hookhub.Session) error {
	_, err := s.W.ExecContext(ctx, `INSERT INTO sessions (`+sessionColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		se.Hash, se.TenantID, se.TokenID, s.Sealer.Seal([]byte(se.CSRF)),
		msv(se.CreatedAt), msv(se.LastSeenAt), msv(se.ExpiresAt))
	if err != nil {
		if s.Dialect.IsUniqueViolation(err) {
			return hookhub.Errorf(hookhub.ECONFLICT, "the session exists already")
		}
		return fmt.Errorf("insert session: %w", err)
	}
	return nil
}

// GetSession finds a session by the hash of its secret.
func (s *Store) GetSession(ctx context.Context, hash []byte) (*hookhub.Session, error) {
	var se hookhub.Session
	var csrf []byte
	var created, seen, expires int64
	err := s.R.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE hash = $1`, hash).
		Scan(&se.Hash, &se.TenantID, &se.TokenID, &csrf, &created, &seen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, hookhub.Errorf(hookhub.ENOTFOUND, "session not found")
	}
	if err != nil {
		return nil, fmt.Errorf("get session: %w", err)
	}
	plain, err := s.Sealer.Open(csrf)
	if err != nil {
		return nil, fmt.Errorf("open csrf secret of session: %w", err)
	}
	se.CSRF = string(plain)
	se.CreatedAt, se.LastSeenAt, se.ExpiresAt = fromMSv(created), fromMSv(seen), fromMSv(expires)
	return &se, nil
}

// TouchSession records that a session was used.
func (s *Store) TouchSession(ctx context.Context, hash []byte, at time.Time) error {
	res, err := s.W.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE hash = $2`, msv(at), hash)
	if err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return hookhub.Errorf(hookhub.ENOTFOUND, "session not found")
	}
	return nil
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, hash []byte) error {
	if _, err := s.W.ExecContext(ctx, `DELETE FROM sessions WHERE hash = $1`, hash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// PurgeSessions deletes the sessions that have ended.
func (s *Store) PurgeSessions(ctx context.Context, now, idleSince time.Time) (int64, error) {
	res, err := s.W.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at < $2`, msv(now), msv(idleSince))
	if err != nil {
		return 0, fmt.Errorf("purge sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("purge sessions: %w", err)
	}
	return n, nil
}

// GetToken finds one of an enabled tenant's tokens by id.
func (s *Store) GetToken(ctx context.Context, tenantID, id string) (*hookhub.Token, error) {
	t, err := scanToken(s.R.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE tenant_id = $1 AND id = $2 AND `+tenantEnabled, tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("token", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get token: %w", err)
	}
	return t, nil
}
