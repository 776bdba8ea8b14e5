package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// How Listen keeps its connection: it reconnects after a pause that doubles
// from minPause up to maxPause, and checks an idle connection every
// checkEvery, so that one that died quietly is noticed.
const (
	minPause   = 100 * time.Millisecond
	maxPause   = 5 * time.Second
	checkEvery = 30 * time.Second
	checkLimit = 10 * time.Second
)

// Listen calls wake each time any node commits deliveries that are due now
// (sqlstore runs Dialect.NotifyDue in those transactions), and once each
// time it has connected, since notifications sent while it was away are
// lost. It keeps one connection LISTENing, reconnecting with backoff when it
// drops, until ctx ends or the DB closes; then it returns nil. Polling stays
// the fallback: Listen only shortens the wait.
func (db *DB) Listen(ctx context.Context, wake func()) error {
	db.mu.Lock()
	if db.closed {
		db.mu.Unlock()
		return errors.New("postgres: listen: the database is closed")
	}
	db.listens.Add(1)
	db.mu.Unlock()
	defer db.listens.Done()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(db.stopped, cancel)()

	pause := minPause
	for {
		connected, err := db.listen(ctx, wake)
		if ctx.Err() != nil {
			return nil
		}
		if connected {
			pause = minPause
		}
		db.log.Warn("lost the PostgreSQL connection that listens for due deliveries; reconnecting", "err", err, "in", pause)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(pause):
		}
		pause = min(2*pause, maxPause)
	}
}

// listen connects, listens and wakes until the connection fails or ctx
// ends. connected tells whether it got as far as listening.
func (db *DB) listen(ctx context.Context, wake func()) (connected bool, err error) {
	conn, err := db.session(ctx, "listen")
	if err != nil {
		return false, err
	}
	defer closeSession(conn)
	if _, err := conn.Exec(ctx, `LISTEN `+channel); err != nil {
		return false, fmt.Errorf("listen: %w", err)
	}
	wake()
	for {
		wctx, cancel := context.WithTimeout(ctx, checkEvery)
		_, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			wake()
		case ctx.Err() != nil:
			return true, nil
		case wctx.Err() != nil: // quiet for a while: is the connection still there?
			if err := ping(ctx, conn); err != nil {
				return true, fmt.Errorf("check connection: %w", err)
			}
		default:
			return true, fmt.Errorf("wait for notification: %w", err)
		}
	}
}

// ping checks that the server still answers on conn.
func ping(ctx context.Context, conn *pgx.Conn) error {
	ctx, cancel := context.WithTimeout(ctx, checkLimit)
	defer cancel()
	return conn.Ping(ctx)
}

// closeSession closes a session of Listen or Lead, briefly.
func closeSession(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = conn.Close(ctx)
}
