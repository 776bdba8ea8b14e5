// Package hookhub holds the vocabulary of the webhook service: tenants and
// their tokens, event types and the catalogue products add to them
// (Product, Catalog), webhooks (subscriptions), events, deliveries and
// their attempts, e-mails in the outbox, integrations and the inbound
// messages they receive, console sessions, the application error, and the
// interface the rest of the program meets at (Store). The CRM records that
// inbound messages make are package crm's.
//
// The package does no I/O. Rules that do not need a database — which webhook
// subscribes to which event, when a failed delivery is tried again, when a
// webhook has failed too often — are plain functions here, so that every
// store and every adapter applies them the same way.
package hookhub
