package sqlite_test

import (
	"crypto/rand"
	"path/filepath"
	"testing"

	"github.com/hookhub/hookhub/sqlite"
	"github.com/hookhub/hookhub/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store { return openTest(t) })
}

// openTest opens a new database in a temporary folder, closed when t ends.
func openTest(t *testing.T) *sqlite.DB {
	t.Helper()
	key := make([]byte, 32)
	rand.Read(key)
	db, err := sqlite.Open(t.Context(), sqlite.Config{Path: filepath.Join(t.TempDir(), "hookhub.db"), Key: key})
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
		key := make([]byte, 32)
		rand.Read(key)
		db, err := sqlite.Open(b.Context(), sqlite.Config{Path: filepath.Join(b.TempDir(), "hookhub.db"), Key: key})
		if err != nil {
			b.Fatalf("open database: %v", err)
		}
		b.Cleanup(func() { db.Close() })
		return db
	})
}
