package sqlstore

import (
	"context"
	"database/sql/driver"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/hookhub/hookhub"
)

// GuardText wraps a database's connector so that every statement refuses a
// string argument holding a NUL character or bytes that are not UTF-8, with
// an EINVALID error, before the database sees it. PostgreSQL refuses such
// text itself, with an error that would read as an internal one; SQLite
// would store it. With the guard both answer the same, and a request that
// got past its surface's checks (package textcheck) is still refused, not
// stored altered or failed with a 500. []byte arguments are binary and are
// not checked.
func GuardText(c driver.Connector) driver.Connector { return textConnector{c} }

// DriverConnector is the connector of a driver and a data source name, as
// sql.Open would make it.
func DriverConnector(d driver.Driver, dsn string) (driver.Connector, error) {
	if dc, ok := d.(driver.DriverContext); ok {
		return dc.OpenConnector(dsn)
	}
	return dsnConnector{d, dsn}, nil
}

type dsnConnector struct {
	d   driver.Driver
	dsn string
}

func (c dsnConnector) Connect(context.Context) (driver.Conn, error) { return c.d.Open(c.dsn) }
func (c dsnConnector) Driver() driver.Driver                        { return c.d }

// checkText is the guard's check of one argument: a string, a *string, or
// a driver.Valuer (sql.NullString) of one.
func checkText(v any) error {
	if vr, ok := v.(driver.Valuer); ok && !isNilPointer(v) {
		if val, err := vr.Value(); err == nil {
			v = val
		}
	}
	if p, ok := v.(*string); ok && p != nil {
		v = *p
	}
	s, ok := v.(string)
	switch {
	case !ok:
		return nil
	case strings.IndexByte(s, 0) >= 0:
		return hookhub.Errorf(hookhub.EINVALID, "a text to store contains a NUL character, which cannot be stored")
	case !utf8.ValidString(s):
		return hookhub.Errorf(hookhub.EINVALID, "a text to store is not valid UTF-8, which cannot be stored")
	}
	return nil
}

func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

type textConnector struct{ driver.Connector }

func (c textConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return textConn{conn}, nil
}

// textConn is a driver connection whose arguments are checked. It passes on
// every optional interface database/sql looks for, answering as
// database/sql expects when the driver's connection lacks one.
type textConn struct{ driver.Conn }

// check checks nv, then lets the driver convert it as it would have.
func check(nv *driver.NamedValue, next any) error {
	if err := checkText(nv.Value); err != nil {
		return err
	}
	if c, ok := next.(driver.NamedValueChecker); ok {
		return c.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

func (c textConn) CheckNamedValue(nv *driver.NamedValue) error { return check(nv, c.Conn) }

func (c textConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	var st driver.Stmt
	var err error
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		st, err = p.PrepareContext(ctx, query)
	} else {
		st, err = c.Conn.Prepare(query)
	}
	if err != nil {
		return nil, err
	}
	return textStmt{st, c.Conn}, nil
}

func (c textConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c textConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	//lint:ignore SA1019 the driver has nothing better
	return c.Conn.Begin()
}

func (c textConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if e, ok := c.Conn.(driver.ExecerContext); ok {
		return e.ExecContext(ctx, query, args)
	}
	return nil, driver.ErrSkip
}

func (c textConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if q, ok := c.Conn.(driver.QueryerContext); ok {
		return q.QueryContext(ctx, query, args)
	}
	return nil, driver.ErrSkip
}

func (c textConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c textConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c textConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// textStmt is a prepared statement whose arguments are checked; database/sql
// asks a statement before its connection.
type textStmt struct {
	driver.Stmt
	conn driver.Conn
}

func (s textStmt) CheckNamedValue(nv *driver.NamedValue) error {
	if _, ok := s.Stmt.(driver.NamedValueChecker); ok {
		return check(nv, s.Stmt)
	}
	return check(nv, s.conn)
}

func (s textStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if e, ok := s.Stmt.(driver.StmtExecContext); ok {
		return e.ExecContext(ctx, args)
	}
	vals, err := positional(args)
	if err != nil {
		return nil, err
	}
	//lint:ignore SA1019 the driver has nothing better
	return s.Stmt.Exec(vals)
}

func (s textStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if q, ok := s.Stmt.(driver.StmtQueryContext); ok {
		return q.QueryContext(ctx, args)
	}
	vals, err := positional(args)
	if err != nil {
		return nil, err
	}
	//lint:ignore SA1019 the driver has nothing better
	return s.Stmt.Query(vals)
}

func positional(args []driver.NamedValue) ([]driver.Value, error) {
	out := make([]driver.Value, len(args))
	for i, a := range args {
		if a.Name != "" {
			return nil, hookhub.Errorf(hookhub.EINTERNAL, "the driver does not take named arguments")
		}
		out[i] = a.Value
	}
	return out, nil
}

var (
	_ driver.Connector          = textConnector{}
	_ driver.ConnPrepareContext = textConn{}
	_ driver.ConnBeginTx        = textConn{}
	_ driver.ExecerContext      = textConn{}
	_ driver.QueryerContext     = textConn{}
	_ driver.NamedValueChecker  = textConn{}
	_ driver.Pinger             = textConn{}
	_ driver.SessionResetter    = textConn{}
	_ driver.Validator          = textConn{}
	_ driver.StmtExecContext    = textStmt{}
	_ driver.StmtQueryContext   = textStmt{}
	_ driver.NamedValueChecker  = textStmt{}
)
