// Package crm holds the CRM's records: contacts and their consents, orders,
// products, tickets, activities and messages (SMS, e-mail, wallet), how
// records that come in merge with those stored (normalize, change), the
// names CRM360 callers are known by, and the Store interface that keeps
// them. Inbound integrations make these records; each save raises the
// events of Product (contact.created, order.changed, …) in the same
// transaction.
//
// The package does no I/O: its rules are plain functions, so that every
// store and every adapter applies them the same way.
package crm
