// Package hookhub holds the vocabulary of the webhook service: tenants and
// their tokens, event types, webhooks (subscriptions), events, deliveries and
// their attempts, e-mails in the outbox, the application error, and the
// interfaces the rest of the program meets at (Store, Formatter).
//
// The package does no I/O. Rules that do not need a database — which webhook
// subscribes to which event, when a failed delivery is tried again, when a
// webhook has failed too often — are plain functions here, so that every
// store and every adapter applies them the same way.
package hookhub
