package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
	"github.com/hookhub/hookhub/secrets"
	"github.com/hookhub/hookhub/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Defaults of Config.
const (
	DefaultMaxConns         = 20
	DefaultStatementTimeout = 30 * time.Second
)

// The advisory locks hookhub takes. They are per database, so two hookhub
// installations in one cluster do not meet.
const (
	migrateLock int64 = 0x686f6f6b6d696772 // "hookmigr"
	leaderLock  int64 = 0x686f6f6b6c656164 // "hooklead"
)

// channel is what NOTIFY and LISTEN name when deliveries become due.
const channel = "hookhub_due"

// Config says which database to open and how.
type Config struct {
	// URL is a postgres:// URL or a key=value connection string, as libpq
	// and pgx read them (sslmode, connect_timeout, … included).
	URL string
	Key []byte // 32 bytes that encrypt secrets at rest; the same on every node
	// MaxConns caps the pool of connections the store uses for reads and
	// writes alike (default 20). Listen and the leader hold one more each.
	MaxConns int
	// StatementTimeout is PostgreSQL's statement_timeout on the pool's
	// connections (default 30 s, unless the URL sets statement_timeout).
	StatementTimeout time.Duration
	// Node names this node in the leases it takes, so that it takes back
	// its own when it starts again (sqlstore.Store.SetNode). Two nodes
	// running at once must not share a name.
	Node string
	// Logger tells when the notification or leader connection is lost
	// (nil: nothing is logged).
	Logger *slog.Logger
}

// DB is the PostgreSQL store.
type DB struct {
	*sqlstore.Store
	conn *pgx.ConnConfig // for the sessions of Listen and Lead
	log  *slog.Logger

	mu      sync.Mutex
	closed  bool
	stop    context.CancelFunc // ends the Listen calls
	stopped context.Context
	listens sync.WaitGroup
	leader  *pgx.Conn // the session holding leaderLock; nil when not leading
}

var (
	_ hookhub.Store    = (*DB)(nil)
	_ crm.Store        = (*DB)(nil)
	_ hookhub.Notifier = (*DB)(nil)
	_ hookhub.Leader   = (*DB)(nil)
)

// Dialect is PostgreSQL's part of the store. Claims lock the rows they take
// and skip the ones other claimers hold, so that any number of nodes claim
// at once without waiting for each other or taking the same row; each
// commit that makes deliveries due notifies the listening nodes.
var Dialect = sqlstore.Dialect{
	Name: "postgres",
	ClaimDeliveries: `UPDATE deliveries SET state = 'in_flight', attempts = attempts + 1, run_at = $2, updated_at = $1, leased_by = $4
		WHERE id IN (SELECT id FROM deliveries WHERE state IN ('pending', 'in_flight') AND run_at <= $1
			AND tenant_id NOT IN (SELECT id FROM tenants WHERE disabled_at IS NOT NULL) ORDER BY run_at LIMIT $3
			FOR UPDATE SKIP LOCKED)
		RETURNING id, tenant_id, event_id, webhook_id, attempts, created_at`,
	ClaimMail: `UPDATE mail SET run_at = $2, leased_by = $4
		WHERE id IN (SELECT id FROM mail WHERE state = 'queued' AND run_at <= $1 ORDER BY run_at LIMIT $3
			FOR UPDATE SKIP LOCKED)
		RETURNING ` + sqlstore.MailColumns,
	TenantTables: `SELECT c.table_name FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE'
		ORDER BY c.table_name`,
	IsUniqueViolation: func(err error) bool {
		var e *pgconn.PgError
		return errors.As(err, &e) && e.Code == "23505"
	},
	IsDeadlock: func(err error) bool {
		var e *pgconn.PgError
		return errors.As(err, &e) && e.Code == "40P01"
	},
	NotifyDue:  `SELECT pg_notify('` + channel + `', '')`,
	IsFault:    isFault,
	LockTenant: `SELECT id FROM tenants WHERE id = $1 FOR UPDATE`,
}

// Open connects to the database and migrates it.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.URL == "" {
		return nil, errors.New("postgres: database URL is empty")
	}
	box, err := secrets.New(cfg.Key)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	maxConns := cfg.MaxConns
	switch {
	case maxConns == 0:
		maxConns = DefaultMaxConns
	case maxConns < 0:
		return nil, fmt.Errorf("postgres: max connections must be positive, not %d", maxConns)
	}
	if cfg.StatementTimeout < 0 {
		return nil, fmt.Errorf("postgres: statement timeout must be positive, not %v", cfg.StatementTimeout)
	}
	cc, err := pgx.ParseConfig(cfg.URL) // its errors leave the password out
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if cc.ConnectTimeout == 0 {
		cc.ConnectTimeout = 10 * time.Second
	}
	if _, ok := cc.RuntimeParams["application_name"]; !ok {
		cc.RuntimeParams["application_name"] = "hookhub"
	}
	switch {
	case cfg.StatementTimeout > 0:
		cc.RuntimeParams["statement_timeout"] = strconv.FormatInt(max(1, cfg.StatementTimeout.Milliseconds()), 10)
	case cc.RuntimeParams["statement_timeout"] == "":
		cc.RuntimeParams["statement_timeout"] = strconv.FormatInt(DefaultStatementTimeout.Milliseconds(), 10)
	}

	if err := migrate(ctx, cc); err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	faults := &sqlstore.Faults{}
	// Storage faults come out as EUNAVAILABLE, and text the database
	// cannot store is refused as on SQLite (sqlstore.OpenDB).
	pool := sqlstore.OpenDB(stdlib.GetConnector(*cc), isFault, faults)
	pool.SetMaxOpenConns(maxConns)
	pool.SetMaxIdleConns(maxConns)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	pool.SetConnMaxLifetime(time.Hour)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: %w", connectError(cc, err))
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	stopped, stop := context.WithCancel(context.Background())
	store := &sqlstore.Store{W: pool, R: pool, Dialect: Dialect, Sealer: box, Faults: faults}
	store.SetNode(cfg.Node)
	db := &DB{
		Store:   store,
		conn:    cc,
		log:     log,
		stop:    stop,
		stopped: stopped,
	}
	// Nodes opening together may both upgrade: its rewrites are
	// idempotent and conditional.
	if err := db.Upgrade(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return db, nil
}

