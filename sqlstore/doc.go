// Package sqlstore implements hookhub.Store over database/sql once, for both
// databases hookhub runs on. The sqlite and postgres packages open their
// database, run their own migrations and hand this package a Dialect with the
// few statements that differ (the claim query above all; a few row locks
// ask Dialect.Name); everything else is SQL that both accept, with $n
// placeholders and times as Unix milliseconds.
package sqlstore
