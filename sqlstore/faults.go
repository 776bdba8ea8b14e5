package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/hookhub/hookhub"
)

// Storage faults: the database cannot take a request now (the disk is
// full, the file read-only, an I/O error, the connection lost) through no
// fault of the request. Every error the database gives passes through the
// driver wrapper below, so that a fault, wherever it happens, comes out of
// the store as an EUNAVAILABLE error: every surface answers it 503 with
// Retry-After, and readiness turns false until a write passes again.

// errUnavailable is what every storage fault unwraps to, besides the
// driver's own error: the code and the sentence a client sees.
var errUnavailable = &hookhub.Error{Code: hookhub.EUNAVAILABLE,
	Message: "the database cannot take this request right now; try again shortly"}

// fault is a storage fault: its text is the driver's (for the log), and it
// unwraps both to the driver's error and to errUnavailable.
type fault struct{ err error }

func (f *fault) Error() string   { return "storage fault: " + f.err.Error() }
func (f *fault) Unwrap() []error { return []error{f.err, errUnavailable} }

// Faults counts the storage faults a store's connections met since a write
// last passed CheckWrites.
type Faults struct {
	pending atomic.Int64
}

// OpenDB is sql.OpenDB over c, but every error of the database that
// isFault reports a storage fault is a *fault (EUNAVAILABLE) and is
// counted in f, and text the database cannot store is refused (text.go).
// Other errors pass unchanged.
func OpenDB(c driver.Connector, isFault func(error) bool, f *Faults) *sql.DB {
	return sql.OpenDB(&faultConnector{Connector: c, isFault: isFault, faults: f})
}

// CheckWrites passes at once unless a storage fault was seen since the
// last write that passed; then it writes the node's row (nodes.seen_at),
// and passes if that write does.
func (s *Store) CheckWrites(ctx context.Context, now time.Time) error {
	if s.Faults == nil {
		return nil
	}
	n := s.Faults.pending.Load()
	if n == 0 {
		return nil
	}
	_, err := s.W.ExecContext(ctx, `INSERT INTO nodes (id, started_at, seen_at) VALUES ($1, $2, $2)
		ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at`, s.node, msv(now))
	if err != nil {
		return fmt.Errorf("write to the database: %w", err)
	}
	s.Faults.pending.CompareAndSwap(n, 0)
	return nil
}

type faultConnector struct {
	driver.Connector
	isFault func(error) bool
	faults  *Faults
}

// check turns a storage fault into a *fault and counts it. The errors
// database/sql compares by identity (ErrSkip, ErrBadConn, io.EOF at the
// end of rows) pass unchanged.
func (c *faultConnector) check(err error) error {
	if err == nil || err == driver.ErrSkip || err == driver.ErrBadConn || err == driver.ErrRemoveArgument || err == io.EOF {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || !c.isFault(err) {
		return err
	}
	if c.faults != nil {
		c.faults.pending.Add(1)
	}
	return &fault{err}
}

func (c *faultConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, c.check(err)
	}
	return &faultConn{conn: conn, c: c}, nil
}

// faultConn is a driver connection whose errors go through check. It
// offers the optional interfaces database/sql looks for, and answers as
// the driver would when the driver lacks one (ErrSkip, no check).
type faultConn struct {
	conn driver.Conn
	c    *faultConnector
}

func (fc *faultConn) Prepare(query string) (driver.Stmt, error) {
	return fc.PrepareContext(context.Background(), query)
}

func (fc *faultConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	var st driver.Stmt
	var err error
	if p, ok := fc.conn.(driver.ConnPrepareContext); ok {
		st, err = p.PrepareContext(ctx, query)
	} else {
		st, err = fc.conn.Prepare(query)
	}
	if err != nil {
		return nil, fc.c.check(err)
	}
	return &faultStmt{st: st, fc: fc}, nil
}

func (fc *faultConn) Close() error { return fc.conn.Close() }

func (fc *faultConn) Begin() (driver.Tx, error) {
	return fc.BeginTx(context.Background(), driver.TxOptions{})
}

