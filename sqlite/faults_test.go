package sqlite_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

// TestDiskFull: with the database at its size limit (PRAGMA
// max_page_count, SQLite's own way to be full: SQLITE_FULL, as a full
// disk gives) a publish that needs room fails with EUNAVAILABLE and a
// sentence a client may read, the driver's detail kept for the log; once
// there is room again, it passes.
func TestDiskFull(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	ctx := t.Context()
	now := time.Now()
	ten := &hookhub.Tenant{ID: "t_full", Name: "full", CreatedAt: now}
	if err := db.CreateTenant(ctx, ten); err != nil {
		t.Fatal(err)
	}
	big := json.RawMessage(fmt.Sprintf(`{"note": %q}`, strings.Repeat("x", 256<<10)))
	publish := func() error {
		_, err := db.Publish(ctx, now, hookhub.PublishRequest{Event: &hookhub.Event{
			TenantID: ten.ID, Type: "contact.created", EntityType: "contact", EntityID: "c_1", Data: big, CreatedAt: now}})
		return err
	}
	var pages int
	if err := db.W.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)); err != nil {
		t.Fatal(err)
	}
	err := publish()
	if got := hookhub.ErrorCode(err); got != hookhub.EUNAVAILABLE {
		t.Fatalf("publish into a full database: %v (code %s), want %s", err, got, hookhub.EUNAVAILABLE)
	}
	if msg := hookhub.ErrorMessage(err); strings.Contains(msg, "SQLITE") || !strings.Contains(msg, "try again") {
		t.Errorf("message a client reads = %q, want a plain sentence asking to try again", msg)
	}
	if !strings.Contains(err.Error(), "full") {
		t.Errorf("error for the log = %q, want the driver's detail (database or disk is full)", err)
	}
	if _, err := db.W.ExecContext(ctx, `PRAGMA max_page_count = 1073741823`); err != nil {
		t.Fatal(err)
	}
	if err := publish(); err != nil {
		t.Errorf("publish once there is room: %v", err)
	}
}
