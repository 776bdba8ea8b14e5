package sqlstore

import (
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// TestRetentionPlans: every statement of the purge and of the lists' time
// windows reads a range of a hot table's primary key, on SQLite's schema,
// never the whole table. "SELECT MIN(id), MAX(id) FROM deliveries" once
// scanned all of an index: with 5 million rows, a purge with nothing to
// delete spent a second of CPU.
func TestRetentionPlans(t *testing.T) {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "plans.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms, err := LoadMigrations(os.DirFS("../sqlite"), "migrations")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if _, err := db.Exec(m.SQL); err != nil {
			t.Fatalf("migration %d: %v", m.Version, err)
		}
	}
	for _, st := range purgeSteps {
		if !st.walk {
			continue // read whole by design (few rows)
		}
		for _, q := range []string{idRangeQuery(st.table), probeQuery(st.table, st.at), st.batchQuery(), st.deleteQuery()} {
			var args []any // the driver wants a value for each parameter
			for n := 1; strings.Contains(q, "$"+strconv.Itoa(n)); n++ {
				args = append(args, 0)
			}
			rows, err := db.Query(`EXPLAIN QUERY PLAN `+q, args...)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			var plan []string
			for rows.Next() {
				var id, parent, notused int
				var detail string
				if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			rows.Close()
			for _, step := range plan {
				if strings.HasPrefix(step, "SCAN ") && !strings.HasPrefix(step, "SCAN CONSTANT ROW") && !strings.HasPrefix(step, "SCAN batch") {
					t.Errorf("%s\nreads a whole table: %s", q, strings.Join(plan, "; "))
				}
			}
		}
	}
}
