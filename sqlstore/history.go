package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// historyBatch is how many rows of each table one transaction of
// PreloadHistory writes.
const historyBatch = 50_000

// PreloadHistory writes n finished deliveries of one of a tenant's
// webhooks, each with its event and one successful attempt, created step
// apart from at (in whole milliseconds; 0: all at at): the history a database has after months of
// use, for benchmarks that measure whether hookhub stays as fast as its
// tables grow ("hookhub bench --preload"). It writes in batches, each its
// own transaction, in SQL run by the database (no row crosses the
// connection), and calls progress after each batch with the rows written
// so far. It is not part of hookhub.Store: nothing but a benchmark should
// make history.
func (s *Store) PreloadHistory(ctx context.Context, tenantID string, webhookID int64, n int, at time.Time, step time.Duration, data []byte, progress func(done int)) error {
	start, stepMS := msv(at), step.Milliseconds()
	blob := "$3"
	if s.Dialect.Name == "postgres" {
		blob = "CAST($3 AS BYTEA)" // a parameter in a SELECT list is text to PostgreSQL otherwise
	}
	for done := 0; done < n; {
		k := min(historyBatch, n-done)
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			var lastEvent, lastDelivery int64
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM events`).Scan(&lastEvent); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM deliveries`).Scan(&lastDelivery); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO events (tenant_id, type, entity_type, entity_id, data, created_at)
				WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1)
				SELECT $2, 'contact.created', 'contact', '', `+blob+`, CAST($4 AS BIGINT) + i * CAST($5 AS BIGINT) FROM seq`,
				k, tenantID, data, start+int64(done)*stepMS, stepMS); err != nil {
				return fmt.Errorf("events: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO deliveries (tenant_id, event_id, webhook_id, state, attempts, run_at, last_status, last_error, created_at, updated_at)
				SELECT tenant_id, id, $1, 'succeeded', 1, created_at, 200, '', created_at, created_at
				FROM events WHERE id > $2 ORDER BY id`, webhookID, lastEvent); err != nil {
				return fmt.Errorf("deliveries: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO attempts (delivery_id, tenant_id, webhook_id, event_id, number, url, started_at, duration_us,
					request_headers, request_body, status, response_headers, response_body, error, success)
				SELECT id, tenant_id, webhook_id, event_id, 1, 'https://history.example/hook', created_at, 1500,
					'{}', NULL, 200, '{}', NULL, '', 1
				FROM deliveries WHERE id > $1 ORDER BY id`, lastDelivery); err != nil {
				return fmt.Errorf("attempts: %w", err)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("preload history: %w", err)
		}
		done += k
		if progress != nil {
			progress(done)
		}
	}
	return nil
}
