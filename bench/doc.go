// Package bench measures a running hookhub from the outside, the way its
// users meet it: events go in through the public API and come out at a
// webhook receiver, and nothing else is looked at.
//
// Run starts hookhub as child processes of a given executable (one node on
// a fresh SQLite database, or any number of nodes sharing one PostgreSQL
// database) or targets one that is already running, starts its own
// loopback receiver, creates a tenant and Fanout webhooks pointing at the
// receiver, and publishes Events events, either in a burst from Concurrency
// senders or paced at Rate events a second (open loop: each event leaves at
// its time, whether or not earlier ones were answered). Each event's data
// carries its sequence number and the time it was sent; the receiver
// counts every (webhook, sequence) it gets and takes the latency from the
// time carried in the body, on the same clock. When every accepted event
// has reached every webhook, and the queue is empty so that late
// duplicates have come in too, the Report tells events accepted a second,
// deliveries a second, latency percentiles, duplicates, missing
// deliveries, and the peak memory and CPU time of each hookhub process.
//
// A purge run (Config.Purge) also preloads history of another tenant and
// has the node's own retention purge delete all of it a few seconds into
// a steady load: the Report then says what the purge deleted, how long it
// took, whether it ran during the load, and the latency of the
// deliveries of the events published while it ran (purge.go).
//
// The command "hookhub bench" is the front end; its tests use the package
// directly.
package bench
