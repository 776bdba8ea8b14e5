package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
	"time"
)

// txGroup runs the hot paths' write transactions together where the
// database has one writer (Dialect.OneWriter): a publish's and the delivery
// workers' outcomes, say, that arrive while another transaction commits are
// written in the next transaction, and commit at once. On SQLite, whose
// one writer takes transactions one at a time anyway, a commit (its
// write-ahead log frames) was the largest single cost of a delivery. (On
// PostgreSQL, transactions run side by side, and making them wait for each
// other was slower.) Nothing waits on a timer: a call that finds no
// transaction running runs at once, alone.
//
// The calls of a group are independent: when one fails, the group is rolled
// back and each of its calls runs again alone, so that a call's error is its
// own and the others still commit. A call must therefore be safe to run
// again after a rollback (the hot paths write what they were given and read
// back what they wrote).
type txGroup struct {
	mu      sync.Mutex
	queue   []*groupCall
	leading bool // a caller is running groups; the others wait on theirs
}

type groupCall struct {
	ctx      context.Context
	fn       func(tx *sql.Tx) error
	err      error
	panicked any           // fn's panic, raised again in the caller's goroutine
	lead     bool          // woken to run the next groups, not finished
	wake     chan struct{} // closed when finished or made the leader
}

// maxGroup bounds the calls of one transaction.
const maxGroup = 64

// groupTxTimeout bounds a group's transaction: it is every caller's, so no
// one caller's context may end it.
const groupTxTimeout = 30 * time.Second

// groupTx runs fn in a write transaction, with whatever other groupTx calls
// wait at the time. It returns fn's error or the commit's.
func (s *Store) groupTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if !s.Dialect.OneWriter {
		return s.inTx(ctx, fn)
	}
	c := &groupCall{ctx: ctx, fn: fn, wake: make(chan struct{})}
	g := &s.group
	g.mu.Lock()
	g.queue = append(g.queue, c)
	if g.leading {
		g.mu.Unlock()
		<-c.wake // not on ctx: the leader may be running fn
		if !c.lead {
			return c.result()
		}
	} else {
		g.leading = true
		g.mu.Unlock()
	}
	s.lead(c)
	return c.result()
}

// lead runs groups until c's is done, then hands the lead to the first
// caller still waiting. Whatever ends it early (a panic outside the calls,
// in the driver, say), the calls it took are answered and the lead handed
// on, so that no later write waits forever; the panic goes on in c's
// goroutine.
func (s *Store) lead(c *groupCall) {
	g := &s.group
	var batch []*groupCall // taken and not yet answered
	defer func() {
		v := recover()
		for _, b := range batch {
			if b != c {
				b.err = fmt.Errorf("write transaction ended early: %v", v)
				close(b.wake)
			}
		}
		g.mu.Lock()
		if len(g.queue) > 0 {
			next := g.queue[0]
			next.lead = true
			close(next.wake)
		} else {
			g.leading = false
		}
		g.mu.Unlock()
		c.lead = false
		if v != nil {
			panic(v)
		}
	}()
	for {
		g.mu.Lock()
		n := min(len(g.queue), maxGroup)
		batch = slices.Clone(g.queue[:n])
		clear(g.queue[:n]) // the calls hold request bodies
		g.queue = g.queue[n:]
		g.mu.Unlock()
		s.runGroup(batch)
		mine := false
		for _, b := range batch {
			if b == c {
				mine = true
				continue
			}
			close(b.wake)
		}
		batch = nil
		if mine {
			return
		}
	}
}

func (c *groupCall) result() error {
	if c.panicked != nil {
		panic(c.panicked)
	}
	return c.err
}

// runGroup runs batch in one transaction, or, when one of its calls fails
// or there is only one, each call in its own.
func (s *Store) runGroup(batch []*groupCall) {
	live := batch[:0:0]
	for _, c := range batch {
		if err := c.ctx.Err(); err != nil {
			c.err = err // gave up before its turn: not run
			continue
		}
		live = append(live, c)
	}
	if len(live) > 1 && s.runTogether(live) {
		return
	}
	for _, c := range live {
		c.panicked, c.err = s.runAlone(c)
	}
}

// runTogether runs calls in one transaction and reports whether it
// committed; when it did not, no call has a result yet, except for a
// failed commit, which is every call's.
func (s *Store) runTogether(calls []*groupCall) (done bool) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(calls[0].ctx), groupTxTimeout)
	defer cancel()
	s.preparePending(ctx)
	tx, err := s.W.BeginTx(ctx, nil)
	if err != nil {
		for _, c := range calls {
			c.err = fmt.Errorf("begin: %w", err)
		}
		return true
	}
	failed := false
	for _, c := range calls {
		if err := protect(c.fn, tx); err != nil {
			failed = true
			break
		}
	}
	if failed {
		_ = tx.Rollback()
		return false
	}
	err = tx.Commit()
	for _, c := range calls {
		if err != nil {
			c.err = fmt.Errorf("commit: %w", err)
		}
	}
	return true
}

// runAlone runs one call in its own transaction, turning a panic into a
// value to raise again in the caller's goroutine.
func (s *Store) runAlone(c *groupCall) (panicked any, err error) {
	defer func() {
		if v := recover(); v != nil {
			panicked = v
		}
	}()
	return nil, s.inTx(c.ctx, c.fn)
}

// protect runs fn, turning a panic into an error: the group is then rolled
// back and each call run alone, where the panic is raised again for its
// own caller.
func protect(fn func(tx *sql.Tx) error, tx *sql.Tx) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return fn(tx)
}
