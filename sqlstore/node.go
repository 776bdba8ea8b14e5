package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/hookhub/hookhub"
)

var (
	_ hookhub.LeaseTaker   = (*Store)(nil)
	_ hookhub.WriteChecker = (*Store)(nil)
)

// SetNode names the node this store claims work for: every lease it takes
// records the name (leased_by), and TakeBack takes back the leases under
// it. Set it before the store is used; the store test suite also sets it
// between calls to play several nodes on one database.
func (s *Store) SetNode(id string) { s.node = id }

// Node is the name SetNode gave.
func (s *Store) Node() string { return s.node }

// OneNode reports whether only one node opens the database (SQLite).
func (s *Store) OneNode() bool { return s.Dialect.OneNode }

// TakeBack makes due now the leases this node holds (every lease on a
// database only one node opens), and records that the node started.
func (s *Store) TakeBack(ctx context.Context, now time.Time) (hookhub.TakenBack, error) {
	var n hookhub.TakenBack
	// On a shared database only the node's own leases: the others belong
	// to nodes that may be running.
	mine, args := "", []any{msv(now)}
	if !s.Dialect.OneNode {
		mine, args = " AND leased_by = $2", append(args, s.node)
	}
	// What is taken back is due from when it was made, so that it goes
	// out first again, not behind the queue that built up meanwhile.
	steps := []struct {
		n     *int64
		query string
	}{
		{&n.Deliveries, `UPDATE deliveries SET run_at = CASE WHEN created_at < $1 THEN created_at ELSE $1 END
			WHERE state = 'in_flight' AND run_at > $1` + mine},
		{&n.Inbound, `UPDATE inbound_messages SET run_at = CASE WHEN received_at < $1 THEN received_at ELSE $1 END
			WHERE status = 'processing' AND run_at > $1` + mine},
		// An e-mail's lease is its run_at while queued; leased_by tells it
		// from a retry's wait, and finishing clears it.
		{&n.Mail, `UPDATE mail SET run_at = CASE WHEN created_at < $1 THEN created_at ELSE $1 END, leased_by = ''
			WHERE state = 'queued' AND run_at > $1 AND leased_by <> ''` + mine},
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, st := range steps {
			res, err := tx.ExecContext(ctx, st.query, args...)
			if err != nil {
				return fmt.Errorf("take back leases: %w", err)
			}
			*st.n, _ = res.RowsAffected()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO nodes (id, started_at, seen_at) VALUES ($1, $2, $2)
			ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, seen_at = excluded.seen_at`, s.node, msv(now)); err != nil {
			return fmt.Errorf("record node start: %w", err)
		}
		if n.Deliveries+n.Inbound > 0 {
			return s.notifyDue(ctx, tx)
		}
		return nil
	})
	return n, err
}
