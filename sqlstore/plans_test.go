package sqlstore

// Plans: statements whose plans matter as tables grow, checked with each
// database's EXPLAIN on its real schema.

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/hookhub/hookhub/postgres/pgtest"
)

// TestRetentionPlans: every statement of the purge and of the lists' time
// windows reads a range of a hot table's primary key, on SQLite's schema,
// never the whole table. "SELECT MIN(id), MAX(id) FROM deliveries" once
// scanned all of an index: with 5 million rows, a purge with nothing to
// delete spent a second of CPU.
func TestRetentionPlans(t *testing.T) {
	db := openPlans(t, "sqlite", filepath.Join(t.TempDir(), "plans.db"), "../sqlite")
	for _, st := range purgeSteps {
		if !st.walk {
			continue // read whole by design (few rows)
		}
		for _, q := range []string{idRangeQuery(st.table), probeQuery(st.table, st.at), st.batchQuery(), st.deleteQuery()} {
			plan := explain(t, db, `EXPLAIN QUERY PLAN `, q, 3)
			for _, step := range plan {
				if strings.HasPrefix(step, "SCAN ") && !strings.HasPrefix(step, "SCAN CONSTANT ROW") && !strings.HasPrefix(step, "SCAN batch") {
					t.Errorf("%s\nreads a whole table: %s", q, strings.Join(plan, "; "))
				}
			}
		}
	}
}

// TestStatsPlans: a tenant's queue depth is counted from the queue's
// index, with or without SQLite's statistics, when the tenant's history is
// most of the table. Without statistics (a new database, or before the
// next PRAGMA optimize) it read all of the tenant's rows.
func TestStatsPlans(t *testing.T) {
	db := openPlans(t, "sqlite", filepath.Join(t.TempDir(), "plans.db"), "../sqlite")
	if _, err := db.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
		INSERT INTO deliveries (tenant_id, event_id, webhook_id, state, attempts, run_at, last_status, last_error, created_at, updated_at)
		SELECT 'ten', i, i % 3, CASE WHEN i % 1000 = 0 THEN 'pending' ELSE 'succeeded' END, 1, i, 200, '', i, i FROM n`); err != nil {
		t.Fatal(err)
	}
	// The tenant's own id, as SQLite's statistics may know values.
	q := strings.ReplaceAll(queueDepthQuery, "$1", "'ten'")
	for _, stats := range []string{"without statistics", "after ANALYZE"} {
		if stats == "after ANALYZE" {
			if _, err := db.Exec(`ANALYZE`); err != nil {
				t.Fatal(err)
			}
		}
		plan := strings.Join(explain(t, db, `EXPLAIN QUERY PLAN `, q, 3), "; ")
		if !strings.Contains(plan, "deliveries_due") {
			t.Errorf("%s: %s\ndoes not read the queue's index: %s", stats, queueDepthQuery, plan)
		}
	}
}

// TestOutcomePlans: an outcome's update reads its deliveries by id on
// PostgreSQL even when the statistics were taken with an empty queue, and
// the queue has grown since (autovacuum analyzes when it will). The
// planner then estimated the queue's partial index (deliveries_due) nearly
// empty, and read the whole queue for every outcome.
func TestOutcomePlans(t *testing.T) {
	db := openPlans(t, "pgx", pgtest.NewDatabase(t), "../postgres")
	for _, q := range []string{
		`ALTER TABLE deliveries SET (autovacuum_enabled = false)`,
		`INSERT INTO deliveries (tenant_id, event_id, webhook_id, state, attempts, run_at, last_status, last_error, created_at, updated_at)
			SELECT 'ten', i, 1, 'succeeded', 1, i, 200, '', i, i FROM generate_series(1, 20000) i`,
		`ANALYZE deliveries`,
		`UPDATE deliveries SET state = CASE WHEN id % 10 = 0 THEN 'in_flight' ELSE 'pending' END WHERE id > 8000`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s := &Store{}
	for _, q := range []string{
		outcomeUpdate(`state = 'succeeded', last_status = $3, last_error = ''`, 4),
		outcomeUpdate(`state = 'pending', run_at = $3, last_status = $4, last_error = $5`, 6),
		s.succeededUpdate(64),
	} {
		plan := explain(t, db, `EXPLAIN `, q, 0)
		if text := strings.Join(plan, "\n"); strings.Contains(text, "deliveries_due") || !strings.Contains(text, "deliveries_pkey") {
			t.Errorf("%s\nreads the queue, not deliveries by id:\n%s", q, text)
		}
	}
}

// openPlans opens a database of driver at dsn with the schema of the
// dialect in dir (its migrations), closed when t ends.
func openPlans(t *testing.T, driver, dsn, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ms, err := LoadMigrations(os.DirFS(dir), "migrations")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if _, err := db.Exec(m.SQL); err != nil {
			t.Fatalf("migration %d: %v", m.Version, err)
		}
	}
	return db
}

// explain runs how+q with a value for each of q's parameters and returns
// the plan's lines: column col of each row.
func explain(t *testing.T, db *sql.DB, how, q string, col int) []string {
	t.Helper()
	var args []any
	for n := 1; strings.Contains(q, "$"+strconv.Itoa(n)); n++ {
		args = append(args, "1") // text: PostgreSQL reads it as any type
	}
	rows, err := db.Query(how+q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	for rows.Next() {
		vals := make([]any, len(cols))
		for i := range vals {
			vals[i] = new(any)
		}
		if err := rows.Scan(vals...); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, fmt.Sprint(*vals[col].(*any)))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}
