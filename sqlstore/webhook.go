package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
)

// settingColumns are what UpdateWebhook writes; statColumns are what
// Complete writes.
const (
	settingColumns = `name, url, events, apps, channels, state, format, secret, signing_scheme, previous_secret, previous_until,
		headers, headers_sealed, properties, timeout_ms, retry_schedule_ms, retry_jitter, success_codes, rate_limit_per_s,
		max_in_flight, failure_threshold, errors_email, email_each_failure, meta, updated_at, updated_by,
		filter, transform, type, script`
	statColumns    = `consecutive_failures, total_calls, total_errors, last_error, last_triggered_at, failing_since`
	webhookColumns = `id, tenant_id, ` + settingColumns + `, ` + statColumns + `, registered_at, registered_by, version`
)

// webhookRow is a webhook in its stored encoding.
type webhookRow struct {
	name, url, events, state, format string
	apps, channels                   sql.NullString
	secret                           []byte
	scheme                           string
	previous                         []byte
	previousUntil                    sql.NullInt64
	headers, properties              sql.NullString
	headersSealed                    []byte
	timeoutMS                        int64
	schedule                         string
	jitter                           float64
	successCodes                     sql.NullString
	rateLimit                        float64
	maxInFlight, threshold           int
	errorsEmail                      string
	eachFailure                      int
	meta                             sql.NullString
	updatedAt                        int64
	updatedBy                        string
	filter                           sql.NullString
	transform, typ, script           string
}

func nullJSON(v any, empty bool) (sql.NullString, error) {
	if empty {
		return sql.NullString{}, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return sql.NullString{}, err
	}
	return sql.NullString{String: string(b), Valid: true}, nil
}

func nullRaw(r json.RawMessage) sql.NullString {
	if len(r) == 0 {
		return sql.NullString{}
	}
	return sql.NullString{String: string(r), Valid: true}
}

func (s *Store) encodeWebhook(w *hookhub.Webhook) ([]any, error) {
	events, err := json.Marshal(w.Events)
	if err != nil {
		return nil, fmt.Errorf("encode events: %w", err)
	}
	apps, err := nullJSON(w.Apps, len(w.Apps) == 0)
	if err != nil {
		return nil, fmt.Errorf("encode apps: %w", err)
	}
	channels, err := nullJSON(w.Channels, len(w.Channels) == 0)
	if err != nil {
		return nil, fmt.Errorf("encode channels: %w", err)
	}
	headers, err := s.sealHeaders(w.Headers)
	if err != nil {
		return nil, err
	}
	codes, err := nullJSON(w.SuccessCodes, len(w.SuccessCodes) == 0)
	if err != nil {
		return nil, fmt.Errorf("encode success codes: %w", err)
	}
	schedule := make([]int64, len(w.Retry.Schedule))
	for i, d := range w.Retry.Schedule {
		schedule[i] = d.Milliseconds()
	}
	sched, err := json.Marshal(schedule)
	if err != nil {
		return nil, fmt.Errorf("encode schedule: %w", err)
	}
	var secret, previous []byte
	if w.Secret != "" {
		secret = s.Sealer.Seal([]byte(w.Secret))
	}
	if w.PreviousSecret != "" {
		previous = s.Sealer.Seal([]byte(w.PreviousSecret))
	}
	return []any{
		w.Name, w.URL, string(events), apps, channels, string(w.State), w.Format, secret, w.SigningScheme, previous, ms(w.PreviousUntil),
		nil, headers, nullRaw(w.Properties), w.Timeout.Milliseconds(), string(sched), w.Retry.Jitter, codes, w.RateLimitPerS,
		w.MaxInFlight, w.FailureThreshold, w.ErrorsEmail, boolInt(w.EmailEachFailure), nullRaw(w.Meta), msv(w.UpdatedAt), w.UpdatedBy,
		nullRaw(w.Filter), w.Transform, cmp.Or(w.Type, hookhub.TypeHTTP), w.Script,
	}, nil
}

