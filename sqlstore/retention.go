package sqlstore

// Retention: the purge of what is older than the retention, and the
// search by time of the hot tables, which have no index on their times
// (ids grow with time instead).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/hookhub/hookhub"
)

// Purge deletes what is older than before and finished.
func (s *Store) Purge(ctx context.Context, before time.Time) (hookhub.PurgeResult, error) {
	var r hookhub.PurgeResult
	cut := msv(before)
	counts := []*int64{&r.Attempts, &r.Deliveries, &r.Events, &r.Mail}
	for i, st := range purgeSteps {
		n, err := s.purgeTable(ctx, st, cut)
		*counts[i] += n
		if err != nil {
			return r, fmt.Errorf("purge %s: %w", st.table, err)
		}
	}
	if err := s.purgeSavedResponses(ctx, cut); err != nil {
		return r, err
	}
	return r, nil
}

// purgeStep is a table a purge deletes from.
type purgeStep struct {
	table string
	at    string // the row's time
	where string // what else a row to delete must be
	walk  bool   // ids grow with at: see purgeTable
}

// purgeSteps are what Purge deletes, in order (PurgeResult's).
var purgeSteps = []purgeStep{
	{"attempts", "started_at", ``, true},
	{"deliveries", "created_at", ` AND state IN ('succeeded', 'failed')`, true},
	{"events", "created_at", ` AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = events.id)`, true},
	// E-mails are few, and an e-mail's created_at can be set by its
	// caller: the whole table is read.
	{"mail", "created_at", ` AND state <> 'queued'`, false},
}

// The purge's statements: a batch's ids ($1 < id < $2, time before $3,
// $4 rows at most), and its delete ($1 < id <= $2, time before $3). Both
// read a range of the primary key (TestRetentionPlans).
func (st purgeStep) batchQuery() string {
	return `SELECT COUNT(*), MAX(id) FROM (SELECT id FROM ` + st.table + ` WHERE id > $1 AND id < $2 AND ` + st.at + ` < $3` + st.where +
		` ORDER BY id LIMIT $4) batch`
}

func (st purgeStep) deleteQuery() string {
	return `DELETE FROM ` + st.table + ` WHERE id > $1 AND id <= $2 AND ` + st.at + ` < $3` + st.where
}

// purgeTable deletes st.table's rows whose time st.at is before cut and
// that match st.where.
//
// With walk, the table's ids grow with its times (they are the time of
// writing), so no index on the time is needed (it would be a write on every
// publish and attempt): the rows to delete are the ones before the first row
// of cut or later, which a walk of the primary key from the oldest row finds
// (the rows it passes are the ones to delete). A row written out of order
// (a clock step) is deleted by a later purge.
//
// It deletes in batches, each its own short transaction sized to take about
// purgeBudget, and pauses between them, so that a large purge does not hold
// SQLite's one writer (or PostgreSQL's disk) for long: publishes and
// outcomes go on in between. Each batch starts after
// the last one's highest id, so that old rows that stay (unsent
// deliveries) are read once, not once a batch.
func (s *Store) purgeTable(ctx context.Context, st purgeStep, cut int64) (int64, error) {
	end := int64(math.MaxInt64)
	if st.walk {
		var err error
		if end, err = s.firstYoung(ctx, st.table, st.at, cut); err != nil {
			return 0, fmt.Errorf("find the first young row: %w", err)
		}
	}
	var deleted, after int64
	size := purgeBatchMin * 4
	for {
		var n int64
		var last sql.NullInt64
		err := s.R.QueryRowContext(ctx, st.batchQuery(), after, end, cut, size).Scan(&n, &last)
		if err != nil {
			return deleted, fmt.Errorf("find a batch: %w", err)
		}
		if n == 0 {
			return deleted, nil
		}
		began := time.Now()
		// Bounded by the batch's last id alone (it is below end), so that
		// the planner reads only the batch's range of the primary key.
		res, err := s.W.ExecContext(ctx, st.deleteQuery(), after, last.Int64, cut)
		if err != nil {
			return deleted, err
		}
		took := time.Since(began)
		d, _ := res.RowsAffected()
		deleted += d
		if n < int64(size) {
			return deleted, nil
		}
		after = last.Int64
		// A batch holds SQLite's one writer (and loads PostgreSQL's
		// disk) while publishes and outcomes wait: each is kept near
		// purgeBudget, and the next waits as long as this one took, so
		// that the purge never has the writer more than half the time.
		switch {
		case took > purgeBudget && size > purgeBatchMin:
			size /= 2
		case took < purgeBudget/2 && size < purgeBatchMax:
			size *= 2
		}
		t := time.NewTimer(took)
		select {
		case <-ctx.Done():
			t.Stop()
			return deleted, ctx.Err()
		case <-t.C:
		}
	}
}

