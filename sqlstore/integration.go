package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/hookhub/hookhub"
)

const integrationColumns = `id, tenant_id, kind, name, active, token, created_at, created_by, updated_at, updated_by`

func (s *Store) scanIntegration(sc scanner) (*hookhub.Integration, error) {
	var in hookhub.Integration
	var active int
	var token []byte
	var created, updated int64
	if err := sc.Scan(&in.ID, &in.TenantID, &in.Kind, &in.Name, &active, &token, &created, &in.CreatedBy, &updated, &in.UpdatedBy); err != nil {
		return nil, err
	}
	plain, err := s.Sealer.Open(token)
	if err != nil {
		return nil, fmt.Errorf("open token of integration %d: %w", in.ID, err)
	}
	in.Token, in.Active = string(plain), active != 0
	in.CreatedAt, in.UpdatedAt = fromMSv(created), fromMSv(updated)
	return &in, nil
}

// CreateIntegration stores an integration and sets its id.
func (s *Store) CreateIntegration(ctx context.Context, in *hookhub.Integration) error {
	err := s.W.QueryRowContext(ctx, `INSERT INTO integrations (tenant_id, kind, name, active, token, token_hash, created_at, created_by, updated_at, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		in.TenantID, in.Kind, in.Name, boolInt(in.Active), s.Sealer.Seal([]byte(in.Token)), hookhub.HashToken(in.Token),
		msv(in.CreatedAt), in.CreatedBy, msv(in.UpdatedAt), in.UpdatedBy).Scan(&in.ID)
	if err != nil {
		if s.Dialect.IsUniqueViolation(err) {
			return hookhub.Errorf(hookhub.ECONFLICT, "the integration's token is in use; make another")
		}
		return fmt.Errorf("insert integration: %w", err)
	}
	return nil
}

// GetIntegration finds one of a tenant's integrations.
func (s *Store) GetIntegration(ctx context.Context, tenantID string, id int64) (*hookhub.Integration, error) {
	in, err := s.scanIntegration(s.R.QueryRowContext(ctx,
		`SELECT `+integrationColumns+` FROM integrations WHERE tenant_id = $1 AND id = $2`, tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("integration", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get integration: %w", err)
	}
	return in, nil
}

// IntegrationByToken finds an integration of any tenant by its URL token.
func (s *Store) IntegrationByToken(ctx context.Context, token string) (*hookhub.Integration, error) {
	in, err := s.scanIntegration(s.R.QueryRowContext(ctx,
		`SELECT `+integrationColumns+` FROM integrations WHERE token_hash = $1`, hookhub.HashToken(token)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, hookhub.Errorf(hookhub.ENOTFOUND, "integration not found")
	}
	if err != nil {
		return nil, fmt.Errorf("get integration by token: %w", err)
	}
	return in, nil
}

// ListIntegrations lists a tenant's integrations, oldest first.
func (s *Store) ListIntegrations(ctx context.Context, tenantID string, f hookhub.IntegrationFilter) ([]*hookhub.Integration, error) {
	var w where
	w.add("tenant_id = %s", tenantID)
	if f.Kind != "" {
		w.add("kind = %s", f.Kind)
	}
	all, err := collect(ctx, s.R, s.scanIntegration, `SELECT `+integrationColumns+` FROM integrations`+w.sql()+` ORDER BY id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list integrations: %w", err)
	}
	// Names are matched here: SQLite's lower() folds ASCII only.
	out := all[:0]
	for _, in := range all {
		if f.Matches(in) {
			out = append(out, in)
		}
	}
	return out, nil
}

