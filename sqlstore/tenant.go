package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hookhub/hookhub"
)

// CreateTenant stores a new tenant.
func (s *Store) CreateTenant(ctx context.Context, t *hookhub.Tenant) error {
	_, err := s.W.ExecContext(ctx, `INSERT INTO tenants (id, name, created_at, disabled_at) VALUES ($1, $2, $3, $4)`,
		t.ID, t.Name, msv(t.CreatedAt), ms(t.DisabledAt))
	if err != nil {
		if s.Dialect.IsUniqueViolation(err) {
			return tenantNameTaken(t.Name) // the random id cannot be
		}
		return fmt.Errorf("insert tenant: %w", err)
	}
	return nil
}

// GetTenant finds a tenant by id.
func (s *Store) GetTenant(ctx context.Context, id string) (*hookhub.Tenant, error) {
	t, err := scanTenant(s.R.QueryRowContext(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("tenant", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get tenant: %w", err)
	}
	return t, nil
}

const tokenColumns = `id, tenant_id, name, hash, scopes, created_at, expires_at, revoked_at, app_id`

func scanToken(sc scanner) (*hookhub.Token, error) {
	var t hookhub.Token
	var scopes string
	var created int64
	var expires, revoked sql.NullInt64
	if err := sc.Scan(&t.ID, &t.TenantID, &t.Name, &t.Hash, &scopes, &created, &expires, &revoked, &t.AppID); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(scopes), &t.Scopes); err != nil {
		return nil, fmt.Errorf("decode token scopes: %w", err)
	}
	t.CreatedAt, t.ExpiresAt, t.RevokedAt = fromMSv(created), fromMS(expires), fromMS(revoked)
	return &t, nil
}

// CreateToken stores a token.
func (s *Store) CreateToken(ctx context.Context, t *hookhub.Token) error {
	scopes, err := json.Marshal(t.Scopes)
	if err != nil {
		return fmt.Errorf("encode scopes: %w", err)
	}
	_, err = s.W.ExecContext(ctx, `INSERT INTO tokens (`+tokenColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		t.ID, t.TenantID, t.Name, t.Hash, string(scopes), msv(t.CreatedAt), ms(t.ExpiresAt), ms(t.RevokedAt), t.AppID)
	if err != nil {
		return fmt.Errorf("insert token: %w", err)
	}
	return nil
}

// TokenByHash finds a token of any enabled tenant by the hash of its secret.
func (s *Store) TokenByHash(ctx context.Context, hash []byte) (*hookhub.Token, error) {
	t, err := scanToken(s.hot(s.R, nil).QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = $1 AND `+tenantEnabled, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, hookhub.Errorf(hookhub.ENOTFOUND, "token not found")
	}
	if err != nil {
		return nil, fmt.Errorf("get token: %w", err)
	}
	return t, nil
}

// ListTokens lists a tenant's tokens, newest first.
func (s *Store) ListTokens(ctx context.Context, tenantID string) ([]*hookhub.Token, error) {
	ts, err := collect(ctx, s.R, scanToken,
		`SELECT `+tokenColumns+` FROM tokens WHERE tenant_id = $1 ORDER BY created_at DESC, id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return ts, nil
}

// RevokeToken marks a token revoked.
func (s *Store) RevokeToken(ctx context.Context, tenantID, id string, at time.Time) error {
	res, err := s.W.ExecContext(ctx, `UPDATE tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE tenant_id = $2 AND id = $3`,
		msv(at), tenantID, id)
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("token", id)
	}
	return nil
}

// PutEventType creates or replaces a tenant's event type.
func (s *Store) PutEventType(ctx context.Context, t *hookhub.EventType) error {
	var example sql.NullString
	if len(t.Example) > 0 {
		example = sql.NullString{String: string(t.Example), Valid: true}
	}
	meta := sql.NullString{String: string(t.Meta), Valid: len(t.Meta) > 0}
	_, err := s.W.ExecContext(ctx, `INSERT INTO event_types (tenant_id, name, description, example, created_at, meta)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (tenant_id, name) DO UPDATE SET description = excluded.description, example = excluded.example, meta = excluded.meta`,
		t.TenantID, t.Name, t.Description, example, msv(t.CreatedAt), meta)
	if err != nil {
		return fmt.Errorf("put event type: %w", err)
	}
	return nil
}

// ListEventTypes lists a tenant's own event types by name.
func (s *Store) ListEventTypes(ctx context.Context, tenantID string) ([]*hookhub.EventType, error) {
	ts, err := collect(ctx, s.R, func(sc scanner) (*hookhub.EventType, error) {
		var t hookhub.EventType
		var example, meta sql.NullString
		var created int64
		if err := sc.Scan(&t.TenantID, &t.Name, &t.Description, &example, &created, &meta); err != nil {
			return nil, err
		}
		if example.Valid {
			t.Example = json.RawMessage(example.String)
		}
		if meta.Valid {
			t.Meta = json.RawMessage(meta.String)
		}
		t.CreatedAt = fromMSv(created)
		return &t, nil
	}, `SELECT tenant_id, name, description, example, created_at, meta FROM event_types WHERE tenant_id = $1 ORDER BY name`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("list event types: %w", err)
	}
	return ts, nil
}

// DeleteEventType deletes a tenant's event type.
func (s *Store) DeleteEventType(ctx context.Context, tenantID, name string) error {
	res, err := s.W.ExecContext(ctx, `DELETE FROM event_types WHERE tenant_id = $1 AND name = $2`, tenantID, name)
	if err != nil {
		return fmt.Errorf("delete event type: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("event type", name)
	}
	return nil
}