func (fc *faultConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	var tx driver.Tx
	var err error
	if b, ok := fc.conn.(driver.ConnBeginTx); ok {
		tx, err = b.BeginTx(ctx, opts)
	} else {
		//lint:ignore SA1019 the fallback database/sql itself uses for such a driver
		tx, err = fc.conn.Begin()
	}
	if err != nil {
		return nil, fc.c.check(err)
	}
	return &faultTx{tx: tx, c: fc.c}, nil
}

func (fc *faultConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	e, ok := fc.conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	r, err := e.ExecContext(ctx, query, args)
	return r, fc.c.check(err)
}

func (fc *faultConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := fc.conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	rows, err := q.QueryContext(ctx, query, args)
	if err != nil {
		return nil, fc.c.check(err)
	}
	return &faultRows{Rows: rows, c: fc.c}, nil
}

func (fc *faultConn) Ping(ctx context.Context) error {
	if p, ok := fc.conn.(driver.Pinger); ok {
		return fc.c.check(p.Ping(ctx))
	}
	return nil
}

// CheckNamedValue refuses text the database cannot store (checkText),
// then lets the driver convert the argument as it would have.
func (fc *faultConn) CheckNamedValue(nv *driver.NamedValue) error {
	if err := checkText(nv.Value); err != nil {
		return err
	}
	if ch, ok := fc.conn.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

func (fc *faultConn) ResetSession(ctx context.Context) error {
	if r, ok := fc.conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (fc *faultConn) IsValid() bool {
	if v, ok := fc.conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

type faultStmt struct {
	st driver.Stmt
	fc *faultConn
}

func (s *faultStmt) Close() error  { return s.st.Close() }
func (s *faultStmt) NumInput() int { return s.st.NumInput() }

func (s *faultStmt) Exec(args []driver.Value) (driver.Result, error) {
	//lint:ignore SA1019 the fallback database/sql itself uses for such a driver
	r, err := s.st.Exec(args)
	return r, s.fc.c.check(err)
}

func (s *faultStmt) Query(args []driver.Value) (driver.Rows, error) {
	//lint:ignore SA1019 the fallback database/sql itself uses for such a driver
	rows, err := s.st.Query(args)
	if err != nil {
		return nil, s.fc.c.check(err)
	}
	return &faultRows{Rows: rows, c: s.fc.c}, nil
}

func (s *faultStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	e, ok := s.st.(driver.StmtExecContext)
	if !ok {
		return s.Exec(values(args))
	}
	r, err := e.ExecContext(ctx, args)
	return r, s.fc.c.check(err)
}

func (s *faultStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := s.st.(driver.StmtQueryContext)
	if !ok {
		return s.Query(values(args))
	}
	rows, err := q.QueryContext(ctx, args)
	if err != nil {
		return nil, s.fc.c.check(err)
	}
	return &faultRows{Rows: rows, c: s.fc.c}, nil
}

// CheckNamedValue refuses text the database cannot store, then asks the
// statement, or else the connection, as database/sql would ask the
// driver's.
func (s *faultStmt) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := s.st.(driver.NamedValueChecker); ok {
		if err := checkText(nv.Value); err != nil {
			return err
		}
		return ch.CheckNamedValue(nv)
	}
	return s.fc.CheckNamedValue(nv)
}

func values(args []driver.NamedValue) []driver.Value {
	vs := make([]driver.Value, len(args))
	for i, a := range args {
		vs[i] = a.Value
	}
	return vs
}

type faultTx struct {
	tx driver.Tx
	c  *faultConnector
}

func (t *faultTx) Commit() error   { return t.c.check(t.tx.Commit()) }
func (t *faultTx) Rollback() error { return t.c.check(t.tx.Rollback()) }

type faultRows struct {
	driver.Rows
	c *faultConnector
}

func (r *faultRows) Next(dest []driver.Value) error { return r.c.check(r.Rows.Next(dest)) }