// UpdateIntegration saves an integration's name, active flag and token.
func (s *Store) UpdateIntegration(ctx context.Context, in *hookhub.Integration) error {
	res, err := s.W.ExecContext(ctx, `UPDATE integrations SET name = $1, active = $2, token = $3, token_hash = $4, updated_at = $5, updated_by = $6
		WHERE tenant_id = $7 AND id = $8`,
		in.Name, boolInt(in.Active), s.Sealer.Seal([]byte(in.Token)), hookhub.HashToken(in.Token), msv(in.UpdatedAt), in.UpdatedBy,
		in.TenantID, in.ID)
	if err != nil {
		if s.Dialect.IsUniqueViolation(err) {
			return hookhub.Errorf(hookhub.ECONFLICT, "the integration's token is in use; make another")
		}
		return fmt.Errorf("update integration: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("integration", in.ID)
	}
	return nil
}

// DeleteIntegration removes an integration and its messages.
func (s *Store) DeleteIntegration(ctx context.Context, tenantID string, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM integrations WHERE tenant_id = $1 AND id = $2`, tenantID, id)
		if err != nil {
			return fmt.Errorf("delete integration: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("integration", id)
		}
		for _, q := range []string{
			`DELETE FROM inbound_messages WHERE tenant_id = $1 AND integration_id = $2`,
			`DELETE FROM crm360_sources WHERE tenant_id = $1 AND integration_id = $2`,
			`DELETE FROM contact_refs WHERE tenant_id = $1 AND integration_id = $2`,
		} {
			if _, err := tx.ExecContext(ctx, q, tenantID, id); err != nil {
				return fmt.Errorf("delete integration %d: %w", id, err)
			}
		}
		return nil
	})
}

const inboundColumns = `id, tenant_id, integration_id, kind, entity, action, method, query, headers, body, remote_addr,
	received_at, status, reason, answer, attempts, run_at, updated_at`

func scanInbound(sc scanner) (*hookhub.InboundMessage, error) {
	var m hookhub.InboundMessage
	var headers, status string
	var received, runAt, updated int64
	err := sc.Scan(&m.ID, &m.TenantID, &m.IntegrationID, &m.Kind, &m.Entity, &m.Action, &m.Method, &m.Query, &headers, &m.Body,
		&m.RemoteAddr, &received, &status, &m.Reason, &m.Answer, &m.Attempts, &runAt, &updated)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(headers), &m.Header); err != nil {
		return nil, fmt.Errorf("decode headers of inbound message %d: %w", m.ID, err)
	}
	m.Status = hookhub.InboundStatus(status)
	m.ReceivedAt, m.RunAt, m.UpdatedAt = fromMSv(received), fromMSv(runAt), fromMSv(updated)
	return &m, nil
}

// CreateInboundMessage stores a received message and sets its id.
func (s *Store) CreateInboundMessage(ctx context.Context, m *hookhub.InboundMessage) error {
	return insertInbound(ctx, s.W, m)
}

func insertInbound(ctx context.Context, q queryer, m *hookhub.InboundMessage) error {
	header := m.Header
	if header == nil {
		header = http.Header{}
	}
	headers, err := json.Marshal(header)
	if err != nil {
		return fmt.Errorf("encode headers: %w", err)
	}
	runAt, updated := m.RunAt, m.UpdatedAt
	if runAt.IsZero() {
		runAt = m.ReceivedAt
	}
	if updated.IsZero() {
		updated = m.ReceivedAt
	}
	m.Reason = truncate(m.Reason, hookhub.MaxInboundReason)
	err = q.QueryRowContext(ctx, `INSERT INTO inbound_messages (tenant_id, integration_id, kind, entity, action, method, query, headers, body,
		remote_addr, received_at, status, reason, answer, attempts, run_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
		m.TenantID, m.IntegrationID, m.Kind, m.Entity, m.Action, m.Method, m.Query, string(headers), m.Body,
		m.RemoteAddr, msv(m.ReceivedAt), string(m.Status), m.Reason, m.Answer, m.Attempts, msv(runAt), msv(updated)).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("insert inbound message: %w", err)
	}
	m.RunAt, m.UpdatedAt = fromMSv(msv(runAt)), fromMSv(msv(updated))
	return nil
}