// firstYoung finds the id of table's first row whose time at is cut or
// later (math.MaxInt64 if none) by a binary search of the primary key,
// since ids grow with the time: some twenty lookups of one row, where a
// scan from the oldest row read every row to delete first.
func (s *Store) firstYoung(ctx context.Context, table, at string, cut int64) (int64, error) {
	var lo, hi sql.NullInt64
	if err := s.R.QueryRowContext(ctx, idRangeQuery(table)).Scan(&lo, &hi); err != nil {
		return 0, err
	}
	young := int64(math.MaxInt64)
	for l, h := lo.Int64, hi.Int64; lo.Valid && l <= h; {
		mid := l + (h-l)/2
		var id, t int64
		err := s.R.QueryRowContext(ctx, probeQuery(table, at), mid).Scan(&id, &t)
		switch {
		case errors.Is(err, sql.ErrNoRows) || err == nil && id > h:
			h = mid - 1 // no row in [mid, h]
		case err != nil:
			return 0, err
		case t >= cut:
			young, h = id, mid-1
		default:
			l = id + 1
		}
	}
	return young, nil
}

// idRangeQuery reads table's first and last ids. Each in its own
// subquery: SQLite reads MIN or MAX of the primary key from one end of it
// only when the query has just one of them, and scanned the whole table for
// "SELECT MIN(id), MAX(id)" (TestRetentionPlans).
func idRangeQuery(table string) string {
	return `SELECT (SELECT MIN(id) FROM ` + table + `), (SELECT MAX(id) FROM ` + table + `)`
}

// probeQuery reads the first row of table at or after id $1, with its time
// at: one step of firstYoung's search.
func probeQuery(table, at string) string {
	return `SELECT id, ` + at + ` FROM ` + table + ` WHERE id >= $1 ORDER BY id LIMIT 1`
}

// timeWindow narrows w to table's rows whose time col is in [since, until)
// (a zero bound is open). The hot tables have no index on their times (each
// would be a write on every publish and attempt), but their ids grow with
// them: the window's ids are found by firstYoung, a minute wider on each
// side for rows written out of order, and the times themselves still
// decide.
func (s *Store) timeWindow(ctx context.Context, w *where, table, col string, since, until time.Time) error {
	if !since.IsZero() {
		lo, err := s.firstYoung(ctx, table, col, msv(since.Add(-time.Minute)))
		if err != nil {
			return err
		}
		w.add("id >= %s", lo)
	}
	if !until.IsZero() {
		hi, err := s.firstYoung(ctx, table, col, msv(until.Add(time.Minute)))
		if err != nil {
			return err
		}
		w.add("id < %s", hi)
	}
	w.between(col, since, until)
	return nil
}

// A purge deletes in batches of purgeBatchMin to purgeBatchMax rows, sized
// to take about purgeBudget each.
const (
	purgeBatchMin = 32
	purgeBatchMax = 2048
	purgeBudget   = 4 * time.Millisecond
)
