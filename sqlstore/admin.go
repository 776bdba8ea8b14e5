package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
)

const tenantColumns = `id, name, created_at, disabled_at`

func scanTenant(sc scanner) (*hookhub.Tenant, error) {
	var t hookhub.Tenant
	var created int64
	var disabled sql.NullInt64
	if err := sc.Scan(&t.ID, &t.Name, &created, &disabled); err != nil {
		return nil, err
	}
	t.CreatedAt, t.DisabledAt = fromMSv(created), fromMS(disabled)
	return &t, nil
}

// tenantEnabled is the condition that a row's tenant is not disabled, for
// the queries that must not see a disabled tenant's tokens or deliveries.
// Few tenants are ever disabled: the subquery reads a partial index.
const tenantEnabled = `tenant_id NOT IN (SELECT id FROM tenants WHERE disabled_at IS NOT NULL)`

// ListTenants lists tenants by name.
func (s *Store) ListTenants(ctx context.Context, f hookhub.TenantFilter) ([]*hookhub.Tenant, error) {
	all, err := collect(ctx, s.R, scanTenant, `SELECT `+tenantColumns+` FROM tenants ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	// Matched here rather than in SQL: SQLite's lower() folds ASCII only.
	name := strings.ToLower(f.Name)
	return slices.DeleteFunc(all, func(t *hookhub.Tenant) bool {
		return !strings.Contains(strings.ToLower(t.Name), name)
	}), nil
}

// RenameTenant renames a tenant.
func (s *Store) RenameTenant(ctx context.Context, id, name string) (*hookhub.Tenant, error) {
	t, err := scanTenant(s.W.QueryRowContext(ctx, `UPDATE tenants SET name = $1 WHERE id = $2 RETURNING `+tenantColumns, name, id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, notFound("tenant", id)
	case err != nil && s.Dialect.IsUniqueViolation(err):
		return nil, tenantNameTaken(name)
	case err != nil:
		return nil, fmt.Errorf("rename tenant: %w", err)
	}
	return t, nil
}

func tenantNameTaken(name string) error {
	return &hookhub.Error{Code: hookhub.ECONFLICT, Message: fmt.Sprintf("a tenant named %q exists already", name),
		Fields: []hookhub.FieldError{{Field: "name", Reason: "is taken by another tenant"}}}
}

// DisableTenant disables or enables a tenant, holding or releasing its
// deliveries in the same transaction.
func (s *Store) DisableTenant(ctx context.Context, id string, disabled bool, now time.Time) (*hookhub.Tenant, error) {
	var t *hookhub.Tenant
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		set, args := `disabled_at = NULL`, []any{id}
		if disabled {
			set, args = `disabled_at = COALESCE(disabled_at, $2)`, []any{id, msv(now)}
		}
		var err error
		t, err = scanTenant(tx.QueryRowContext(ctx, `UPDATE tenants SET `+set+` WHERE id = $1 RETURNING `+tenantColumns, args...))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("tenant", id)
		}
		if err != nil {
			return fmt.Errorf("disable tenant: %w", err)
		}
		if disabled {
			if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'held', updated_at = $1
				WHERE tenant_id = $2 AND state = 'pending'`, msv(now), id); err != nil {
				return fmt.Errorf("hold deliveries: %w", err)
			}
			return nil
		}
		res, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'pending', run_at = $1, updated_at = $1
			WHERE tenant_id = $2 AND state = 'held'
			AND webhook_id IN (SELECT id FROM webhooks WHERE tenant_id = $2 AND state = 'active')`, msv(now), id)
		if err != nil {
			return fmt.Errorf("release held deliveries: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return s.notifyDue(ctx, tx)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// DeleteTenant deletes the tenant's rows from every table that has a
// tenant_id column, as the database's catalogue lists them (so tables added
// later are covered without a change here), then the tenant.
func (s *Store) DeleteTenant(ctx context.Context, id string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		tables, err := collect(ctx, tx, func(sc scanner) (string, error) {
			var name string
			return name, sc.Scan(&name)
		}, s.Dialect.TenantTables)
		if err != nil {
			return fmt.Errorf("list tenants' tables: %w", err)
		}
		for _, table := range tables {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+quoteIdent(table)+` WHERE tenant_id = $1`, id); err != nil {
				return fmt.Errorf("delete tenant's %s: %w", table, err)
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM tenants WHERE id = $1`, id)
		if err != nil {
			return fmt.Errorf("delete tenant: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("tenant", id)
		}
		return nil
	})
}

// quoteIdent quotes a table name read from the catalogue.
func quoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// CreateAdminToken stores an admin token.
func (s *Store) CreateAdminToken(ctx context.Context, t *hookhub.AdminToken) error {
	_, err := s.W.ExecContext(ctx, `INSERT INTO admin_tokens (id, name, hash, created_at) VALUES ($1, $2, $3, $4)`,
		t.ID, t.Name, t.Hash, msv(t.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert admin token: %w", err)
	}
	return nil
}

// AdminTokenByHash finds an admin token by the hash of its secret.
func (s *Store) AdminTokenByHash(ctx context.Context, hash []byte) (*hookhub.AdminToken, error) {
	var t hookhub.AdminToken
	var created int64
	err := s.R.QueryRowContext(ctx, `SELECT id, name, hash, created_at FROM admin_tokens WHERE hash = $1`, hash).
		Scan(&t.ID, &t.Name, &t.Hash, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, hookhub.Errorf(hookhub.ENOTFOUND, "admin token not found")
	}
	if err != nil {
		return nil, fmt.Errorf("get admin token: %w", err)
	}
	t.CreatedAt = fromMSv(created)
	return &t, nil
}
