// Package sqlite opens hookhub's embedded database: one SQLite file in WAL
// mode with a single writer connection and a pool of readers, migrated at
// start. The store itself is sqlstore's, with SQLite's claim queries.
package sqlite
