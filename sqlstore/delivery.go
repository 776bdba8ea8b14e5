package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/notice"
	"github.com/hookhub/hookhub/secrets"
)

// openDeliveries is the condition of the deliveries_webhook_open index:
// a query by webhook and state names it too, so that SQLite's planner,
// which cannot tell that state = 'held' implies it, uses the index.
const openDeliveries = `state IN ('pending', 'held', 'failed')`

const deliveryColumns = `id, tenant_id, event_id, webhook_id, state, attempts, run_at, last_status, last_error, created_at, updated_at`

func scanDelivery(sc scanner) (*hookhub.Delivery, error) {
	var d hookhub.Delivery
	var state string
	var runAt, created, updated int64
	if err := sc.Scan(&d.ID, &d.TenantID, &d.EventID, &d.WebhookID, &state, &d.Attempts, &runAt,
		&d.LastStatus, &d.LastError, &created, &updated); err != nil {
		return nil, err
	}
	d.State = hookhub.DeliveryState(state)
	d.RunAt, d.CreatedAt, d.UpdatedAt = fromMSv(runAt), fromMSv(created), fromMSv(updated)
	return &d, nil
}

// Claim leases due deliveries and returns them with their events.
func (s *Store) Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]*hookhub.Claim, error) {
	if limit <= 0 {
		return nil, nil
	}
	var claims []*hookhub.Claim
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		claims, err = collect(ctx, s.hot(s.W, tx), func(sc scanner) (*hookhub.Claim, error) {
			c := &hookhub.Claim{}
			var created int64
			if err := sc.Scan(&c.ID, &c.TenantID, &c.EventID, &c.WebhookID, &c.Attempts, &created); err != nil {
				return nil, err
			}
			c.State, c.RunAt, c.CreatedAt, c.UpdatedAt = hookhub.DeliveryInFlight, now.Add(lease), fromMSv(created), now
			return c, nil
		}, s.Dialect.ClaimDeliveries, msv(now), msv(now.Add(lease)), limit, s.node)
		if err != nil {
			return fmt.Errorf("claim deliveries: %w", err)
		}
		return s.attachEvents(ctx, tx, claims)
	})
	if err != nil {
		return nil, err
	}
	return claims, nil
}

// attachEvents loads the events of claims with one query.
func (s *Store) attachEvents(ctx context.Context, q queryer, claims []*hookhub.Claim) error {
	if len(claims) == 0 {
		return nil
	}
	ids := make([]any, 0, len(claims))
	seen := make(map[int64]bool, len(claims))
	for _, c := range claims {
		if !seen[c.EventID] {
			seen[c.EventID] = true
			ids = append(ids, c.EventID)
		}
	}
	events, err := collect(ctx, q, scanEvent, `SELECT `+eventColumns+` FROM events WHERE id IN (`+placeholders(1, len(ids))+`)`, ids...)
	if err != nil {
		return fmt.Errorf("load claimed events: %w", err)
	}
	byID := make(map[int64]*hookhub.Event, len(events))
	for _, e := range events {
		byID[e.ID] = e
	}
	for _, c := range claims {
		e, ok := byID[c.EventID]
		if !ok {
			return fmt.Errorf("claimed delivery %d: event %d is missing", c.ID, c.EventID)
		}
		c.Event = *e
	}
	return nil
}

// webhookTally sums a batch's outcomes for one webhook, in order.
type webhookTally struct {
	calls, errs    int64
	sawSuccess     bool
	trailing       []*hookhub.Attempt // failures after the last success, in order
	lastTriggered  time.Time
	lastError      string
	gone           bool
	failedAttempts []*hookhub.Attempt
	exhausted      map[*hookhub.Attempt]bool
}