func (s *Store) scanWebhook(sc scanner) (*hookhub.Webhook, error) {
	var w hookhub.Webhook
	var r webhookRow
	var lastTriggered, failingSince sql.NullInt64
	var registered int64
	err := sc.Scan(&w.ID, &w.TenantID,
		&r.name, &r.url, &r.events, &r.apps, &r.channels, &r.state, &r.format, &r.secret, &r.scheme, &r.previous, &r.previousUntil,
		&r.headers, &r.headersSealed, &r.properties, &r.timeoutMS, &r.schedule, &r.jitter, &r.successCodes, &r.rateLimit,
		&r.maxInFlight, &r.threshold, &r.errorsEmail, &r.eachFailure, &r.meta, &r.updatedAt, &r.updatedBy,
		&r.filter, &r.transform, &r.typ, &r.script,
		&w.ConsecutiveFailures, &w.TotalCalls, &w.TotalErrors, &w.LastError, &lastTriggered, &failingSince,
		&registered, &w.RegisteredBy, &w.Version)
	if err != nil {
		return nil, err
	}
	w.Name, w.URL, w.State, w.Format, w.SigningScheme = r.name, r.url, hookhub.WebhookState(r.state), r.format, r.scheme
	if err := json.Unmarshal([]byte(r.events), &w.Events); err != nil {
		return nil, fmt.Errorf("decode events: %w", err)
	}
	if r.apps.Valid {
		if err := json.Unmarshal([]byte(r.apps.String), &w.Apps); err != nil {
			return nil, fmt.Errorf("decode apps: %w", err)
		}
	}
	if r.channels.Valid {
		if err := json.Unmarshal([]byte(r.channels.String), &w.Channels); err != nil {
			return nil, fmt.Errorf("decode channels: %w", err)
		}
	}
	if len(r.secret) > 0 {
		b, err := s.Sealer.Open(r.secret)
		if err != nil {
			return nil, fmt.Errorf("open secret of webhook %d: %w", w.ID, err)
		}
		w.Secret = string(b)
	}
	if len(r.previous) > 0 {
		b, err := s.Sealer.Open(r.previous)
		if err != nil {
			return nil, fmt.Errorf("open previous secret of webhook %d: %w", w.ID, err)
		}
		w.PreviousSecret = string(b)
	}
	w.PreviousUntil = fromMS(r.previousUntil)
	if w.Headers, err = s.openHeaders(r.headers, r.headersSealed); err != nil {
		return nil, fmt.Errorf("webhook %d: %w", w.ID, err)
	}
	if r.properties.Valid {
		w.Properties = json.RawMessage(r.properties.String)
	}
	w.Timeout = time.Duration(r.timeoutMS) * time.Millisecond
	var sched []int64
	if err := json.Unmarshal([]byte(r.schedule), &sched); err != nil {
		return nil, fmt.Errorf("decode schedule: %w", err)
	}
	w.Retry.Schedule = make([]time.Duration, len(sched))
	for i, v := range sched {
		w.Retry.Schedule[i] = time.Duration(v) * time.Millisecond
	}
	w.Retry.Jitter = r.jitter
	if r.successCodes.Valid {
		if err := json.Unmarshal([]byte(r.successCodes.String), &w.SuccessCodes); err != nil {
			return nil, fmt.Errorf("decode success codes: %w", err)
		}
	}
	w.RateLimitPerS, w.MaxInFlight, w.FailureThreshold = r.rateLimit, r.maxInFlight, r.threshold
	w.ErrorsEmail, w.EmailEachFailure = r.errorsEmail, r.eachFailure != 0
	if r.meta.Valid {
		w.Meta = json.RawMessage(r.meta.String)
	}
	w.UpdatedAt, w.UpdatedBy = fromMSv(r.updatedAt), r.updatedBy
	if r.filter.Valid {
		w.Filter = json.RawMessage(r.filter.String)
	}
	w.Transform, w.Type, w.Script = r.transform, r.typ, r.script
	w.LastTriggeredAt, w.FailingSince = fromMS(lastTriggered), fromMS(failingSince)
	w.RegisteredAt = fromMSv(registered)
	return &w, nil
}

// CreateWebhook stores w and sets its id.
func (s *Store) CreateWebhook(ctx context.Context, w *hookhub.Webhook) error {
	return s.insertWebhook(ctx, s.W, w)
}

// CreateWebhookWithin counts and creates in one transaction, holding the
// tenant's row (PostgreSQL) or the single writer (SQLite) meanwhile.
func (s *Store) CreateWebhookWithin(ctx context.Context, w *hookhub.Webhook, l hookhub.WebhookLimit) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if s.Dialect.LockTenant != "" {
			if _, err := tx.ExecContext(ctx, s.Dialect.LockTenant, w.TenantID); err != nil {
				return fmt.Errorf("lock tenant: %w", err)
			}
		}
		ws, err := s.listWebhooks(ctx, tx, w.TenantID, hookhub.WebhookFilter{})
		if err != nil {
			return err
		}
		n := 0
		for _, x := range ws {
			if l.Counts(x) {
				n++
			}
		}
		if n >= l.Max {
			return hookhub.Errorf(hookhub.ECONFLICT, "%s", l.Message)
		}
		return s.insertWebhook(ctx, tx, w)
	})
}

func (s *Store) insertWebhook(ctx context.Context, q queryer, w *hookhub.Webhook) error {
	args, err := s.encodeWebhook(w)
	if err != nil {
		return err
	}
	args = append(args, w.TenantID, msv(w.RegisteredAt), w.RegisteredBy)
	err = q.QueryRowContext(ctx, `INSERT INTO webhooks (`+settingColumns+`, tenant_id, registered_at, registered_by)
		VALUES (`+placeholders(1, len(args))+`) RETURNING id, version`, args...).Scan(&w.ID, &w.Version)
	if err != nil {
		return fmt.Errorf("insert webhook: %w", err)
	}
	return nil
}

