package sqlite_test

import (
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/sqlite"
)

// TestCheckpointsBesideCommits: commits do not copy the write-ahead log into
// the database file (a commit that did waited for it, and a purge made such
// waits long); the checkpointer does, from its own connection, so the file
// grows while nobody commits.
func TestCheckpointsBesideCommits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hookhub.db")
	db, err := sqlite.Open(t.Context(), sqlite.Config{Path: path, Key: make([]byte, 32)})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer db.Close()
	var auto int
	if err := db.W.QueryRowContext(t.Context(), `PRAGMA wal_autocheckpoint`).Scan(&auto); err != nil || auto != 0 {
		t.Fatalf("the writer's wal_autocheckpoint = %d, %v; want 0", auto, err)
	}
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatalf("stat: %v", err)
		}
		return fi.Size()
	}
	before := size()
	ten := &hookhub.Tenant{ID: hookhub.NewID("ten"), Name: "t", CreatedAt: time.Now()}
	if err := db.CreateTenant(t.Context(), ten); err != nil {
		t.Fatalf("CreateTenant: %v", err)
	}
	data := json.RawMessage(`{"pad":"` + strings.Repeat("x", 1000) + `"}`)
	reqs := make([]hookhub.PublishRequest, 500)
	for i := range reqs {
		reqs[i].Event = &hookhub.Event{TenantID: ten.ID, Type: "contact.created", Data: data}
	}
	if _, err := db.Publish(t.Context(), time.Now(), reqs...); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	hookhubtest.Eventually(t, "the database file holds the published events", func() bool { return size() > before+400*1024 })
}

// TestCloseTwice: closing a database again is harmless, as closing a
// database/sql pool is.
func TestCloseTwice(t *testing.T) {
	db, err := sqlite.Open(t.Context(), sqlite.Config{Path: filepath.Join(t.TempDir(), "hookhub.db"), Key: make([]byte, 32)})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	_ = db.Close() // must not panic
}

// TestOptimizesWhileOpen: the planner's statistics follow the tables while
// the database is open, not only as they were when it opened (empty, here).
func TestOptimizesWhileOpen(t *testing.T) {
	db, err := sqlite.Open(t.Context(), sqlite.Config{Path: filepath.Join(t.TempDir(), "hookhub.db"), Key: make([]byte, 32),
		OptimizeEvery: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer db.Close()
	ten := &hookhub.Tenant{ID: hookhub.NewID("ten"), Name: "t", CreatedAt: time.Now()}
	if err := db.CreateTenant(t.Context(), ten); err != nil {
		t.Fatalf("CreateTenant: %v", err)
	}
	reqs := make([]hookhub.PublishRequest, 500)
	for i := range reqs {
		reqs[i].Event = &hookhub.Event{TenantID: ten.ID, Type: "contact.created", Data: json.RawMessage(`{}`)}
	}
	if _, err := db.Publish(t.Context(), time.Now(), reqs...); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	hookhubtest.Eventually(t, "statistics for the events' index count the published events", func() bool {
		var stat string
		err := db.R.QueryRowContext(t.Context(), `SELECT stat FROM sqlite_stat1 WHERE idx = 'events_tenant'`).Scan(&stat)
		n, _, _ := strings.Cut(stat, " ")
		return err == nil && n == "500"
	})
}

// TestPageCaches checks each connection's page cache: the writer's large,
// the readers' smaller (a node's memory is mostly theirs after the lists
// are read).
func TestPageCaches(t *testing.T) {
	db, err := sqlite.Open(t.Context(), sqlite.Config{Path: filepath.Join(t.TempDir(), "hookhub.db"), Key: make([]byte, 32)})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer db.Close()
	for _, c := range []struct {
		name string
		db   *sql.DB
		want int
	}{{"writer", db.W, -16000}, {"reader", db.R, -4000}} {
		var got int
		if err := c.db.QueryRowContext(t.Context(), `PRAGMA cache_size`).Scan(&got); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got != c.want {
			t.Errorf("%s: cache_size %d, want %d", c.name, got, c.want)
		}
	}
}