// Complete applies outcomes in one transaction.
func (s *Store) Complete(ctx context.Context, now time.Time, outcomes []hookhub.Outcome) error {
	if len(outcomes) == 0 {
		return nil
	}
	return s.groupTx(ctx, func(tx *sql.Tx) error {
		tallies := map[int64]*webhookTally{}
		var order []int64
		due := false
		insAttempt, err := s.txPrepare(ctx, tx, `INSERT INTO attempts (`+attemptInsertColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`)
		if err != nil {
			return fmt.Errorf("prepare insert attempt: %w", err)
		}
		defer insAttempt.Close()
		done, err := s.applySucceeded(ctx, tx, now, outcomes)
		if err != nil {
			return err
		}
		for i, o := range outcomes {
			applied, bulk := done[i]
			if !bulk {
				if applied, err = s.applyOutcome(ctx, tx, insAttempt, now, o); err != nil {
					return err
				}
			}
			if !applied {
				continue // stale: another worker holds the delivery now
			}
			if (o.Kind == hookhub.OutcomeRetry || o.Kind == hookhub.OutcomeReleased) && !o.RunAt.After(now) {
				due = true
			}
			if o.Attempt == nil && !o.Gone {
				continue
			}
			t := tallies[o.WebhookID]
			if t == nil {
				t = &webhookTally{exhausted: map[*hookhub.Attempt]bool{}}
				tallies[o.WebhookID] = t
				order = append(order, o.WebhookID)
			}
			t.gone = t.gone || o.Gone
			if a := o.Attempt; a != nil {
				t.calls++
				t.lastTriggered = a.StartedAt
				if a.Success {
					t.sawSuccess, t.trailing = true, nil
				} else {
					t.errs++
					t.trailing = append(t.trailing, a)
					t.lastError = attemptError(a)
					t.failedAttempts = append(t.failedAttempts, a)
					t.exhausted[a] = o.Kind == hookhub.OutcomeFailed
				}
			}
		}
		for _, id := range order {
			if err := s.applyTally(ctx, tx, now, id, tallies[id]); err != nil {
				return err
			}
		}
		if due {
			return s.notifyDue(ctx, tx)
		}
		return nil
	})
}

// attemptInsertColumns are the columns an attempt is written with, in the
// order of attemptArgs.
const attemptInsertColumns = `delivery_id, tenant_id, webhook_id, event_id, number, url,
	started_at, duration_us, request_headers, request_body, status, response_headers, response_body, error, success`

// appendAttemptArgs appends the values of o's attempt for
// attemptInsertColumns. Credentials are hidden: they are not needed once
// sent, and attempts are shown in logs (the engine hid them already).
func appendAttemptArgs(args []any, o hookhub.Outcome) []any {
	a := o.Attempt
	// Both header sets as JSON, in one string.
	var buf [1024]byte
	b := secrets.AppendHiddenJSON(buf[:0], a.RequestHeaders)
	n := len(b)
	headers := string(secrets.AppendHiddenJSON(b, a.ResponseHeaders))
	return append(args, o.DeliveryID, o.TenantID, o.WebhookID, a.EventID, a.Number, a.URL,
		msv(a.StartedAt), a.Duration.Microseconds(), headers[:n], a.RequestBody, a.Status, headers[n:],
		a.ResponseBody, a.Error, boolInt(a.Success))
}

// stillInFlight is the fence of an outcome: the delivery, whose state
// column is col, is still in flight. It is written as an expression of the
// state, not a comparison of the column, so that PostgreSQL's planner cannot
// read it as the condition of the queue's partial index (deliveries_due).
// With statistics taken while the queue was nearly empty, the planner chose
// that index as the cheaper, and read the whole queue for each outcome
// instead of each delivery by its id: 10 ms instead of 0.05 for a queue of
// 12,000 (TestOutcomePlans).
func stillInFlight(col string) string {
	return `(` + col + ` || '') = 'in_flight'`
}

// outcomeUpdate is the statement that applies one outcome to delivery $1
// at time $2: set, and, if tryParam is not 0, the fence: still in flight
// with the try in parameter tryParam.
func outcomeUpdate(set string, tryParam int) string {
	q := `UPDATE deliveries SET ` + set + `, updated_at = $2 WHERE id = $1`
	if tryParam > 0 {
		q += ` AND ` + stillInFlight("state") + ` AND attempts = $` + strconv.Itoa(tryParam)
	}
	return q
}

// succeededUpdate is the statement that marks n deliveries succeeded, if
// still in flight with the try given: $1 is the time, then for each its id,
// try and status.
func (s *Store) succeededUpdate(n int) string {
	return s.bulkValues(`UPDATE deliveries SET state = 'succeeded', last_status = v.column3, last_error = '', updated_at = `+s.param(1)+` FROM (VALUES `,
		`(CAST(# AS BIGINT), CAST(# AS INTEGER), CAST(# AS INTEGER))`,
		`) AS v WHERE deliveries.id = v.column1 AND `+stillInFlight("deliveries.state")+` AND deliveries.attempts = v.column2
		RETURNING deliveries.id, deliveries.attempts`, 2, n)
}

// applySucceeded applies the successful tries among outcomes (fenced, with
// their attempts: the bulk of a busy queue) in bulk statements (bulk.go):
// two for each chunk, instead of two for each outcome. It returns, for each
// index of outcomes it took, whether the outcome applied; the others are
// left to applyOutcome.
func (s *Store) applySucceeded(ctx context.Context, tx *sql.Tx, now time.Time, outcomes []hookhub.Outcome) (map[int]bool, error) {
	type try struct{ id, n int64 }
	// A try with more than one outcome in the batch (none is sent today)
	// is left to applyOutcome, which applies the first in order and finds
	// the others stale, as it always did.
	seen := make(map[try]int, len(outcomes))
	for _, o := range outcomes {
		seen[try{o.DeliveryID, int64(o.Try)}]++
	}
	var idx []int
	for i, o := range outcomes {
		if o.Kind == hookhub.OutcomeSucceeded && o.Try > 0 && o.Attempt != nil && seen[try{o.DeliveryID, int64(o.Try)}] == 1 {
			idx = append(idx, i)
		}
	}
	if len(idx) < 2 {
		return nil, nil // one at a time is as cheap
	}
	done := make(map[int]bool, len(idx))
	q := s.hot(s.W, tx)
	err := chunks(len(idx), func(start, n int) error {
		chunk := idx[start : start+n]
		args := make([]any, 0, 1+3*n)
		args = append(args, msv(now))
		for _, i := range chunk {
			o := outcomes[i]
			args = append(args, o.DeliveryID, o.Try, o.Attempt.Status)
		}
		// The fence of applyOutcome, row by row: still in flight with the
		// try the outcome is of. A batch may hold a stale outcome and the
		// current one of a delivery: what applied is told by delivery and
		// try.
		tries, err := collect(ctx, q, func(sc scanner) (try, error) {
			var t try
			return t, sc.Scan(&t.id, &t.n)
		}, s.succeededUpdate(n), args...)
		if err != nil {
			return fmt.Errorf("update deliveries: %w", err)
		}
		applied := make(map[try]bool, len(tries))
		for _, t := range tries {
			applied[t] = true
		}
		var rows []int // the chunk's outcomes that applied
		for _, i := range chunk {
			o := outcomes[i]
			done[i] = applied[try{o.DeliveryID, int64(o.Try)}]
			if done[i] {
				rows = append(rows, i)
			}
		}
		return chunks(len(rows), func(start, m int) error {
			args := make([]any, 0, 15*m)
			for _, i := range rows[start : start+m] {
				args = appendAttemptArgs(args, outcomes[i])
			}
			insert := s.bulkValues(`INSERT INTO attempts (`+attemptInsertColumns+`) VALUES `, `(#, #, #, #, #, #, #, #, #, #, #, #, #, #, #)`, ``, 1, m)
			if _, err := q.ExecContext(ctx, insert, args...); err != nil {
				return fmt.Errorf("insert attempts: %w", err)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return done, nil
}

func attemptError(a *hookhub.Attempt) string {
	if a.Error != "" {
		return a.Error
	}
	return fmt.Sprintf("HTTP %d", a.Status)
}

// applyOutcome moves one delivery on and records its attempt. An outcome
// that carries its claim's Try is fenced: it applies only while the delivery
// is still in flight with that try, so a worker whose lease ran out (and
// whose delivery another worker claimed since) cannot overwrite the newer
// state. It reports whether the outcome applied.
func (s *Store) applyOutcome(ctx context.Context, tx *sql.Tx, ins *sql.Stmt, now time.Time, o hookhub.Outcome) (bool, error) {
	var status int
	var lastErr string
	if a := o.Attempt; a != nil {
		status = a.Status
		if !a.Success {
			lastErr = attemptError(a)
		}
	}
	var q string
	args := []any{o.DeliveryID, msv(now)}
	switch o.Kind {
	case hookhub.OutcomeSucceeded:
		q = `state = 'succeeded', last_status = $3, last_error = ''`
		args = append(args, status)
	case hookhub.OutcomeRetry:
		q = `state = 'pending', run_at = $3, last_status = $4, last_error = $5`
		args = append(args, msv(o.RunAt), status, lastErr)
	case hookhub.OutcomeFailed:
		if o.Attempt == nil {
			q = `state = 'failed', attempts = attempts - 1, last_error = $3`
			args = append(args, "its webhook was deleted")
		} else {
			q = `state = 'failed', last_status = $3, last_error = $4`
			args = append(args, status, lastErr)
		}
	case hookhub.OutcomeHeld:
		q = `state = 'held', attempts = attempts - 1`
	case hookhub.OutcomeReleased:
		q = `state = 'pending', run_at = $3, attempts = attempts - 1`
		runAt := o.RunAt
		if runAt.IsZero() {
			runAt = now
		}
		args = append(args, msv(runAt))
	default:
		return false, fmt.Errorf("complete delivery %d: unknown outcome %d", o.DeliveryID, o.Kind)
	}
	tryParam := 0 // no fence
	if o.Try > 0 {
		args = append(args, o.Try)
		tryParam = len(args)
	}
	// A handful of texts (one per outcome kind, fenced or not): prepared once.
	res, err := s.hot(s.W, tx).ExecContext(ctx, outcomeUpdate(q, tryParam), args...)
	if err != nil {
		return false, fmt.Errorf("update delivery: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	if o.Attempt != nil {
		if _, err := ins.ExecContext(ctx, appendAttemptArgs(nil, o)...); err != nil {
			return false, fmt.Errorf("insert attempt: %w", err)
		}
	}
	return true, nil
}

// applyTally updates a webhook's statistics, and trips it to
// too_many_errors when its streak reaches the threshold.
func (s *Store) applyTally(ctx context.Context, tx *sql.Tx, now time.Time, id int64, t *webhookTally) error {
	streak, changed, err := s.nextStreak(ctx, tx, id, t)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // deleted meanwhile
	}
	if err != nil {
		return err
	}
	var firstTrailing time.Time
	if len(t.trailing) > 0 {
		firstTrailing = t.trailing[0].StartedAt
	}
	var steps, threshold, eachFailure int
	var state, email string
	var failingSince sql.NullInt64
	err = s.hot(s.W, tx).QueryRowContext(ctx, `UPDATE webhooks SET
			total_calls = total_calls + $2,
			total_errors = total_errors + $3,
			consecutive_failures = CASE WHEN $10 = 1 THEN $11 ELSE consecutive_failures END,
			streak_from = CASE WHEN $10 = 1 THEN $12 ELSE streak_from END,
			streak_until = CASE WHEN $10 = 1 THEN $13 ELSE streak_until END,
			failing_since = CASE WHEN $5 = 0 THEN NULL WHEN $4 = 1 OR failing_since IS NULL THEN $6 ELSE failing_since END,
			last_error = CASE WHEN $7 = '' THEN last_error ELSE $7 END,
			last_triggered_at = COALESCE($8, last_triggered_at),
			state = CASE WHEN $9 = 1 THEN 'stopped' ELSE state END,
			version = CASE WHEN $9 = 1 THEN version + 1 ELSE version END
		WHERE id = $1
		RETURNING consecutive_failures, failure_threshold, state, errors_email, email_each_failure, failing_since`,
		id, t.calls, t.errs, boolInt(t.sawSuccess), len(t.trailing), ms(firstTrailing), t.lastError, ms(t.lastTriggered), boolInt(t.gone),
		boolInt(changed), streak.Steps, ms(streak.From), ms(streak.Until)).
		Scan(&steps, &threshold, &state, &email, &eachFailure, &failingSince)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // deleted meanwhile
	}
	if err != nil {
		return fmt.Errorf("update webhook statistics: %w", err)
	}
	trip := state == string(hookhub.StateActive) && steps >= threshold && len(t.trailing) > 0
	if !trip && (eachFailure == 0 || email == "" || len(t.failedAttempts) == 0) {
		return nil
	}
	var tenantID string
	if err := tx.QueryRowContext(ctx, `SELECT tenant_id FROM webhooks WHERE id = $1`, id).Scan(&tenantID); err != nil {
		return fmt.Errorf("get webhook tenant: %w", err)
	}
	w, err := s.getWebhook(ctx, tx, tenantID, id)
	if err != nil {
		return err
	}
	if eachFailure != 0 && email != "" {
		for _, a := range t.failedAttempts {
			ms := []hookhub.Mail{notice.FailedTry(w, a, t.exhausted[a], now)}
			if t.exhausted[a] {
				ms = append(ms, notice.RetryLimit(w, a, now))
			}
			for i := range ms {
				if err := insertMail(ctx, tx, &ms[i]); err != nil {
					return err
				}
			}
		}
	}
	if !trip {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE webhooks SET state = 'too_many_errors', version = version + 1 WHERE id = $1`, id); err != nil {
		return fmt.Errorf("trip webhook: %w", err)
	}
	if email == "" {
		return nil
	}
	m := notice.TooManyErrors(w, t.lastError, now)
	return insertMail(ctx, tx, &m)
}

// nextStreak returns a webhook's failure streak after a batch's tries, and
// whether the batch changed it: a success starts it again, and the failures
// after the last success are added step by step (hookhub.Streak). The
// stored streak is read under a row lock so that nodes completing tries of
// one webhook together add to it one after another.
func (s *Store) nextStreak(ctx context.Context, tx *sql.Tx, id int64, t *webhookTally) (hookhub.Streak, bool, error) {
	var st hookhub.Streak
	if len(t.trailing) == 0 {
		return st, t.sawSuccess, nil
	}
	if !t.sawSuccess {
		var from, until sql.NullInt64
		err := s.hot(s.W, tx).QueryRowContext(ctx, `SELECT consecutive_failures, streak_from, streak_until FROM webhooks WHERE id = $1`+s.forUpdate(), id).
			Scan(&st.Steps, &from, &until)
		if err != nil {
			return st, false, fmt.Errorf("get failure streak: %w", err)
		}
		st.From, st.Until = fromMS(from), fromMS(until)
	}
	for _, a := range t.trailing {
		st = st.Fail(a.StartedAt, a.StartedAt.Add(a.Duration))
	}
	return st, true, nil
}

// GetDelivery finds one of a tenant's deliveries.
func (s *Store) GetDelivery(ctx context.Context, tenantID string, id int64) (*hookhub.Delivery, error) {
	return s.getDelivery(ctx, s.R, tenantID, id)
}

func (s *Store) getDelivery(ctx context.Context, q queryer, tenantID string, id int64) (*hookhub.Delivery, error) {
	d, err := scanDelivery(q.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries WHERE tenant_id = $1 AND id = $2`, tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("delivery", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get delivery: %w", err)
	}
	return d, nil
}

// ListDeliveries lists a tenant's deliveries, newest first.
func (s *Store) ListDeliveries(ctx context.Context, tenantID string, f hookhub.DeliveryFilter) ([]*hookhub.Delivery, error) {
	var w where
	w.add("tenant_id = %s", tenantID)
	if f.WebhookID != 0 {
		w.add("webhook_id = %s", f.WebhookID)
	}
	if f.EventID != 0 {
		w.add("event_id = %s", f.EventID)
	}
	if f.State != "" {
		w.add("state = %s", string(f.State))
	}
	if err := s.timeWindow(ctx, &w, "deliveries", "created_at", f.Since, f.Until); err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}
	tail := w.page(f.Page, "id")
	ds, err := collect(ctx, s.R, scanDelivery, `SELECT `+deliveryColumns+` FROM deliveries`+tail, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}
	return ds, nil
}

const attemptColumns = `id, delivery_id, tenant_id, webhook_id, event_id, number, url, started_at, duration_us,
	request_headers, request_body, status, response_headers, response_body, error, success`

func scanAttempt(sc scanner) (*hookhub.Attempt, error) {
	var a hookhub.Attempt
	var started, durUS int64
	var reqH, respH string
	var success int
	if err := sc.Scan(&a.ID, &a.DeliveryID, &a.TenantID, &a.WebhookID, &a.EventID, &a.Number, &a.URL, &started, &durUS,
		&reqH, &a.RequestBody, &a.Status, &respH, &a.ResponseBody, &a.Error, &success); err != nil {
		return nil, err
	}
	a.StartedAt, a.Duration, a.Success = fromMSv(started), time.Duration(durUS)*time.Microsecond, success != 0
	if err := json.Unmarshal([]byte(reqH), &a.RequestHeaders); err != nil {
		return nil, fmt.Errorf("decode request headers: %w", err)
	}
	if err := json.Unmarshal([]byte(respH), &a.ResponseHeaders); err != nil {
		return nil, fmt.Errorf("decode response headers: %w", err)
	}
	if a.RequestHeaders == nil {
		a.RequestHeaders = http.Header{}
	}
	return &a, nil
}

// ListAttempts lists a tenant's attempts, newest first.
func (s *Store) ListAttempts(ctx context.Context, tenantID string, f hookhub.AttemptFilter) ([]*hookhub.Attempt, error) {
	var w where
	w.add("tenant_id = %s", tenantID)
	if f.DeliveryID != 0 {
		w.add("delivery_id = %s", f.DeliveryID)
	}
	if f.EventID != 0 {
		w.add("event_id = %s", f.EventID)
	}
	if f.WebhookID != 0 {
		w.add("webhook_id = %s", f.WebhookID)
	}
	if f.FailedOnly {
		w.add("success = %s", 0)
	}
	if err := s.timeWindow(ctx, &w, "attempts", "started_at", f.Since, f.Until); err != nil {
		return nil, fmt.Errorf("list attempts: %w", err)
	}
	tail := w.page(f.Page, "id")
	as, err := collect(ctx, s.R, scanAttempt, `SELECT `+attemptColumns+` FROM attempts`+tail, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list attempts: %w", err)
	}
	return as, nil
}

// RetryDelivery makes a delivery due now.
func (s *Store) RetryDelivery(ctx context.Context, tenantID string, id int64, now time.Time) (*hookhub.Delivery, error) {
	var d *hookhub.Delivery
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if d, err = s.getDelivery(ctx, tx, tenantID, id); err != nil {
			return err
		}
		if d.State == hookhub.DeliveryInFlight && d.RunAt.After(now) {
			return hookhub.Errorf(hookhub.ECONFLICT, "delivery %d is being sent right now", id)
		}
		state := hookhub.DeliveryPending
		var wstate string
		if err := tx.QueryRowContext(ctx, `SELECT state FROM webhooks WHERE id = $1`, d.WebhookID).Scan(&wstate); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return hookhub.Errorf(hookhub.ECONFLICT, "delivery %d: its webhook was deleted", id)
			}
			return fmt.Errorf("get webhook state: %w", err)
		}
		if wstate != string(hookhub.StateActive) {
			state = hookhub.DeliveryHeld
		}
		if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = $1, run_at = $2, updated_at = $2 WHERE id = $3`,
			string(state), msv(now), id); err != nil {
			return fmt.Errorf("retry delivery: %w", err)
		}
		d.State, d.RunAt, d.UpdatedAt = state, now, now
		if state == hookhub.DeliveryPending {
			return s.notifyDue(ctx, tx)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// RecoverDeliveries makes a webhook's failed deliveries since a time due now.
func (s *Store) RecoverDeliveries(ctx context.Context, tenantID string, webhookID int64, since, now time.Time) (int, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var wstate string
		err := tx.QueryRowContext(ctx, `SELECT state FROM webhooks WHERE tenant_id = $1 AND id = $2`, tenantID, webhookID).Scan(&wstate)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("webhook", webhookID)
		}
		if err != nil {
			return fmt.Errorf("get webhook state: %w", err)
		}
		state := hookhub.DeliveryPending
		if wstate != string(hookhub.StateActive) {
			state = hookhub.DeliveryHeld
		}
		res, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = $1, run_at = $2, updated_at = $2
			WHERE webhook_id = $3 AND state = 'failed' AND created_at >= $4 AND `+openDeliveries, string(state), msv(now), webhookID, msv(since))
		if err != nil {
			return fmt.Errorf("recover deliveries: %w", err)
		}
		n, _ = res.RowsAffected()
		if n > 0 && state == hookhub.DeliveryPending {
			return s.notifyDue(ctx, tx)
		}
		return nil
	})
	return int(n), err
}
