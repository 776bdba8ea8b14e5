package sqlite_test

import (
	"testing"
	"time"

	"github.com/hookhub/hookhub/sqlstore"
)

// A migration whose number is below the newest applied one (a branch
// merged after another) is applied all the same; a version the binary
// does not know is refused.
func TestMigrateFillsGaps(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	ctx := t.Context()
	conn, err := db.W.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	m := func(v int, table string) sqlstore.Migration {
		return sqlstore.Migration{Version: 1000 + v, Name: table, SQL: "CREATE TABLE " + table + " (id INTEGER)"}
	}
	// Forget hookhub's own versions: only the test's count here.
	if _, err := conn.ExecContext(ctx, `DELETE FROM schema_migrations`); err != nil {
		t.Fatal(err)
	}
	if n, err := sqlstore.Migrate(ctx, conn, []sqlstore.Migration{m(1, "gap_one"), m(3, "gap_three")}, time.Now()); err != nil || n != 2 {
		t.Fatalf("first migrate: %d, %v", n, err)
	}
	n, err := sqlstore.Migrate(ctx, conn, []sqlstore.Migration{m(1, "gap_one"), m(2, "gap_two"), m(3, "gap_three")}, time.Now())
	if err != nil || n != 1 {
		t.Fatalf("migrate with 2 missing below 3: applied %d, %v; want 1", n, err)
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO gap_two (id) VALUES (1)`); err != nil {
		t.Errorf("gap_two was not made: %v", err)
	}
	if _, err := sqlstore.Migrate(ctx, conn, []sqlstore.Migration{m(1, "gap_one"), m(2, "gap_two")}, time.Now()); err == nil {
		t.Error("a database with a version this binary does not know was accepted")
	}
}
