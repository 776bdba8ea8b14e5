// Package inboundworker is the inbound worker: it runs the inbound queue,
// the messages that inbound endpoints (CRM360's QueueProcess) stored and
// answered at once. (It was called processing; it is named for what it is,
// beside the delivery engine, the mail queue and the outbox.) A Worker
// claims due messages in batches with a lease, hands each to the
// Processor of its integration's kind, which applies it in one transaction
// with its records, events and status; it tries again with backoff after
// a transient failure, and fails a message for good with its reason after
// its own fault or the last try. Several workers, on one node or many
// sharing PostgreSQL, never process one message at once: claims skip
// locked rows, and a worker whose lease ran out cannot overwrite a newer
// claim's outcome.
package inboundworker
