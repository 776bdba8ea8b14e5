package hookhub

import "time"

// MailState is where an e-mail of the outbox is.
type MailState string

// The states of an outbox e-mail.
const (
	MailQueued MailState = "queued"
	MailSent   MailState = "sent"
	MailFailed MailState = "failed" // the SMTP server refused it for good
	MailLogged MailState = "logged" // no SMTP server is configured; written to the log
)

// Mail is an e-mail in the outbox. It is stored in the same transaction as
// the change that caused it and sent afterwards, so none is lost.
type Mail struct {
	ID        int64
	TenantID  string
	WebhookID int64 // 0 when not about a webhook
	Kind      string
	// From is the sender ("Alias <address>"); empty for the configured one.
	From      string
	ReplyTo   string // empty for none
	To        string
	Subject   string
	Text      string
	HTML      string // empty for a text-only e-mail
	State     MailState
	Attempts  int
	LastError string
	CreatedAt time.Time
	SentAt    time.Time
}

// Mail kinds.
const (
	MailTooManyErrors = "webhook.too_many_errors"
	MailFailedTry     = "webhook.failed_try"
	MailExhausted     = "webhook.retries_exhausted"
	MailMessage       = "message.email" // an e-mail a source asked hookhub to send (a Message of the e-mail channel)
)
