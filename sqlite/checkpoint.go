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
type checkpointer struct {
	db   *sql.DB
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// checkpointEvery is how often the log is copied: often enough that it stays
// short (a burst writes some thousands of pages a second).
const checkpointEvery = 100 * time.Millisecond

func startCheckpoints(db *sql.DB) *checkpointer {
	db.SetMaxOpenConns(1)
	c := &checkpointer{db: db, stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c
}

func (c *checkpointer) run() {
	defer close(c.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
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
