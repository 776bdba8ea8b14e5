package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
)

// Dialect holds what differs between the databases.
type Dialect struct {
	Name string
	// ClaimDeliveries leases due deliveries. Arguments: $1 now (ms), $2 lease
	// end (ms), $3 limit, $4 the claiming node (leased_by). It returns id,
	// tenant_id, event_id, webhook_id, attempts, created_at.
	ClaimDeliveries string
	// ClaimMail leases due e-mails. Arguments as ClaimDeliveries; returns the
	// mail columns in mailColumns order.
	ClaimMail string
	// IsUniqueViolation reports whether err is a unique-constraint error.
	IsUniqueViolation func(err error) bool
	// IsDeadlock, when set, reports whether err is the database breaking a
	// deadlock by failing this transaction (PostgreSQL's 40P01): the
	// transaction may be run again. SQLite, with one writer, has none.
	IsDeadlock func(err error) bool
	// LockTenant, when not empty, locks a tenant ($1) for the rest of the
	// transaction, so that counting its webhooks and creating one is not
	// interleaved with another create (PostgreSQL's SELECT … FOR UPDATE).
	// SQLite leaves it empty: its one writer serializes the transactions.
	LockTenant string
	// NotifyDue, when not empty, runs in every transaction that makes
	// deliveries due now, so that other nodes wake up when it commits
	// (PostgreSQL's NOTIFY). SQLite leaves it empty.
	NotifyDue string
	// Param, when "?", says that a long generated statement (bulkTexts)
	// is to name its parameters "?", anonymous, in the order of its
	// arguments (SQLite): SQLite reads "$1" as a name, and looks each up
	// among the statement's others when it parses and when it binds, which
	// over hundreds of them cost more than running the statement. Empty
	// means "$1", "$2"… (PostgreSQL). Texts written once use "$n": both
	// read it.
	Param string
	// OneWriter is true for a database that runs one write transaction at
	// a time (SQLite): the hot paths' writes that wait then go together
	// into the next transaction (groupTx). Where transactions run side by
	// side (PostgreSQL), each keeps its own.
	OneWriter bool
	// OneNode is true for a database only one node opens (SQLite): a node
	// that starts takes back every lease, not only its own (see TakeBack).
	OneNode bool
	// IsFault reports whether err is a storage fault: the database cannot
	// take the request now (disk full, read-only, I/O error, connection
	// lost), through no fault of the request. See faults.go.
	IsFault func(err error) bool
	// TenantTables lists the tables that have a tenant_id column, from
	// the database's catalogue, for DeleteTenant.
	TenantTables string
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

	// Faults notes the storage faults W and R meet (OpenDB); nil: none
	// are noted, and CheckWrites always passes.
	Faults *Faults

	node string // the node this store claims work for; see SetNode

	group txGroup // publishes and outcomes written together (groupTx)

	stmts     sync.Map // stmtKey → *sql.Stmt: the hot paths' statements, parsed once per connection
	pendingMu sync.Mutex
	pending   map[string]bool // write statements to prepare before the next transaction
}

// stmtKey names a prepared statement: its text, on one of the pools.
type stmtKey struct {
	db    *sql.DB
	query string
}

