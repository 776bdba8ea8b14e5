package mailqueue

import (
	"context"
	"log/slog"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/mail"
)

// Mailer sends the outbox's e-mails. Without a Sender it writes them to
// the log and marks them logged, so they stay readable through the API.
type Mailer struct {
	Store    hookhub.Store
	Sender   mail.Sender      // nil: log only
	Now      func() time.Time // default time.Now
	Logger   *slog.Logger     // default slog.Default()
	Interval time.Duration    // how often the outbox is looked at (default 500 ms)
	MaxTries int              // tries before an e-mail is failed (default 8)
	// RetryScale multiplies the delay before an e-mail is tried again
	// (HOOKHUB_RETRY_SCALE; default 1).
	RetryScale float64
}

// Run sends e-mails until ctx ends.
func (m *Mailer) Run(ctx context.Context) {
	interval := m.Interval
	if interval <= 0 {
		interval = 500 * time.Millisecond
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		for m.sendDue(ctx) {
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sendDue sends one batch and reports whether it was full.
func (m *Mailer) sendDue(ctx context.Context) bool {
	const batch = 20
	ms, err := m.Store.ClaimMail(ctx, m.now(), batch, 2*time.Minute)
	if err != nil {
		if ctx.Err() == nil {
			m.logger().Error("claim mail", "err", err)
		}
		return false
	}
	for _, msg := range ms {
		m.send(ctx, msg)
	}
	return len(ms) == batch
}

func (m *Mailer) send(ctx context.Context, msg *hookhub.Mail) {
	maxTries := m.MaxTries
	if maxTries <= 0 {
		maxTries = 8
	}
	state, errMsg, retryAt := hookhub.MailSent, "", time.Time{}
	if m.Sender == nil {
		m.logger().Info("e-mail (no SMTP server configured)", "to", msg.To, "subject", msg.Subject, "text", msg.Text)
		state = hookhub.MailLogged
	} else {
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := m.Sender.Send(sctx, message(msg))
		cancel()
		if err != nil {
			errMsg = err.Error()
			if msg.Attempts+1 >= maxTries {
				state = hookhub.MailFailed
				m.logger().Error("send e-mail: giving up", "id", msg.ID, "to", msg.To, "err", err)
			} else {
				state = hookhub.MailQueued
				delay := time.Duration(1<<min(msg.Attempts, 10)) * 10 * time.Second
				if m.RetryScale > 0 {
					delay = time.Duration(float64(delay) * m.RetryScale)
				}
				retryAt = m.now().Add(delay)
				m.logger().Warn("send e-mail: will try again", "id", msg.ID, "to", msg.To, "err", err, "at", retryAt)
			}
		}
	}
	if err := m.Store.FinishMail(context.WithoutCancel(ctx), msg.ID, state, errMsg, m.now(), retryAt); err != nil {
		m.logger().Error("finish mail", "id", msg.ID, "err", err)
	}
}

// message is an outbox e-mail as the sender takes it: from the configured
// sender unless it names one, with its Reply-To and HTML when it has them.
func message(msg *hookhub.Mail) mail.Message {
	out := mail.Message{From: msg.From, To: []string{msg.To}, Subject: msg.Subject, Text: msg.Text, HTML: msg.HTML}
	if msg.ReplyTo != "" {
		out.Headers = map[string]string{"Reply-To": msg.ReplyTo}
	}
	return out
}

func (m *Mailer) now() time.Time {
	if m.Now == nil {
		return time.Now()
	}
	return m.Now()
}

func (m *Mailer) logger() *slog.Logger {
	if m.Logger == nil {
		return slog.Default()
	}
	return m.Logger
}
