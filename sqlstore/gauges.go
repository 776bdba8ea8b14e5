package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/hookhub/hookhub"
)

var _ hookhub.GaugeReader = (*Store)(nil)

// Gauges reads the figures /metrics shows. Each query reads a queue's
// partial index or a small table, so that a scrape stays cheap as the
// history grows (held deliveries are in deliveries_webhook_open); failed
// e-mails and messages are the exception, counted from their tables' other
// indexes.
func (s *Store) Gauges(ctx context.Context, now time.Time) (hookhub.Gauges, error) {
	var g hookhub.Gauges
	var held map[string]int64
	var err error
	counts := []struct {
		into  *map[string]int64
		query string
	}{
		{&g.Deliveries, `SELECT state, COUNT(*) FROM deliveries WHERE state IN ('pending', 'in_flight') GROUP BY state`},
		{&held, `SELECT state, COUNT(*) FROM deliveries WHERE state = 'held' AND ` + openDeliveries + ` GROUP BY state`},
		{&g.Webhooks, `SELECT state, COUNT(*) FROM webhooks GROUP BY state`},
		{&g.Inbound, `SELECT status, COUNT(*) FROM inbound_messages WHERE status IN ('queued', 'processing') GROUP BY status`},
		{&g.Mail, `SELECT state, COUNT(*) FROM mail WHERE state IN ('queued', 'failed') GROUP BY state`},
		{&g.Outbox, `SELECT status, COUNT(*) FROM messages WHERE status IN ('queued', 'failed') AND channel IN ('sms', 'wallet') GROUP BY status`},
	}
	for _, c := range counts {
		if *c.into, err = s.countBy(ctx, c.query); err != nil {
			return g, err
		}
	}
	for k, v := range held {
		g.Deliveries[k] = v
	}
	// The first condition is the queue's partial index's, so that the
	// planner reads the index.
	var oldest sql.NullInt64
	err = s.R.QueryRowContext(ctx, `SELECT MIN(run_at) FROM deliveries WHERE state IN ('pending', 'in_flight') AND state = 'pending' AND run_at <= $1`,
		msv(now)).Scan(&oldest)
	if err != nil {
		return g, fmt.Errorf("read oldest due delivery: %w", err)
	}
	if oldest.Valid {
		g.OldestDue = time.UnixMilli(oldest.Int64).UTC()
	}
	return g, nil
}

// countBy runs a query of (key, count) rows into a map.
func (s *Store) countBy(ctx context.Context, query string) (map[string]int64, error) {
	rows, err := s.R.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("count for metrics: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return nil, fmt.Errorf("count for metrics: %w", err)
		}
		out[k] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count for metrics: %w", err)
	}
	return out, nil
}
