package mail

import (
	"context"
	"log/slog"
	"unicode/utf8"
)

// maxLoggedText is how much of a message's text LogSender logs.
const maxLoggedText = 2 << 10

// LogSender is a [Sender] that only logs messages, at Info level. It stands
// in for SMTP when no mail server is configured. A nil Logger means
// [slog.Default].
type LogSender struct {
	Logger *slog.Logger
}

var _ Sender = LogSender{}

// Send logs the sender, recipients, subject and the first 2 KiB of the text
// of m. It never fails.
func (s LogSender) Send(ctx context.Context, m Message) error {
	logger := s.Logger
	if logger == nil {
		logger = slog.Default()
	}
	text, truncated := truncate(m.Text, maxLoggedText)
	logger.InfoContext(ctx, "mail not sent: no smtp server configured",
		slog.String("from", m.From),
		slog.Any("to", m.To),
		slog.String("subject", m.Subject),
		slog.String("text", text),
		slog.Bool("text_truncated", truncated),
		slog.Bool("html", m.HTML != ""),
	)
	return nil
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n], true
}
