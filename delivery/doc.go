// Package delivery sends what the store has queued: it claims due
// deliveries in batches, turns each into the HTTP request of its webhook's
// format, signs and posts it, and hands the outcomes back to the store in
// batches. It also sends the outbox's e-mails and runs the periodic upkeep
// (retention). Everything it knows about time comes from an injected clock.
package delivery
