package hookhubtest

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/hookhub/hookhub/postgres"
	"github.com/hookhub/hookhub/postgres/pgtest"
	"github.com/hookhub/hookhub/secrets"
	"github.com/hookhub/hookhub/service"
	"github.com/hookhub/hookhub/sqlite"
)

// Databases are the databases hookhub runs on, by the names OnEachDB,
// OpenStore and ServerOptions.DB take: SQLite (one node) and PostgreSQL
// (many nodes).
var Databases = []string{"sqlite", "postgres"}

// OnEachDB runs test as a parallel subtest per database. Without a
// reachable PostgreSQL its subtest skips, or fails when CI=true (pgtest
// decides).
func OnEachDB(t *testing.T, test func(t *testing.T, db string)) {
	t.Helper()
	for _, db := range Databases {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			test(t, db)
		})
	}
}

// OpenStore opens a fresh, migrated store on db ("sqlite" or "postgres"),
// closed when t ends.
func OpenStore(t testing.TB, db string) service.Store {
	t.Helper()
	switch db {
	case "sqlite":
		return OpenSQLite(t)
	case "postgres":
		return OpenPostgres(t)
	}
	t.Fatalf("unknown database %q: want one of %v", db, Databases)
	return nil
}

// OpenSQLite opens a fresh SQLite store in a temp folder, with a random
// key, closed when t ends.
func OpenSQLite(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), sqlite.Config{Path: filepath.Join(t.TempDir(), "hookhub.db"), Key: secrets.GenerateKey()})
	if err != nil {
		t.Fatalf("open SQLite store: %v", err)
	}
	t.Cleanup(func() { closeStore(t, db) })
	return db
}

// OpenPostgres opens a store on a fresh PostgreSQL database (see pgtest),
// with a random key, closed and dropped when t ends.
func OpenPostgres(t testing.TB) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(t.Context(), postgres.Config{URL: pgtest.NewDatabase(t), Key: secrets.GenerateKey(), MaxConns: 10})
	if err != nil {
		t.Fatalf("open PostgreSQL store: %v", err)
	}
	t.Cleanup(func() { closeStore(t, db) })
	return db
}

func closeStore(t testing.TB, db interface{ Close() error }) {
	if err := db.Close(); err != nil {
		t.Errorf("close store: %v", err)
	}
}

// databaseConfig is the server configuration's DB and EncryptionKey for a
// fresh database of the kind db names.
func databaseConfig(t testing.TB, db string) (dsn, key string) {
	t.Helper()
	switch db {
	case "", "sqlite":
		return filepath.Join(t.TempDir(), "hookhub.db"), ""
	case "postgres":
		return pgtest.NewDatabase(t), fmt.Sprintf("%x", secrets.GenerateKey())
	}
	t.Fatalf("unknown database %q: want one of %v", db, Databases)
	return "", ""
}
