package mail_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hookhub/hookhub/mail"
)

func TestLogSender(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		msg           mail.Message
		wantText      string
		wantTruncated bool
	}{
		{
			name:     "short text",
			msg:      mail.Message{From: "a@example.com", To: []string{"b@example.com", "c@example.com"}, Subject: "Hi", Text: "hello"},
			wantText: "hello",
		},
		{
			name:     "exactly 2 KiB",
			msg:      mail.Message{To: []string{"b@example.com"}, Text: strings.Repeat("x", 2048)},
			wantText: strings.Repeat("x", 2048),
		},
		{
			name:          "long text is cut at 2 KiB",
			msg:           mail.Message{To: []string{"b@example.com"}, Text: strings.Repeat("x", 5000)},
			wantText:      strings.Repeat("x", 2048),
			wantTruncated: true,
		},
		{
			name:          "cut does not split a multibyte character",
			msg:           mail.Message{To: []string{"b@example.com"}, Text: "x" + strings.Repeat("é", 2000)},
			wantText:      "x" + strings.Repeat("é", 1023),
			wantTruncated: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			sender := mail.LogSender{Logger: slog.New(slog.NewJSONHandler(&buf, nil))}
			if err := sender.Send(t.Context(), tt.msg); err != nil {
				t.Fatalf("Send: %v", err)
			}
			var got struct {
				Level         string
				From          string
				To            []string
				Subject       string
				Text          string
				TextTruncated bool `json:"text_truncated"`
			}
			if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatalf("decode log line %q: %v", buf.String(), err)
			}
			if got.Level != "INFO" {
				t.Errorf("level = %q, want INFO", got.Level)
			}
			if got.From != tt.msg.From || got.Subject != tt.msg.Subject || !slices.Equal(got.To, tt.msg.To) {
				t.Errorf("logged from %q, to %q, subject %q; want %q, %q, %q",
					got.From, got.To, got.Subject, tt.msg.From, tt.msg.To, tt.msg.Subject)
			}
			if got.Text != tt.wantText {
				t.Errorf("logged text of %d bytes, want %d bytes", len(got.Text), len(tt.wantText))
			}
			if !utf8.ValidString(got.Text) {
				t.Errorf("logged text is not valid UTF-8")
			}
			if got.TextTruncated != tt.wantTruncated {
				t.Errorf("text_truncated = %v, want %v", got.TextTruncated, tt.wantTruncated)
			}
		})
	}
}
