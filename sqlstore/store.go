package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/hookhub/hookhub"
)

// Dialect holds what differs between the databases.
type Dialect struct {
	Name string
	// ClaimDeliveries leases due deliveries. Arguments: $1 now (ms), $2 lease
	// end (ms), $3 limit. It returns id, tenant_id, event_id, webhook_id,
	// attempts, created_at.
	ClaimDeliveries string
	// ClaimMail leases due e-mails. Arguments as ClaimDeliveries; returns the
	// mail columns in mailColumns order.
	ClaimMail string
	// IsUniqueViolation reports whether err is a unique-constraint error.
	IsUniqueViolation func(err error) bool
	// NotifyDue, when not empty, runs in every transaction that makes
	// deliveries due now, so that other nodes wake up when it commits
	// (PostgreSQL's NOTIFY). SQLite leaves it empty.
	NotifyDue string
}

// Sealer encrypts secrets at rest (secrets.Box).
type Sealer interface {
	Seal(plaintext []byte) []byte
	Open(ciphertext []byte) ([]byte, error)
}

// Store is hookhub.Store over a database/sql database. W takes writes and R
// reads; for SQLite W is a single connection (SQLite has one writer) and R a
// pool of readers, for PostgreSQL both are the same pool.
type Store struct {
	W, R    *sql.DB
	Dialect Dialect
	Sealer  Sealer
}

var _ hookhub.Store = (*Store)(nil)

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.W.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// Close closes the database handles.
func (s *Store) Close() error {
	err := s.W.Close()
	if s.R != s.W {
		err = errors.Join(err, s.R.Close())
	}
	return err
}

// inTx runs fn in a write transaction.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// notifyDue runs the dialect's NotifyDue in tx, if it has one.
func (s *Store) notifyDue(ctx context.Context, tx *sql.Tx) error {
	if s.Dialect.NotifyDue == "" {
		return nil
	}
	if _, err := tx.ExecContext(ctx, s.Dialect.NotifyDue); err != nil {
		return fmt.Errorf("notify due deliveries: %w", err)
	}
	return nil
}

func notFound(what string, id any) error {
	return hookhub.Errorf(hookhub.ENOTFOUND, "%s %v not found", what, id)
}

// ms converts a time to Unix milliseconds; the zero time is NULL.
func ms(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

// msv is ms for columns that are never NULL.
func msv(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}

func fromMSv(v int64) time.Time { return time.UnixMilli(v).UTC() }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// scanner is *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// queryer is *sql.DB or *sql.Tx.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// collect runs a query and scans every row with scan.
func collect[T any](ctx context.Context, q queryer, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// where builds a WHERE clause with $n placeholders.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, arg any) {
	w.args = append(w.args, arg)
	w.conds = append(w.conds, fmt.Sprintf(cond, fmt.Sprintf("$%d", len(w.args))))
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	s := " WHERE " + w.conds[0]
	for _, c := range w.conds[1:] {
		s += " AND " + c
	}
	return s
}

// limit appends a LIMIT placeholder and returns its text.
func (w *where) limit(n int) string {
	w.args = append(w.args, n)
	return fmt.Sprintf(" LIMIT $%d", len(w.args))
}

// page adds the cursor condition and returns ORDER BY … LIMIT.
func (w *where) page(p hookhub.Page, col string) string {
	if p.Before > 0 {
		w.add(col+" < %s", p.Before)
	}
	return w.sql() + " ORDER BY " + col + " DESC" + w.limit(p.Limited(50, 500))
}
