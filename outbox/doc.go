// Package outbox sends the outbox of SMS and loyalty-card (wallet)
// updates that inbound messages queue (CRM360's Crm360 Sms Send and
// CaptainWallet LoyaltyCard SendUpdate): a Dispatcher claims queued
// messages, hands each to the Provider of its channel, and records the
// outcome, which raises message.changed. A channel without a configured
// provider gets Log, which writes the message to the log, as the mailer
// does without an SMTP server.
package outbox