// Close ends Listen and the leadership, and closes the pool.
func (db *DB) Close() error {
	db.mu.Lock()
	if db.closed {
		db.mu.Unlock()
		return nil
	}
	db.closed = true
	leader := db.leader
	db.leader = nil
	db.mu.Unlock()

	db.stop()
	db.listens.Wait()
	var err error
	if leader != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = leader.Close(ctx) // ending the session releases the lock
		cancel()
	}
	return errors.Join(err, db.Store.Close())
}

// migrate applies the migrations the database lacks, holding migrateLock on
// a session of its own so that nodes starting together take turns. The
// session has no statement timeout: a migration, or the wait for another
// node's, may take longer than a query.
func migrate(ctx context.Context, cc *pgx.ConnConfig) error {
	ms, err := sqlstore.LoadMigrations(migrations, "migrations")
	if err != nil {
		return err
	}
	mc := cc.Copy()
	mc.RuntimeParams["statement_timeout"] = "0"
	db := stdlib.OpenDB(*mc)
	defer db.Close()
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		return connectError(cc, err)
	}
	defer conn.Close() // ending the session releases the lock
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrateLock); err != nil {
		return fmt.Errorf("lock for migrations: %w", err)
	}
	if _, err := sqlstore.Migrate(ctx, conn, ms, time.Now()); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, migrateLock); err != nil {
		return fmt.Errorf("unlock after migrations: %w", err)
	}
	return nil
}

// connectError says where hookhub could not connect, and why, without the
// password.
func connectError(cc *pgx.ConnConfig, err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) { // the server answered: wrong password, no such database, …
		return fmt.Errorf("PostgreSQL at %s refused the connection as %s: %s (SQLSTATE %s)", address(cc), cc.User, pgErr.Message, pgErr.Code)
	}
	return fmt.Errorf("cannot reach PostgreSQL at %s: %w", address(cc), &reachError{msg: reason(cc, err), err: err})
}

// reason shortens pgconn's error, which names the user and the database and
// then each address tried (each twice with sslmode=prefer), to the distinct
// reasons, without the address when it is the one asked for.
func reason(cc *pgx.ConnConfig, err error) string {
	var ce *pgconn.ConnectError
	if !errors.As(err, &ce) || errors.Unwrap(ce) == nil {
		return err.Error()
	}
	tries := []error{errors.Unwrap(ce)}
	if j, ok := tries[0].(interface{ Unwrap() []error }); ok {
		tries = j.Unwrap()
	}
	var msgs []string
	for _, e := range tries {
		msg := e.Error()
		if rest, ok := strings.CutPrefix(msg, address(cc)+" ("); ok {
			if _, why, ok := strings.Cut(rest, "): "); ok {
				msg = why
			}
		}
		if !slices.Contains(msgs, msg) {
			msgs = append(msgs, msg)
		}
	}
	return strings.Join(msgs, "; ")
}

// reachError is a connection error told in short.
type reachError struct {
	msg string
	err error
}

func (e *reachError) Error() string { return e.msg }
func (e *reachError) Unwrap() error { return e.err }

// address is where cc connects: host:port, or the Unix socket's path.
func address(cc *pgx.ConnConfig) string {
	if strings.HasPrefix(cc.Host, "/") {
		return fmt.Sprintf("%s/.s.PGSQL.%d", cc.Host, cc.Port)
	}
	return net.JoinHostPort(cc.Host, strconv.Itoa(int(cc.Port)))
}

// session opens a connection of its own, outside the pool, named for its
// role in pg_stat_activity ("hookhub listen", "hookhub leader").
func (db *DB) session(ctx context.Context, role string) (*pgx.Conn, error) {
	cc := db.conn.Copy()
	cc.RuntimeParams["application_name"] += " " + role
	conn, err := pgx.ConnectConfig(ctx, cc)
	if err != nil {
		return nil, connectError(db.conn, err)
	}
	return conn, nil
}

// isFault reports the errors that are storage faults: PostgreSQL's
// connection exceptions (SQLSTATE class 08), insufficient resources (53:
// disk full, out of memory, too many connections), system errors (58: I/O),
// a read-only transaction (25006) and a server shutting down or starting
// (57P01 to 57P03); and any failure to reach the server or to hear from it.
func isFault(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch c := pgErr.Code; {
		case strings.HasPrefix(c, "08"), strings.HasPrefix(c, "53"), strings.HasPrefix(c, "58"):
			return true
		case c == "25006", c == "57P01", c == "57P02", c == "57P03":
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}
