package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hookhub/hookhub"
)

var _ hookhub.ApplicationStore = (*Store)(nil)

const applicationColumns = `tenant_id, id, uid, name, metadata, rate_limit, created_at, updated_at`

func scanApplication(sc scanner) (*hookhub.Application, error) {
	var a hookhub.Application
	var uid sql.NullString
	var meta string
	var created, updated int64
	if err := sc.Scan(&a.TenantID, &a.ID, &uid, &a.Name, &meta, &a.RateLimit, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(meta), &a.Metadata); err != nil {
		return nil, fmt.Errorf("decode application metadata: %w", err)
	}
	a.UID, a.CreatedAt, a.UpdatedAt = uid.String, fromMSv(created), fromMSv(updated)
	return &a, nil
}

func applicationArgs(a *hookhub.Application) (uid sql.NullString, meta string, err error) {
	m := a.Metadata
	if m == nil {
		m = map[string]string{}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return uid, "", fmt.Errorf("encode application metadata: %w", err)
	}
	return sql.NullString{String: a.UID, Valid: a.UID != ""}, string(b), nil
}

// CreateApplication stores a new application.
func (s *Store) CreateApplication(ctx context.Context, a *hookhub.Application) error {
	uid, meta, err := applicationArgs(a)
	if err != nil {
		return err
	}
	_, err = s.W.ExecContext(ctx, `INSERT INTO applications (`+applicationColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		a.TenantID, a.ID, uid, a.Name, meta, a.RateLimit, msv(a.CreatedAt), msv(a.UpdatedAt))
	if err != nil {
		if s.Dialect.IsUniqueViolation(err) {
			return hookhub.Errorf(hookhub.ECONFLICT, "an application with uid %q exists already", a.UID)
		}
		return fmt.Errorf("insert application: %w", err)
	}
	return nil
}

// GetApplication finds an application by id or uid.
func (s *Store) GetApplication(ctx context.Context, tenantID, idOrUID string) (*hookhub.Application, error) {
	a, err := scanApplication(s.R.QueryRowContext(ctx, `SELECT `+applicationColumns+` FROM applications
		WHERE tenant_id = $1 AND (id = $2 OR uid = $2) ORDER BY id = $2 DESC LIMIT 1`, tenantID, idOrUID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("application", idOrUID)
	}
	if err != nil {
		return nil, fmt.Errorf("get application: %w", err)
	}
	return a, nil
}

// ListApplications lists a tenant's applications, oldest first.
func (s *Store) ListApplications(ctx context.Context, tenantID string, f hookhub.ApplicationFilter) ([]*hookhub.Application, error) {
	var w where
	w.add("tenant_id = %s", tenantID)
	if f.After != "" {
		w.add("seq > (SELECT seq FROM applications WHERE tenant_id = $1 AND id = %s)", f.After)
	}
	limit := hookhub.Page{Limit: f.Limit}.Limited(50, 500)
	as, err := collect(ctx, s.R, scanApplication, `SELECT `+applicationColumns+` FROM applications`+w.sql()+` ORDER BY seq`+w.limit(limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("list applications: %w", err)
	}
	return as, nil
}

// UpdateApplication saves an application's settings.
func (s *Store) UpdateApplication(ctx context.Context, a *hookhub.Application) error {
	uid, meta, err := applicationArgs(a)
	if err != nil {
		return err
	}
	res, err := s.W.ExecContext(ctx, `UPDATE applications SET uid = $1, name = $2, metadata = $3, rate_limit = $4, updated_at = $5
		WHERE tenant_id = $6 AND id = $7`, uid, a.Name, meta, a.RateLimit, msv(a.UpdatedAt), a.TenantID, a.ID)
	if err != nil {
		if s.Dialect.IsUniqueViolation(err) {
			return hookhub.Errorf(hookhub.ECONFLICT, "an application with uid %q exists already", a.UID)
		}
		return fmt.Errorf("update application: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("application", a.ID)
	}
	return nil
}

// DeleteApplication deletes an application.
func (s *Store) DeleteApplication(ctx context.Context, tenantID, id string) error {
	res, err := s.W.ExecContext(ctx, `DELETE FROM applications WHERE tenant_id = $1 AND id = $2`, tenantID, id)
	if err != nil {
		return fmt.Errorf("delete application: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("application", id)
	}
	return nil
}

// SaveResponse keeps the answer to an idempotent request.
func (s *Store) SaveResponse(ctx context.Context, r *hookhub.SavedResponse) error {
	_, err := s.W.ExecContext(ctx, `INSERT INTO saved_responses (tenant_id, key, request, status, body, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, r.TenantID, r.Key, r.Request, r.Status, r.Body, msv(r.CreatedAt))
	if err != nil {
		if s.Dialect.IsUniqueViolation(err) {
			return hookhub.Errorf(hookhub.ECONFLICT, "the idempotency key %q was used already", r.Key)
		}
		return fmt.Errorf("save response: %w", err)
	}
	return nil
}

// SavedResponse finds the answer kept for an idempotency key.
func (s *Store) SavedResponse(ctx context.Context, tenantID, key string) (*hookhub.SavedResponse, error) {
	r := hookhub.SavedResponse{TenantID: tenantID, Key: key}
	var created int64
	err := s.R.QueryRowContext(ctx, `SELECT request, status, body, created_at FROM saved_responses WHERE tenant_id = $1 AND key = $2`,
		tenantID, key).Scan(&r.Request, &r.Status, &r.Body, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("idempotency key", key)
	}
	if err != nil {
		return nil, fmt.Errorf("get saved response: %w", err)
	}
	r.CreatedAt = fromMSv(created)
	return &r, nil
}

// purgeSavedResponses deletes the answers kept for idempotency keys before
// the cut (Unix milliseconds), with the rest of what retention removes.
func (s *Store) purgeSavedResponses(ctx context.Context, cut int64) error {
	if _, err := s.W.ExecContext(ctx, `DELETE FROM saved_responses WHERE created_at < $1`, cut); err != nil {
		return fmt.Errorf("purge saved responses: %w", err)
	}
	return nil
}
