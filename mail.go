package hookhub

import (
	"fmt"
	"strings"
	"time"
)

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

// TooManyErrorsMail is the e-mail sent to a webhook's errors address when it
// is switched to too_many_errors.
func TooManyErrorsMail(w *Webhook, lastError string, now time.Time) Mail {
	since := w.FailingSince
	if since.IsZero() {
		since = now
	}
	var b strings.Builder
	fmt.Fprintf(&b, "hookhub has stopped posting to the webhook %q (id %d).\n\n", displayName(w), w.ID)
	fmt.Fprintf(&b, "Target URL: %s\n", w.URL)
	fmt.Fprintf(&b, "Failing since: %s\n", since.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "Consecutive failures: %d\n", w.ConsecutiveFailures)
	fmt.Fprintf(&b, "Last error: %s\n\n", lastError)
	b.WriteString("New events are kept for this webhook and will be sent when it is active again.\n")
	b.WriteString("To re-activate it, fix the receiver and set the webhook's state back to active\n")
	fmt.Fprintf(&b, "(PATCH /v1/webhooks/%d with {\"state\": \"active\"}, or save it with State Active).\n", w.ID)
	return Mail{
		TenantID:  w.TenantID,
		WebhookID: w.ID,
		Kind:      MailTooManyErrors,
		To:        w.ErrorsEmail,
		Subject:   fmt.Sprintf("Webhook %q stopped: too many errors", displayName(w)),
		Text:      b.String(),
		State:     MailQueued,
		CreatedAt: now,
	}
}

// FailedTryMail tells a webhook's errors address of one failed try, with the
// request body (Tilby's rule). last is true when no tries are left; the
// store then sends RetryLimitMail too.
func FailedTryMail(w *Webhook, a *Attempt, last bool, now time.Time) Mail {
	var b strings.Builder
	next := "it will be tried again"
	if last {
		next = "it was the last try"
	}
	fmt.Fprintf(&b, "Try %d of a message to the webhook %q failed; %s.\n\n", a.Number, displayName(w), next)
	writeAttempt(&b, a)
	return Mail{
		TenantID: w.TenantID, WebhookID: w.ID, Kind: MailFailedTry, To: w.ErrorsEmail,
		Subject: fmt.Sprintf("Webhook %q: try %d failed", displayName(w), a.Number), Text: b.String(),
		State: MailQueued, CreatedAt: now,
	}
}

// RetryLimitMail tells a webhook's errors address that a message reached
// the retry limit with its last try a, and will not be sent again by
// itself: the final notice, after that try's FailedTryMail.
func RetryLimitMail(w *Webhook, a *Attempt, now time.Time) Mail {
	var b strings.Builder
	fmt.Fprintf(&b, "The message below reached the retry limit after %d tries and will not be sent again automatically.\n\n", a.Number)
	writeAttempt(&b, a)
	return Mail{
		TenantID: w.TenantID, WebhookID: w.ID, Kind: MailExhausted, To: w.ErrorsEmail,
		Subject: fmt.Sprintf("Webhook %q: message reached the retry limit", displayName(w)), Text: b.String(),
		State: MailQueued, CreatedAt: now,
	}
}

// writeAttempt writes what a failure e-mail tells of a try: where, when,
// the answer or the error, and the request body.
func writeAttempt(b *strings.Builder, a *Attempt) {
	fmt.Fprintf(b, "Target URL: %s\n", a.URL)
	fmt.Fprintf(b, "Time: %s\n", a.StartedAt.UTC().Format(time.RFC3339))
	if a.Status != 0 {
		fmt.Fprintf(b, "Status: %d\n", a.Status)
	}
	if a.Error != "" {
		fmt.Fprintf(b, "Error: %s\n", a.Error)
	}
	b.WriteString("\nRequest body:\n")
	b.Write(a.RequestBody)
	b.WriteString("\n")
}

func displayName(w *Webhook) string {
	if w.Name != "" {
		return w.Name
	}
	return w.URL
}
