package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/filter"
)

const eventColumns = `id, tenant_id, type, entity_type, entity_id, data, modified_fields, idempotency_key, created_at, app_id, channels`

func scanEvent(sc scanner) (*hookhub.Event, error) {
	var e hookhub.Event
	var data []byte
	var modified, key, channels sql.NullString
	var created int64
	if err := sc.Scan(&e.ID, &e.TenantID, &e.Type, &e.EntityType, &e.EntityID, &data, &modified, &key, &created, &e.AppID, &channels); err != nil {
		return nil, err
	}
	if channels.Valid {
		if err := json.Unmarshal([]byte(channels.String), &e.Channels); err != nil {
			return nil, fmt.Errorf("decode channels: %w", err)
		}
	}
	e.Data = data
	if modified.Valid {
		if err := json.Unmarshal([]byte(modified.String), &e.ModifiedFields); err != nil {
			return nil, fmt.Errorf("decode modified fields: %w", err)
		}
	}
	e.IdempotencyKey, e.CreatedAt = key.String, fromMSv(created)
	return &e, nil
}

// subscriber is what fan-out needs of a webhook.
type subscriber struct {
	hookhub.Webhook // ID, Events, Apps, Channels and Version only
	active          bool
	filter          *filter.Filter // nil: no filter
}

// filters keeps the webhooks' compiled filters between publishes.
var filters filter.Cache

// passes reports whether e passes sub's filter. doc is e decoded for
// filters, made on first need and kept by the caller for the next
// subscriber. A stored filter that does not compile (save refuses those) or
// data that does not decode lets nothing through.
func (sub *subscriber) passes(e *hookhub.Event, doc *any) bool {
	if sub.filter == nil {
		return true
	}
	if *doc == nil {
		d, err := filter.Event{Type: e.Type, AppID: e.AppID, EntityType: e.EntityType, EntityID: e.EntityID,
			ModifiedFields: e.ModifiedFields, Timestamp: e.CreatedAt, Data: e.Data}.Document()
		if err != nil {
			return false
		}
		*doc = d
	}
	return sub.filter.Match(*doc)
}

// Publish stores events and their deliveries in one transaction.
func (s *Store) Publish(ctx context.Context, now time.Time, reqs ...hookhub.PublishRequest) ([]hookhub.PublishResult, error) {
	return s.PublishLeased(ctx, now, hookhub.Lease{}, reqs...)
}

