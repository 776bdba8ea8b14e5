// Package pgtest gives each test a fresh PostgreSQL database of its own, so
// that tests run in parallel without meeting. The server is the one the
// environment variable HOOKHUB_TEST_POSTGRES names (the URL of a role that
// may create databases), or else the local one over its Unix socket, as the
// user running the tests. When the server cannot be reached the tests skip,
// unless CI=true: then they fail, so that a CI run cannot pass without
// PostgreSQL.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// DefaultURL is the server tried when HOOKHUB_TEST_POSTGRES is not set: the
// local one over its Unix socket, as the current user.
const DefaultURL = "postgres:///postgres?host=/var/run/postgresql"

// Prefix starts the name of every database NewDatabase creates.
const Prefix = "hookhub_test_"

// AdminURL is the server's URL: HOOKHUB_TEST_POSTGRES, or DefaultURL.
func AdminURL() string {
	if u := os.Getenv("HOOKHUB_TEST_POSTGRES"); u != "" {
		return u
	}
	return DefaultURL
}

// admin is the connection pool that creates and drops the databases, opened
// on first use; err says why the server cannot be reached.
var admin = sync.OnceValues(func() (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(AdminURL())
	if err != nil {
		return nil, err
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(2)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
})

// NewDatabase creates an empty database, dropped when t ends, and returns its
// URL. It skips t when the server cannot be reached, or fails it when the
// environment has CI=true.
func NewDatabase(t testing.TB) string {
	t.Helper()
	db, err := admin()
	if err != nil {
		msg := fmt.Sprintf("PostgreSQL at %s cannot be reached: %v\n"+
			"(set HOOKHUB_TEST_POSTGRES to the URL of a role that may create databases)", redacted(AdminURL()), err)
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s; the PostgreSQL tests are required when CI=true", msg)
		}
		t.Skip(msg)
	}
	b := make([]byte, 8)
	rand.Read(b)
	name := Prefix + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := db.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	// A test's commits need not wait for the disk: what other sessions see
	// is the same, only a crash of the server would lose them.
	if _, err := db.ExecContext(ctx, `ALTER DATABASE `+name+` SET synchronous_commit = off`); err != nil {
		t.Fatalf("set up test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := drop(ctx, db, name); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u, err := withDatabase(AdminURL(), name)
	if err != nil {
		t.Fatalf("test database URL: %v", err)
	}
	return u
}

// drop drops a test database. FORCE ends the sessions a failed test may
// have left open. PostgreSQL refuses FORCE (SQLSTATE 42501) while the
// database has a session whose role a role that is not superuser may not
// signal: seen for a moment at a time under parallel tests (a session not
// yet authenticated, or a background worker). That passes quickly, so the
// drop is tried again.
func drop(ctx context.Context, db *sql.DB, name string) error {
	for try := 1; ; try++ {
		_, err := db.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
		var pgErr *pgconn.PgError
		if err == nil || !errors.As(err, &pgErr) || pgErr.Code != "42501" || try == 20 {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(try) * 50 * time.Millisecond):
		}
	}
}

// withDatabase returns the connection string s with its database set to
// name; s is a URL or a key=value string.
func withDatabase(s, name string) (string, error) {
	if !strings.HasPrefix(s, "postgres://") && !strings.HasPrefix(s, "postgresql://") {
		return s + " dbname=" + name, nil // the last setting of a key wins
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", err
	}
	u.Path, u.RawPath = "/"+name, ""
	return u.String(), nil
}

// redacted returns s without its password, if it is a URL.
func redacted(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return "the configured server" // a key=value string may hold a password
	}
	return u.Redacted()
}
