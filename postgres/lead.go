package postgres

import (
	"context"
)

// Lead reports whether this node leads: whether it holds the leader
// advisory lock, on a session of its own, taking it when nobody holds it.
// A node that does not lead keeps no session: each Lead tries anew.
// When the leader's session dies (the node crashed, or lost the database)
// PostgreSQL releases the lock and the next Lead of any node takes it; the
// old leader's next Lead finds its session gone, and leads again only if the
// lock is still free. Upkeep runs right after a Lead that returned true, so
// two nodes overlap at most for one run of work that is safe to repeat.
func (db *DB) Lead(ctx context.Context) bool {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, checkLimit)
	defer cancel()
	if db.leader != nil {
		err := db.leader.Ping(ctx)
		if err == nil {
			return true
		}
		db.log.Warn("lost the PostgreSQL session that holds the leadership", "err", err)
		closeSession(db.leader)
		db.leader = nil
	}
	conn, err := db.session(ctx, "leader")
	if err != nil {
		db.log.Warn("cannot try to lead", "err", err)
		return false
	}
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, leaderLock).Scan(&ok); err != nil || !ok {
		if err != nil {
			db.log.Warn("cannot try to lead", "err", err)
		}
		closeSession(conn)
		return false
	}
	db.leader = conn
	return true
}