// PublishLeased stores events and their deliveries in one transaction, and
// leases up to lease.Max of the pending ones to the caller.
//
// Two publishes at once of the same idempotency keys in other orders each
// wait on a key the other inserted first; PostgreSQL breaks the deadlock by
// failing one, which runs again (at most publishDeadlockTries times in
// all) and finds the other's events as duplicates.
func (s *Store) PublishLeased(ctx context.Context, now time.Time, lease hookhub.Lease, reqs ...hookhub.PublishRequest) ([]hookhub.PublishResult, error) {
	var results []hookhub.PublishResult
	var err error
	for try := 1; ; try++ {
		err = s.groupTx(ctx, func(tx *sql.Tx) error {
			var err error
			results, err = s.publishTx(ctx, tx, now, lease, reqs)
			return err
		})
		if err == nil || try == publishDeadlockTries || s.Dialect.IsDeadlock == nil || !s.Dialect.IsDeadlock(err) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	return results, nil
}

// publishDeadlockTries is how many times a publish runs when the database
// fails it to break deadlocks.
const publishDeadlockTries = 3

// publishTx is Publish inside the caller's transaction, so that a change to
// a record and the events it raises commit together. Its rows are written
// in bulk statements (bulk.go): the events, then their deliveries.
func (s *Store) publishTx(ctx context.Context, tx *sql.Tx, now time.Time, lease hookhub.Lease, reqs []hookhub.PublishRequest) ([]hookhub.PublishResult, error) {
	results := make([]hookhub.PublishResult, len(reqs))
	if err := s.insertEvents(ctx, tx, now, reqs, results); err != nil {
		return nil, err
	}
	// Fan out: a delivery for each subscriber of each new event, leased
	// to the caller's workers while they have room (lease.Max).
	var leasedRows, plainRows []newDelivery
	subs := map[string][]subscriber{}
	due := false
	for i, r := range reqs {
		if results[i].Duplicate {
			continue
		}
		e := &results[i].Event // with its id (r.Event may be published twice)
		list, ok := subs[e.TenantID]
		if !ok {
			var err error
			if list, err = loadSubscribers(ctx, s.hot(s.W, tx), e.TenantID); err != nil {
				return nil, err
			}
			subs[e.TenantID] = list
		}
		var doc any
		for _, sub := range list {
			if r.WebhookID != 0 && sub.ID != r.WebhookID || r.WebhookID == 0 && (!sub.Wants(e) || !sub.passes(e, &doc)) {
				continue
			}
			results[i].Deliveries++
			if sub.active && len(leasedRows) < lease.Max {
				c := &hookhub.Claim{Delivery: hookhub.Delivery{TenantID: e.TenantID, EventID: e.ID, WebhookID: sub.ID,
					State: hookhub.DeliveryInFlight, Attempts: 1, RunAt: fromMSv(msv(now.Add(lease.For))),
					CreatedAt: fromMSv(msv(now)), UpdatedAt: fromMSv(msv(now))}, Event: *e, WebhookVersion: sub.Version}
				results[i].Claims = append(results[i].Claims, c)
				leasedRows = append(leasedRows, newDelivery{claim: c})
				continue
			}
			state := hookhub.DeliveryHeld
			if sub.active {
				state = hookhub.DeliveryPending
			}
			plainRows = append(plainRows, newDelivery{tenantID: e.TenantID, eventID: e.ID, webhookID: sub.ID, state: state})
			due = due || sub.active
		}
	}
	if err := s.insertLeased(ctx, tx, now, leasedRows); err != nil {
		return nil, err
	}
	if err := s.insertPending(ctx, tx, now, plainRows); err != nil {
		return nil, err
	}
	if due {
		if err := s.notifyDue(ctx, tx); err != nil {
			return nil, err
		}
	}
	return results, nil
}

// newDelivery is a delivery publishTx writes: a claim for the caller's
// workers, or a pending or held one.
type newDelivery struct {
	claim              *hookhub.Claim // leased: the claim, whose ID the insert fills
	tenantID           string
	eventID, webhookID int64
	state              hookhub.DeliveryState
}

const eventInsertColumns = `tenant_id, type, entity_type, entity_id, data, modified_fields, idempotency_key, created_at, app_id, channels`

// insertEvents writes reqs' events in bulk, in order, and fills their
// results. An event whose idempotency key its tenant has used before, in an
// earlier publish or earlier in this one, is not written: its result is the
// first event with that key, marked Duplicate.
func (s *Store) insertEvents(ctx context.Context, tx *sql.Tx, now time.Time, reqs []hookhub.PublishRequest, results []hookhub.PublishResult) error {
	q := s.hot(s.W, tx)
	type key struct{ tenant, key string }
	return chunks(len(reqs), func(start, n int) error {
		args := make([]any, 0, 10*n)
		for i := start; i < start+n; i++ {
			e := reqs[i].Event
			if e.CreatedAt.IsZero() {
				e.CreatedAt = now
			}
			e.CreatedAt = fromMSv(msv(e.CreatedAt)) // what a read will give back
			modified, channels, err := eventLists(e)
			if err != nil {
				return err
			}
			k := sql.NullString{String: e.IdempotencyKey, Valid: e.IdempotencyKey != ""}
			args = append(args, e.TenantID, e.Type, e.EntityType, e.EntityID, []byte(e.Data), modified, k, msv(e.CreatedAt), e.AppID, channels)
		}
		type row struct {
			id          int64
			tenant, key sql.NullString
		}
		got, err := collect(ctx, q, func(sc scanner) (row, error) {
			var r row
			return r, sc.Scan(&r.id, &r.tenant, &r.key)
		}, s.bulkValues(`INSERT INTO events (`+eventInsertColumns+`) VALUES `, `(#, #, #, #, #, #, #, #, #, #)`,
			` ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
			RETURNING id, tenant_id, idempotency_key`, 1, n), args...)
		if err != nil {
			return fmt.Errorf("insert events: %w", err)
		}
		// A keyed row is known by its key. The others take their ids in the
		// order of the VALUES list (SQLite's next rowid, PostgreSQL's
		// identity), whatever order RETURNING gives them back in.
		keyed := make(map[key]int64)
		var plain []int64
		for _, r := range got {
			if r.key.Valid {
				keyed[key{r.tenant.String, r.key.String}] = r.id
			} else {
				plain = append(plain, r.id)
			}
		}
		slices.Sort(plain)
		for i := start; i < start+n; i++ {
			e := reqs[i].Event
			if e.IdempotencyKey == "" {
				if len(plain) == 0 {
					return fmt.Errorf("insert events: too few ids for %d events", n)
				}
				e.ID, plain = plain[0], plain[1:]
				results[i].Event = *e
				continue
			}
			k := key{e.TenantID, e.IdempotencyKey}
			if id, ok := keyed[k]; ok {
				delete(keyed, k) // a later event with this key repeats this one
				e.ID = id
				results[i].Event = *e
				continue
			}
			first, err := scanEvent(tx.QueryRowContext(ctx, `SELECT `+eventColumns+` FROM events WHERE tenant_id = $1 AND idempotency_key = $2`,
				e.TenantID, e.IdempotencyKey))
			if err != nil {
				return fmt.Errorf("get event by idempotency key: %w", err)
			}
			results[i].Event, results[i].Duplicate = *first, true
		}
		if len(plain) != 0 || len(keyed) != 0 {
			return fmt.Errorf("insert events: %d ids left over for %d events", len(plain)+len(keyed), n)
		}
		return nil
	})
}

// insertLeased writes the deliveries a publish leases to its caller, and
// fills in their claims' ids.
func (s *Store) insertLeased(ctx context.Context, tx *sql.Tx, now time.Time, rows []newDelivery) error {
	q := s.hot(s.W, tx)
	return chunks(len(rows), func(start, n int) error {
		chunk := rows[start : start+n]
		type key struct{ event, webhook int64 }
		byKey := make(map[key]*hookhub.Claim, n)
		args := make([]any, 0, 7*n)
		for _, r := range chunk {
			c := r.claim
			byKey[key{c.EventID, c.WebhookID}] = c
			args = append(args, c.TenantID, c.EventID, c.WebhookID, msv(c.RunAt), msv(now), msv(now), s.node)
		}
		type row struct {
			id int64
			key
		}
		got, err := collect(ctx, q, func(sc scanner) (row, error) {
			var r row
			return r, sc.Scan(&r.id, &r.event, &r.webhook)
		}, s.bulkValues(`INSERT INTO deliveries (tenant_id, event_id, webhook_id, state, attempts, run_at, last_status, last_error, created_at, updated_at, leased_by) VALUES `,
			`(#, #, #, 'in_flight', 1, #, 0, '', #, #, #)`, ` RETURNING id, event_id, webhook_id`, 1, n), args...)
		if err != nil {
			return fmt.Errorf("insert leased deliveries: %w", err)
		}
		for _, r := range got {
			if c := byKey[r.key]; c != nil {
				c.ID = r.id
			}
		}
		for _, r := range chunk {
			if r.claim.ID == 0 {
				return fmt.Errorf("insert leased deliveries: no id for event %d, webhook %d", r.claim.EventID, r.claim.WebhookID)
			}
		}
		return nil
	})
}

// insertPending writes a publish's pending and held deliveries.
func (s *Store) insertPending(ctx context.Context, tx *sql.Tx, now time.Time, rows []newDelivery) error {
	q := s.hot(s.W, tx)
	return chunks(len(rows), func(start, n int) error {
		args := make([]any, 0, 7*n)
		for _, r := range rows[start : start+n] {
			args = append(args, r.tenantID, r.eventID, r.webhookID, string(r.state), msv(now), msv(now), msv(now))
		}
		if _, err := q.ExecContext(ctx, s.bulkValues(`INSERT INTO deliveries (tenant_id, event_id, webhook_id, state, attempts, run_at, last_status, last_error, created_at, updated_at) VALUES `,
			`(#, #, #, #, 0, #, 0, '', #, #)`, ``, 1, n), args...); err != nil {
			return fmt.Errorf("insert deliveries: %w", err)
		}
		return nil
	})
}

// eventLists are e's modified fields and channels as stored: JSON, or NULL
// when empty.
func eventLists(e *hookhub.Event) (modified, channels sql.NullString, err error) {
	if modified, err = nullJSON(e.ModifiedFields, len(e.ModifiedFields) == 0); err != nil {
		return modified, channels, fmt.Errorf("encode modified fields: %w", err)
	}
	if channels, err = nullJSON(e.Channels, len(e.Channels) == 0); err != nil {
		return modified, channels, fmt.Errorf("encode channels: %w", err)
	}
	return modified, channels, nil
}

func loadSubscribers(ctx context.Context, q queryer, tenantID string) ([]subscriber, error) {
	subs, err := collect(ctx, q, func(sc scanner) (subscriber, error) {
		var sub subscriber
		var events, state string
		var apps, channels, filt sql.NullString
		if err := sc.Scan(&sub.ID, &events, &state, &apps, &channels, &filt, &sub.Version); err != nil {
			return sub, err
		}
		if channels.Valid {
			if err := json.Unmarshal([]byte(channels.String), &sub.Channels); err != nil {
				return sub, fmt.Errorf("decode channels: %w", err)
			}
		}
		if filt.Valid {
			f, err := filters.Compile(filt.String)
			if err != nil {
				f = filter.None()
			}
			sub.filter = f
		}
		sub.active = state == string(hookhub.StateActive)
		if apps.Valid {
			if err := json.Unmarshal([]byte(apps.String), &sub.Apps); err != nil {
				return sub, fmt.Errorf("decode apps: %w", err)
			}
		}
		return sub, json.Unmarshal([]byte(events), &sub.Events)
	}, `SELECT id, events, state, apps, channels, filter, version FROM webhooks WHERE tenant_id = $1`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("load subscribers: %w", err)
	}
	return subs, nil
}

// GetEvent finds one of a tenant's events.
func (s *Store) GetEvent(ctx context.Context, tenantID string, id int64) (*hookhub.Event, error) {
	e, err := scanEvent(s.R.QueryRowContext(ctx, `SELECT `+eventColumns+` FROM events WHERE tenant_id = $1 AND id = $2`, tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("event", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get event: %w", err)
	}
	return e, nil
}

// ListEvents lists a tenant's events, newest first.
func (s *Store) ListEvents(ctx context.Context, tenantID string, f hookhub.EventFilter) ([]*hookhub.Event, error) {
	var w where
	w.add("tenant_id = %s", tenantID)
	if f.Type != "" {
		w.add("type = %s", f.Type)
	}
	if f.AppID != "" {
		w.add("app_id = %s AND app_id <> ''", f.AppID) // the second: events_tenant_app's condition
	}
	if f.Channel != "" { // the channel's name, quoted, within the JSON array
		w.add(`channels LIKE %s ESCAPE '\'`, `%"`+strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(f.Channel)+`"%`)
	}
	if err := s.timeWindow(ctx, &w, "events", "created_at", f.Since, f.Until); err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	tail := w.page(f.Page, "id")
	es, err := collect(ctx, s.R, scanEvent, `SELECT `+eventColumns+` FROM events`+tail, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	return es, nil
}
