package sqlite

import (
	"path/filepath"
	"testing"
)

// The checkpointer reads through its page cache only for PRAGMA optimize:
// it keeps 2 MB (TestPageCaches checks the writer's and the readers').
func TestCheckpointerCache(t *testing.T) {
	db, err := Open(t.Context(), Config{Path: filepath.Join(t.TempDir(), "hookhub.db"), Key: make([]byte, 32)})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer db.Close()
	var got int
	if err := db.checkpoints.db.QueryRowContext(t.Context(), `PRAGMA cache_size`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != -2000 {
		t.Errorf("checkpointer: cache_size %d, want -2000", got)
	}
}
