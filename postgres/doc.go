// Package postgres opens hookhub's shared database: PostgreSQL, for any
// number of hookhub nodes at once. It migrates the schema at start under an
// advisory lock, so that nodes starting together take turns. The store itself
// is sqlstore's, with PostgreSQL's claim queries (FOR UPDATE SKIP LOCKED);
// besides, a DB wakes the nodes with LISTEN/NOTIFY when work becomes due
// (hookhub.Notifier) and elects one node for upkeep with a second advisory
// lock (hookhub.Leader).
package postgres
