package notice_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/notice"
)

func TestNotices(t *testing.T) {
	now := time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC)
	w := &hookhub.Webhook{ID: 7, TenantID: "ten_1", URL: "https://receiver.example/hook", ErrorsEmail: "ops@example.com",
		ConsecutiveFailures: 9, FailingSince: now.Add(-time.Hour)}
	a := &hookhub.Attempt{Number: 3, URL: w.URL, StartedAt: now, Status: 502, Error: "receiver answered 502", RequestBody: []byte(`{"id":42}`)}
	for _, tt := range []struct {
		name    string
		m       hookhub.Mail
		kind    string
		subject string
		text    []string
	}{
		{"too many errors", notice.TooManyErrors(w, "HTTP 502", now), hookhub.MailTooManyErrors,
			`Webhook "https://receiver.example/hook" stopped: too many errors`,
			[]string{"Failing since: 2026-12-02T14:00:00Z", "Consecutive failures: 9", "Last error: HTTP 502", "PATCH /v1/webhooks/7"}},
		{"failed try", notice.FailedTry(w, a, false, now), hookhub.MailFailedTry,
			`Webhook "https://receiver.example/hook": try 3 failed`,
			[]string{"it will be tried again", "Status: 502", "Error: receiver answered 502", `{"id":42}`}},
		{"last failed try", notice.FailedTry(w, a, true, now), hookhub.MailFailedTry,
			`Webhook "https://receiver.example/hook": try 3 failed`, []string{"it was the last try"}},
		{"retry limit", notice.RetryLimit(w, a, now), hookhub.MailExhausted,
			`Webhook "https://receiver.example/hook": message reached the retry limit`,
			[]string{"after 3 tries", `{"id":42}`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.m
			if m.Kind != tt.kind || m.Subject != tt.subject || m.To != w.ErrorsEmail || m.TenantID != w.TenantID ||
				m.WebhookID != w.ID || m.State != hookhub.MailQueued || !m.CreatedAt.Equal(now) {
				t.Errorf("mail = kind %q, subject %q, to %q, tenant %q, webhook %d, state %s, created %v",
					m.Kind, m.Subject, m.To, m.TenantID, m.WebhookID, m.State, m.CreatedAt)
			}
			for _, want := range tt.text {
				if !strings.Contains(m.Text, want) {
					t.Errorf("text does not say %q:\n%s", want, m.Text)
				}
			}
		})
	}
	named := *w
	named.Name = "CRM sync"
	if m := notice.TooManyErrors(&named, "x", now); !strings.Contains(m.Subject, `"CRM sync"`) {
		t.Errorf("subject %q does not name the webhook by its name", m.Subject)
	}
}
