// Package delivery is the delivery engine: it claims due deliveries in
// batches, turns each into the HTTP request of its webhook's format, signs
// and posts it within the webhook's limits, and hands the outcomes back to
// the store in batches. Everything it knows about time comes from an
// injected clock. The e-mail outbox is sent by package mailqueue and old
// data is purged by package upkeep.
package delivery