// GetWebhook finds one of a tenant's webhooks.
func (s *Store) GetWebhook(ctx context.Context, tenantID string, id int64) (*hookhub.Webhook, error) {
	return s.getWebhook(ctx, s.hot(s.R, nil), tenantID, id)
}

func (s *Store) getWebhook(ctx context.Context, q queryer, tenantID string, id int64) (*hookhub.Webhook, error) {
	w, err := s.scanWebhook(q.QueryRowContext(ctx,
		`SELECT `+webhookColumns+` FROM webhooks WHERE tenant_id = $1 AND id = $2`, tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("webhook", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get webhook: %w", err)
	}
	return w, nil
}

// ListWebhooks lists a tenant's webhooks, oldest first.
func (s *Store) ListWebhooks(ctx context.Context, tenantID string, f hookhub.WebhookFilter) ([]*hookhub.Webhook, error) {
	return s.listWebhooks(ctx, s.R, tenantID, f)
}

func (s *Store) listWebhooks(ctx context.Context, q queryer, tenantID string, f hookhub.WebhookFilter) ([]*hookhub.Webhook, error) {
	var w where
	w.add("tenant_id = %s", tenantID)
	if f.State != "" {
		w.add("state = %s", string(f.State))
	}
	if f.Format != "" {
		w.add("format = %s", f.Format)
	}
	all, err := collect(ctx, q, s.scanWebhook, `SELECT `+webhookColumns+` FROM webhooks`+w.sql()+` ORDER BY id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	if f.Event == "" && f.Name == "" {
		return all, nil
	}
	// Matched here rather than in SQL: wildcards are patterns of ours, and
	// SQLite's lower() and LIKE fold ASCII only.
	name := strings.ToLower(f.Name)
	var out []*hookhub.Webhook
	for _, wh := range all {
		if (f.Event == "" || wh.Subscribes(f.Event)) && strings.Contains(strings.ToLower(wh.Name), name) {
			out = append(out, wh)
		}
	}
	return out, nil
}

// UpdateWebhook saves a webhook's settings; becoming active releases its
// held deliveries and ends its failure streak. A state the caller did not
// change (still from) is left as stored.
func (s *Store) UpdateWebhook(ctx context.Context, w *hookhub.Webhook, from hookhub.WebhookState) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var old string
		err := tx.QueryRowContext(ctx, `SELECT state FROM webhooks WHERE tenant_id = $1 AND id = $2`, w.TenantID, w.ID).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("webhook", w.ID)
		}
		if err != nil {
			return fmt.Errorf("get webhook state: %w", err)
		}
		if from != "" && w.State == from {
			w.State = hookhub.WebhookState(old)
		}
		args, err := s.encodeWebhook(w)
		if err != nil {
			return err
		}
		n := len(args)
		args = append(args, w.TenantID, w.ID)
		sets := strings.Split(settingColumns, ",")
		for i := range sets {
			sets[i] = fmt.Sprintf("%s = $%d", strings.TrimSpace(sets[i]), i+1)
		}
		_, err = tx.ExecContext(ctx, `UPDATE webhooks SET `+strings.Join(sets, ", ")+`, version = version + 1`+
			fmt.Sprintf(` WHERE tenant_id = $%d AND id = $%d`, n+1, n+2), args...)
		if err != nil {
			return fmt.Errorf("update webhook: %w", err)
		}
		if w.State != hookhub.StateActive || old == string(hookhub.StateActive) {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE webhooks SET consecutive_failures = 0, failing_since = NULL WHERE id = $1`, w.ID); err != nil {
			return fmt.Errorf("clear failures: %w", err)
		}
		now := msv(w.UpdatedAt)
		res, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'pending', run_at = $1, updated_at = $1
			WHERE webhook_id = $2 AND state = 'held' AND `+openDeliveries, now, w.ID)
		if err != nil {
			return fmt.Errorf("release held deliveries: %w", err)
		}
		w.ConsecutiveFailures, w.FailingSince = 0, time.Time{}
		if n, _ := res.RowsAffected(); n > 0 {
			return s.notifyDue(ctx, tx)
		}
		return nil
	})
}

// DeleteWebhook removes a webhook and its unsent deliveries.
func (s *Store) DeleteWebhook(ctx context.Context, tenantID string, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM webhooks WHERE tenant_id = $1 AND id = $2`, tenantID, id)
		if err != nil {
			return fmt.Errorf("delete webhook: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("webhook", id)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM deliveries WHERE webhook_id = $1 AND state IN ('pending', 'held') AND `+openDeliveries, id); err != nil {
			return fmt.Errorf("delete unsent deliveries: %w", err)
		}
		return nil
	})
}

func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}
