// Package processing runs the inbound queue: messages that inbound
// endpoints (CRM360's QueueProcess) stored and answered at once. A Worker
// claims due messages in batches with a lease, hands each to the
// Processor of its integration's kind, which applies it in one transaction
// with its records, events and status; it tries again with backoff after
// a transient failure, and fails a message for good with its reason after
// its own fault or the last try. Several workers, on one node or many
// sharing PostgreSQL, never process one message at once: claims skip
// locked rows, and a worker whose lease ran out cannot overwrite a newer
// claim's outcome.
package processing
