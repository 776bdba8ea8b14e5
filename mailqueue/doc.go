// Package mailqueue sends the e-mail outbox: a [Mailer] claims queued
// e-mails from the store in batches, sends each through a mail.Sender (or
// writes it to the log when no SMTP server is configured), and records
// the outcome, trying a failed e-mail again later with backoff until its
// tries are used up. Everything it knows about time comes from an
// injected clock.
package mailqueue
