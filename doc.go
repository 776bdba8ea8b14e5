// Package hookhub holds the vocabulary of the webhook service: tenants and
// their tokens, event types, webhooks (subscriptions), events, deliveries and
// their attempts, e-mails in the outbox, integrations and the inbound
// messages they receive, the CRM records those make (contacts, orders,
// products, tickets, activities, messages), console sessions, the
// application error, and the interface the rest of the program meets at
// (Store).
//
// The package does no I/O. Rules that do not need a database — which webhook
// subscribes to which event, when a failed delivery is tried again, when a
// webhook has failed too often, how a record merges with what comes in —
// are plain functions here, so that every store and every adapter applies
// them the same way.
package hookhub