// GetInboundMessage finds one of a tenant's inbound messages.
func (s *Store) GetInboundMessage(ctx context.Context, tenantID string, id int64) (*hookhub.InboundMessage, error) {
	m, err := scanInbound(s.R.QueryRowContext(ctx, `SELECT `+inboundColumns+` FROM inbound_messages WHERE tenant_id = $1 AND id = $2`, tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("inbound message", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get inbound message: %w", err)
	}
	return m, nil
}

// ListInboundMessages lists a tenant's inbound messages, newest first.
func (s *Store) ListInboundMessages(ctx context.Context, tenantID string, f hookhub.InboundFilter) ([]*hookhub.InboundMessage, error) {
	var w where
	w.add("tenant_id = %s", tenantID)
	if f.IntegrationID != 0 {
		w.add("integration_id = %s", f.IntegrationID)
	}
	if f.Status != "" {
		w.add("status = %s", string(f.Status))
	}
	if f.Tried {
		w.add("attempts > %s", 0)
	}
	w.between("received_at", f.Since, f.Until)
	tail := w.page(f.Page, "id")
	msgs, err := collect(ctx, s.R, scanInbound, `SELECT `+inboundColumns+` FROM inbound_messages`+tail, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list inbound messages: %w", err)
	}
	return msgs, nil
}

// FinishInboundMessage records what became of a message.
func (s *Store) FinishInboundMessage(ctx context.Context, tenantID string, id int64, o hookhub.InboundOutcome, now time.Time) error {
	return s.finishInbound(ctx, s.W, tenantID, id, o, now)
}

func (s *Store) finishInbound(ctx context.Context, q queryer, tenantID string, id int64, o hookhub.InboundOutcome, now time.Time) error {
	if !o.Status.Valid() {
		return fmt.Errorf("finish inbound message %d: invalid status %q", id, o.Status)
	}
	res, err := q.ExecContext(ctx, `UPDATE inbound_messages SET status = $1, reason = $2,
		answer = CASE WHEN $3 = 0 THEN answer ELSE $3 END, run_at = COALESCE($4, run_at), updated_at = $5
		WHERE tenant_id = $6 AND id = $7 AND ($8 = 0 OR status = 'processing' AND attempts = $8)`,
		string(o.Status), truncate(o.Reason, hookhub.MaxInboundReason), o.Answer, ms(o.RunAt), msv(now), tenantID, id, o.Try)
	if err != nil {
		return fmt.Errorf("finish inbound message: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if o.Try != 0 {
			if _, err := s.GetInboundMessage(ctx, tenantID, id); err == nil {
				return hookhub.Errorf(hookhub.ECONFLICT, "inbound message %d was claimed again after try %d", id, o.Try)
			}
		}
		return notFound("inbound message", id)
	}
	return nil
}

// ClaimInboundMessages leases due inbound messages. The outer conditions
// repeat the inner ones so that, on PostgreSQL, a row another claimer took
// meanwhile is skipped when its lock is released; SKIP LOCKED spares the
// wait.
func (s *Store) ClaimInboundMessages(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]*hookhub.InboundMessage, error) {
	lock := ""
	if s.Dialect.Name == "postgres" {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	// The rows are picked once, in a materialized CTE. As a subquery of IN
	// repeating the outer conditions, PostgreSQL planned it so that a claim
	// of 1 took every due message (storetest InboundQueue/Limit).
	msgs, err := collect(ctx, s.W, scanInbound, `WITH picked AS MATERIALIZED (
			SELECT id FROM inbound_messages WHERE status IN ('queued', 'processing') AND run_at <= $1 ORDER BY run_at LIMIT $3`+lock+`)
		UPDATE inbound_messages SET status = 'processing', attempts = attempts + 1, run_at = $2, updated_at = $1, leased_by = $4
		WHERE id IN (SELECT id FROM picked) AND status IN ('queued', 'processing') AND run_at <= $1
		RETURNING `+inboundColumns, msv(now), msv(now.Add(lease)), limit, s.node)
	if err != nil {
		return nil, fmt.Errorf("claim inbound messages: %w", err)
	}
	return msgs, nil
}

// PurgeInboundMessages deletes finished messages received before the given
// time.
func (s *Store) PurgeInboundMessages(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.W.ExecContext(ctx, `DELETE FROM inbound_messages WHERE received_at < $1 AND status IN ('done', 'failed')`, msv(before))
	if err != nil {
		return 0, fmt.Errorf("purge inbound messages: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// truncate cuts s to at most n bytes, at a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
