package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/hookhub/hookhub"
)

// MailColumns are the columns a dialect's ClaimMail returns, in order.
const MailColumns = `id, tenant_id, webhook_id, kind, from_addr, reply_to, to_addr, subject, body, html, state, attempts, last_error, created_at, sent_at`

func scanMail(sc scanner) (*hookhub.Mail, error) {
	var m hookhub.Mail
	var state string
	var created int64
	var sent sql.NullInt64
	if err := sc.Scan(&m.ID, &m.TenantID, &m.WebhookID, &m.Kind, &m.From, &m.ReplyTo, &m.To, &m.Subject, &m.Text, &m.HTML, &state, &m.Attempts,
		&m.LastError, &created, &sent); err != nil {
		return nil, err
	}
	m.State, m.CreatedAt, m.SentAt = hookhub.MailState(state), fromMSv(created), fromMS(sent)
	return &m, nil
}

func insertMail(ctx context.Context, q queryer, m *hookhub.Mail) error {
	if m.State == "" {
		m.State = hookhub.MailQueued
	}
	err := q.QueryRowContext(ctx, `INSERT INTO mail (tenant_id, webhook_id, kind, from_addr, reply_to, to_addr, subject, body, html, state, attempts, last_error, run_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, '', $11, $11) RETURNING id`,
		m.TenantID, m.WebhookID, m.Kind, m.From, m.ReplyTo, m.To, m.Subject, m.Text, m.HTML, string(m.State), msv(m.CreatedAt)).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("insert mail: %w", err)
	}
	return nil
}

// EnqueueMail puts an e-mail in the outbox.
func (s *Store) EnqueueMail(ctx context.Context, m *hookhub.Mail) error {
	return insertMail(ctx, s.W, m)
}

// ClaimMail leases due e-mails for sending.
func (s *Store) ClaimMail(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]*hookhub.Mail, error) {
	var ms []*hookhub.Mail
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		ms, err = collect(ctx, tx, scanMail, s.Dialect.ClaimMail, msv(now), msv(now.Add(lease)), limit, s.node)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim mail: %w", err)
	}
	return ms, nil
}

// FinishMail records how sending an e-mail went.
func (s *Store) FinishMail(ctx context.Context, id int64, state hookhub.MailState, errMsg string, now, retryAt time.Time) error {
	var sent sql.NullInt64
	if state == hookhub.MailSent || state == hookhub.MailLogged {
		sent = ms(now)
	}
	if retryAt.IsZero() {
		retryAt = now
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE mail SET state = $1, last_error = $2, sent_at = $3, run_at = $4, attempts = attempts + 1, leased_by = '' WHERE id = $5`,
			string(state), errMsg, sent, msv(retryAt), id)
		if err != nil {
			return fmt.Errorf("finish mail: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("mail", id)
		}
		return s.followMail(ctx, tx, id, state, errMsg, now, sent)
	})
}

// ListMail lists a tenant's e-mails, newest first.
func (s *Store) ListMail(ctx context.Context, tenantID string, p hookhub.Page) ([]*hookhub.Mail, error) {
	var w where
	w.add("tenant_id = %s", tenantID)
	tail := w.page(p, "id")
	ms, err := collect(ctx, s.R, scanMail, `SELECT `+MailColumns+` FROM mail`+tail, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list mail: %w", err)
	}
	return ms, nil
}

// queueDepthQuery counts a tenant's ($1) pending and in-flight deliveries
// from the queue's partial index (deliveries_due), whose size is the
// queue's. The tenant is compared as an expression, so that no planner
// reads the tenant's index instead: that is its whole history, and SQLite
// chose it whenever its statistics were missing or stale, reading millions
// of rows to count a few (TestStatsPlans).
const queueDepthQuery = `SELECT COUNT(*) FROM deliveries WHERE state IN ('pending', 'in_flight') AND (tenant_id || '') = $1`

// Stats counts a tenant's deliveries.
func (s *Store) Stats(ctx context.Context, tenantID string, since time.Time) (hookhub.Stats, error) {
	var st hookhub.Stats
	rows, err := s.R.QueryContext(ctx, `SELECT state, COUNT(*) FROM deliveries WHERE tenant_id = $1 AND updated_at >= $2 GROUP BY state`,
		tenantID, msv(since))
	if err != nil {
		return st, fmt.Errorf("count deliveries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		var n int64
		if err := rows.Scan(&state, &n); err != nil {
			return st, fmt.Errorf("count deliveries: %w", err)
		}
		switch hookhub.DeliveryState(state) {
		case hookhub.DeliverySucceeded:
			st.Succeeded = n
		case hookhub.DeliveryFailed:
			st.Failed = n
		case hookhub.DeliveryPending:
			st.Pending = n
		case hookhub.DeliveryHeld:
			st.Held = n
		case hookhub.DeliveryInFlight:
			st.InFlight = n
		}
	}
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("count deliveries: %w", err)
	}
	err = s.R.QueryRowContext(ctx, queueDepthQuery, tenantID).Scan(&st.QueueDepth)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("count queue: %w", err)
	}
	return st, nil
}
