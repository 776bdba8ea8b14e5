package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"time"
)

// checkpointer copies the write-ahead log into the database file from its
// own connection, beside the writer, instead of at commits.
//
// By default SQLite checkpoints in whichever commit finds the log over a
// thousand pages: that commit (a publish, say) then waits while the log is
// copied and the file synced, and a retention purge, which changes many
// pages, made such waits long and frequent (a publish's p99 went from 14 to
// 200 ms while one ran). A passive checkpoint here never waits for the
// writer, and the writer never waits for it.
//
// The same connection brings the planner's statistics up to date every
// optimizeEvery: gathered only when the database opened, they said the
// tables were as small as they were then for as long as the node ran.
type checkpointer struct {
	db            *sql.DB
	optimizeEvery time.Duration
	stop          chan struct{}
	done          chan struct{}
	once          sync.Once
}

// checkpointEvery is how often the log is copied: often enough that it stays
// short (a burst writes some thousands of pages a second).
const checkpointEvery = 100 * time.Millisecond

func startCheckpoints(db *sql.DB, optimizeEvery time.Duration) *checkpointer {
	db.SetMaxOpenConns(1)
	if optimizeEvery <= 0 {
		optimizeEvery = time.Hour
	}
	c := &checkpointer{db: db, optimizeEvery: optimizeEvery, stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c
}

func (c *checkpointer) run() {
	defer close(c.done)
	t := time.NewTicker(min(checkpointEvery, c.optimizeEvery))
	defer t.Stop()
	optimized := time.Now()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		// Failures (a full disk, say) are the writer's to report; the
		// next tick tries again.
		_, _ = c.db.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
		if time.Since(optimized) >= c.optimizeEvery {
			// As at open (migrate): the tables whose size changed
			// much, each sampled.
			_, _ = c.db.ExecContext(ctx, `PRAGMA analysis_limit=1000`)
			_, _ = c.db.ExecContext(ctx, `PRAGMA optimize=0x10002`)
			optimized = time.Now()
		}
		cancel()
	}
}

// close stops the checkpoints; closing the database's last connection
// checkpoints what is left. Closing again does nothing.
func (c *checkpointer) close() error {
	var err error
	c.once.Do(func() {
		close(c.stop)
		<-c.done
		err = c.db.Close()
	})
	return err
}

// Close stops the checkpointer and closes the database.
func (db *DB) Close() error {
	var err error
	if db.checkpoints != nil {
		err = db.checkpoints.close()
	}
	return errors.Join(err, db.Store.Close())
}
