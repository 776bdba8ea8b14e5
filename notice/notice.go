// Package notice writes the e-mails hookhub sends a webhook's errors
// address: a webhook switched off, a failed try, a message at the retry
// limit. The store queues them in the transaction that records the cause.
package notice

import (
	"fmt"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
)

// TooManyErrors is the e-mail sent to a webhook's errors address when it
// is switched to too_many_errors.
func TooManyErrors(w *hookhub.Webhook, lastError string, now time.Time) hookhub.Mail {
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
	return hookhub.Mail{
		TenantID:  w.TenantID,
		WebhookID: w.ID,
		Kind:      hookhub.MailTooManyErrors,
		To:        w.ErrorsEmail,
		Subject:   fmt.Sprintf("Webhook %q stopped: too many errors", displayName(w)),
		Text:      b.String(),
		State:     hookhub.MailQueued,
		CreatedAt: now,
	}
}

// FailedTry tells a webhook's errors address of one failed try, with the
// request body (Tilby's rule). last is true when no tries are left; the
// store then sends RetryLimit too.
func FailedTry(w *hookhub.Webhook, a *hookhub.Attempt, last bool, now time.Time) hookhub.Mail {
	var b strings.Builder
	next := "it will be tried again"
	if last {
		next = "it was the last try"
	}
	fmt.Fprintf(&b, "Try %d of a message to the webhook %q failed; %s.\n\n", a.Number, displayName(w), next)
	writeAttempt(&b, a)
	return hookhub.Mail{
		TenantID: w.TenantID, WebhookID: w.ID, Kind: hookhub.MailFailedTry, To: w.ErrorsEmail,
		Subject: fmt.Sprintf("Webhook %q: try %d failed", displayName(w), a.Number), Text: b.String(),
		State: hookhub.MailQueued, CreatedAt: now,
	}
}

// RetryLimit tells a webhook's errors address that a message reached
// the retry limit with its last try a, and will not be sent again by
// itself: the final notice, after that try's FailedTry.
func RetryLimit(w *hookhub.Webhook, a *hookhub.Attempt, now time.Time) hookhub.Mail {
	var b strings.Builder
	fmt.Fprintf(&b, "The message below reached the retry limit after %d tries and will not be sent again automatically.\n\n", a.Number)
	writeAttempt(&b, a)
	return hookhub.Mail{
		TenantID: w.TenantID, WebhookID: w.ID, Kind: hookhub.MailExhausted, To: w.ErrorsEmail,
		Subject: fmt.Sprintf("Webhook %q: message reached the retry limit", displayName(w)), Text: b.String(),
		State: hookhub.MailQueued, CreatedAt: now,
	}
}

// writeAttempt writes what a failure e-mail tells of a try: where, when,
// the answer or the error, and the request body.
func writeAttempt(b *strings.Builder, a *hookhub.Attempt) {
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

func displayName(w *hookhub.Webhook) string {
	if w.Name != "" {
		return w.Name
	}
	return w.URL
}
