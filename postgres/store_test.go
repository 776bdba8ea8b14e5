package postgres_test

import (
	"crypto/rand"
	"testing"

	"github.com/hookhub/hookhub/postgres"
	"github.com/hookhub/hookhub/postgres/pgtest"
	"github.com/hookhub/hookhub/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store { return openTest(t) })
}

// testKey is the encryption key of every test database, so that several
// DBs can share one database as nodes do.
var testKey = func() []byte {
	key := make([]byte, 32)
	rand.Read(key)
	return key
}()

// openTest opens a new database, dropped when t ends.
func openTest(t *testing.T) *postgres.DB {
	t.Helper()
	return openURL(t, pgtest.NewDatabase(t))
}

// openURL opens another DB on the database at url, closed when t ends.
func openURL(t *testing.T, url string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(t.Context(), postgres.Config{URL: url, Key: testKey, MaxConns: 10})
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close database: %v", err)
		}
	})
	return db
}

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) storetest.Store {
		db, err := postgres.Open(b.Context(), postgres.Config{URL: pgtest.NewDatabase(b), Key: testKey, MaxConns: 10})
		if err != nil {
			b.Fatalf("open database: %v", err)
		}
		b.Cleanup(func() { db.Close() })
		return db
	})
}
