package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/hookhub/hookhub/secrets"
	"github.com/hookhub/hookhub/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Config says which file to open and how.
type Config struct {
	Path string // the database file; its folder is created
	Key  []byte // 32 bytes that encrypt secrets at rest
	// Synchronous is SQLite's synchronous setting: "NORMAL" (the default:
	// a commit survives a crash of hookhub, the last ones may be lost if
	// the machine loses power) or "FULL" (a commit survives power loss).
	Synchronous string
	// Node names this process in the leases it takes (see
	// sqlstore.Store.SetNode). SQLite has one node: its leases are taken
	// back whatever the name.
	Node string
	// OptimizeEvery is how often SQLite's statistics for the query planner
	// are brought up to date (PRAGMA optimize) while the database is open;
	// 0 is every hour.
	OptimizeEvery time.Duration
}

// DB is the SQLite store.
type DB struct {
	*sqlstore.Store
	checkpoints *checkpointer
}

// Dialect is SQLite's part of the store. SQLite has one writer at a time,
// so a claim is a plain UPDATE over the oldest due rows.
var Dialect = sqlstore.Dialect{
	Name:      "sqlite",
	OneNode:   true,
	OneWriter: true,
	Param:     "?",
	IsFault:   isFault,
	ClaimDeliveries: `UPDATE deliveries SET state = 'in_flight', attempts = attempts + 1, run_at = $2, updated_at = $1, leased_by = $4
		WHERE id IN (SELECT id FROM deliveries WHERE state IN ('pending', 'in_flight') AND run_at <= $1
			AND tenant_id NOT IN (SELECT id FROM tenants WHERE disabled_at IS NOT NULL) ORDER BY run_at LIMIT $3)
		RETURNING id, tenant_id, event_id, webhook_id, attempts, created_at`,
	ClaimMail: `UPDATE mail SET run_at = $2, leased_by = $4
		WHERE id IN (SELECT id FROM mail WHERE state = 'queued' AND run_at <= $1 ORDER BY run_at LIMIT $3)
		RETURNING ` + sqlstore.MailColumns,
	TenantTables: `SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) c
		WHERE m.type = 'table' AND c.name = 'tenant_id' ORDER BY m.name`,
	IsUniqueViolation: func(err error) bool {
		var e *sqlite.Error
		return errors.As(err, &e) && (e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
	},
}

// Open opens (creating if need be) and migrates the database.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.Path == "" {
		return nil, errors.New("sqlite: database path is empty")
	}
	box, err := secrets.New(cfg.Key)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(cfg.Path), 0o700); err != nil {
		return nil, fmt.Errorf("sqlite: create database folder: %w", err)
	}
	sync := cfg.Synchronous
	switch sync {
	case "":
		sync = "NORMAL"
	case "NORMAL", "FULL", "normal", "full":
	default:
		return nil, fmt.Errorf("sqlite: synchronous must be NORMAL or FULL, not %q", sync)
	}
	// cacheKB is a connection's page cache, in KiB.
	dsn := func(cacheKB int, extra string) string {
		v := url.Values{}
		v.Add("_pragma", "busy_timeout(10000)")
		v.Add("_pragma", "journal_mode(WAL)")
		v.Add("_pragma", "synchronous("+sync+")")
		v.Add("_pragma", "cache_size(-"+strconv.Itoa(cacheKB)+")")
		v.Add("_pragma", "temp_store(MEMORY)")
		// Commits do not checkpoint: the checkpointer does, beside them.
		v.Add("_pragma", "wal_autocheckpoint(0)")
		if extra != "" {
			v.Add("_pragma", extra)
		}
		v.Set("_txlock", "immediate")
		return "file:" + filepath.ToSlash(cfg.Path) + "?" + v.Encode()
	}
	faults := &sqlstore.Faults{}
	open := func(dsn string) (*sql.DB, error) {
		c, err := sqlite.NewConnector(dsn)
		if err != nil {
			return nil, err
		}
		// Storage faults come out as EUNAVAILABLE, and text PostgreSQL
		// would refuse is refused here too (sqlstore.OpenDB).
		return sqlstore.OpenDB(c, isFault, faults), nil
	}
	// The writer keeps 16 MB of pages: the right-hand edge of every index
	// and the upper levels of the large ones.
	w, err := open(dsn(16000, ""))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", cfg.Path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: %s: %w", cfg.Path, err)
	}
	// Readers (the API's lists and lookups, up to n at once) keep 4 MB
	// each, with the operating system's cache of the file behind them:
	// the lists read after a burst grew a node by 7 MB at 16 MB each, and
	// no list page was faster for it, on 5 million rows either.
	r, err := open(dsn(4000, "query_only(1)"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open readers: %w", err)
	}
	n := max(4, runtime.GOMAXPROCS(0)*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(0)
	// The checkpointer copies the log's pages without its cache; only
	// PRAGMA optimize (a sample of each index) reads through it.
	c, err := open(dsn(2000, ""))
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("sqlite: open the checkpointer: %w", err)
	}
	db := &DB{Store: &sqlstore.Store{W: w, R: r, Dialect: Dialect, Sealer: box, Faults: faults}, checkpoints: startCheckpoints(c, cfg.OptimizeEvery)}
	db.SetNode(cfg.Node)
	if err := db.Upgrade(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: %s: %w", cfg.Path, err)
	}
	return db, nil
}

// isFault reports the SQLite errors that are storage faults: the disk
// full, the file read-only or unopenable, an I/O error, the database busy
// beyond the busy timeout, memory exhausted.
func isFault(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() & 0xff { // the primary code of an extended one
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN,
		sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_NOMEM, sqlite3.SQLITE_PROTOCOL:
		return true
	}
	return false
}

func migrate(ctx context.Context, db *sql.DB) error {
	ms, err := sqlstore.LoadMigrations(migrations, "migrations")
	if err != nil {
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	if _, err := sqlstore.Migrate(ctx, conn, ms, time.Now()); err != nil {
		return err
	}
	// Statistics for the query planner, so that a filtered list picks the
	// index of its filter (SQLite has none until it is told to gather
	// them). "optimize" analyzes only the tables that need it, and
	// analysis_limit makes it sample each index instead of reading all of
	// it: a database with 5 million deliveries took over a minute to open
	// without it.
	if _, err := conn.ExecContext(ctx, `PRAGMA analysis_limit=1000`); err != nil {
		return fmt.Errorf("optimize: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA optimize=0x10002`); err != nil {
		return fmt.Errorf("optimize: %w", err)
	}
	return nil
}