// prepared returns query prepared on db, preparing it the first time. It is
// for the fixed texts of the hot paths (claim, publish, complete, token
// lookup), where parsing the SQL again on every call costs more than running
// it; database/sql keeps the statement prepared on each connection that ran
// it. Texts built from varying parts must not come here: the cache never
// shrinks.
//
// Preparing takes a connection of db, so it must not happen while the caller
// holds one in a transaction: SQLite's writer is a single connection, and a
// PostgreSQL pool may have none left. Inside a transaction hot only notes a
// statement it lacks (prepareLater), and inTx prepares it before its next
// transaction begins.
func (s *Store) prepared(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	key := stmtKey{db, query}
	if st, ok := s.stmts.Load(key); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if prev, loaded := s.stmts.LoadOrStore(key, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// cached returns the statement of query on db if it was prepared.
func (s *Store) cached(db *sql.DB, query string) *sql.Stmt {
	if st, ok := s.stmts.Load(stmtKey{db, query}); ok {
		return st.(*sql.Stmt)
	}
	return nil
}

// prepareLater notes a write statement to prepare before the next
// transaction.
func (s *Store) prepareLater(query string) {
	s.pendingMu.Lock()
	defer s.pendingMu.Unlock()
	if s.pending == nil {
		s.pending = map[string]bool{}
	}
	s.pending[query] = true
}

// preparePending prepares the noted write statements. Failures are left to
// the statements' plain runs to report.
func (s *Store) preparePending(ctx context.Context) {
	s.pendingMu.Lock()
	queries := s.pending
	s.pending = nil
	s.pendingMu.Unlock()
	for q := range queries {
		_, _ = s.prepared(ctx, s.W, q)
	}
}

// txPrepare is query prepared for tx: the cached statement, or one
// prepared on tx's connection for this transaction only (and noted to be
// cached before the next).
func (s *Store) txPrepare(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	if st := s.cached(s.W, query); st != nil {
		return tx.StmtContext(ctx, st), nil
	}
	s.prepareLater(query)
	return tx.PrepareContext(ctx, query)
}

// hot is a queryer over tx (or, with a nil tx, over db) that runs its
// queries as prepared statements from the cache; see prepared for which
// queries may go through it.
func (s *Store) hot(db *sql.DB, tx *sql.Tx) queryer { return hotQueryer{s, db, tx} }

type hotQueryer struct {
	s  *Store
	db *sql.DB
	tx *sql.Tx
}

// stmt is the prepared statement of query, or nil to run it plainly.
func (h hotQueryer) stmt(ctx context.Context, query string) *sql.Stmt {
	if h.tx == nil {
		st, err := h.s.prepared(ctx, h.db, query)
		if err != nil {
			return nil // the plain run reports the error
		}
		return st
	}
	st := h.s.cached(h.db, query)
	if st == nil {
		h.s.prepareLater(query)
		return nil
	}
	return h.tx.StmtContext(ctx, st)
}

func (h hotQueryer) plain() queryer {
	if h.tx != nil {
		return h.tx
	}
	return h.db
}

func (h hotQueryer) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := h.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return h.plain().QueryContext(ctx, query, args...)
}

func (h hotQueryer) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := h.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return h.plain().QueryRowContext(ctx, query, args...)
}

func (h hotQueryer) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := h.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return h.plain().ExecContext(ctx, query, args...)
}

var (
	_ hookhub.Store = (*Store)(nil)
	_ crm.Store     = (*Store)(nil)
)

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.W.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// Close closes the database handles.
func (s *Store) Close() error {
	s.stmts.Range(func(k, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
	err := s.W.Close()
	if s.R != s.W {
		err = errors.Join(err, s.R.Close())
	}
	return err
}

// inTx runs fn in a write transaction.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	s.preparePending(ctx)
	tx, err := s.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	// A panic in fn (a bug some data reaches) must not leave the
	// transaction open: SQLite's one writer would stay taken.
	defer func() {
		if v := recover(); v != nil {
			_ = tx.Rollback()
			panic(v)
		}
	}()
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// param is the nth parameter as written in a text that uses each of its
// parameters once, in order (Dialect.Param).
func (s *Store) param(n int) string {
	if s.Dialect.Param == "?" {
		return "?"
	}
	return "$" + strconv.Itoa(n)
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

// between adds the conditions of a time range on col: at or after since,
// before until; a zero time is no bound.
func (w *where) between(col string, since, until time.Time) {
	if !since.IsZero() {
		w.add(col+" >= %s", msv(since))
	}
	if !until.IsZero() {
		w.add(col+" < %s", msv(until))
	}
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
