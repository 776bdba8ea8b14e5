package mailqueue_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/mail"
	"github.com/hookhub/hookhub/mail/smtptest"
	"github.com/hookhub/hookhub/mailqueue"
)

// runMailer runs m until the test ends.
func runMailer(t *testing.T, m *mailqueue.Mailer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

func (f *fixture) enqueue(t *testing.T, subject string) *hookhub.Mail {
	t.Helper()
	m := &hookhub.Mail{TenantID: f.tenant, Kind: hookhub.MailFailedTry, To: "ops@example.com",
		Subject: subject, Text: "body of " + subject, CreatedAt: time.Now()}
	if err := f.store.EnqueueMail(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestMailerWithoutSender logs e-mails and marks them logged. The Mailer is
// left with its zero settings but the store.
func TestMailerWithoutSender(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.enqueue(t, "one")
	f.enqueue(t, "two")
	runMailer(t, &mailqueue.Mailer{Store: f.store, Interval: 20 * time.Millisecond})
	for _, m := range waitMail(t, f, 2, hookhub.MailLogged) {
		if m.Attempts != 1 || m.SentAt.IsZero() || m.LastError != "" {
			t.Errorf("mail %d: attempts %d, sent at %s, error %q", m.ID, m.Attempts, m.SentAt, m.LastError)
		}
	}
}

// TestMailerSMTPDown keeps an e-mail queued for later when the SMTP server
// cannot be reached, and fails it once its tries are used up.
func TestMailerSMTPDown(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	cfg, err := mail.ParseURL("smtp+insecure://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		maxTries int
		want     hookhub.MailState
	}{
		{"retried later", 0, hookhub.MailQueued},
		{"last try", 1, hookhub.MailFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			f.enqueue(t, "hello")
			runMailer(t, &mailqueue.Mailer{
				Store: f.store, Sender: mail.NewSMTP(cfg, "hookhub@example.com"),
				Now: time.Now, Logger: testLogger(t), Interval: 20 * time.Millisecond, MaxTries: tc.maxTries,
			})
			var m *hookhub.Mail
			hookhubtest.Eventually(t, "the first try", func() bool {
				ms, err := f.store.ListMail(t.Context(), f.tenant, hookhub.Page{})
				if err != nil {
					t.Fatal(err)
				}
				m = ms[0]
				return m.Attempts > 0
			})
			if m.State != tc.want || m.Attempts != 1 || !strings.Contains(m.LastError, "dial") || !m.SentAt.IsZero() {
				t.Errorf("mail: state %s, attempts %d, error %q, sent at %s; want %s, 1, a dial error, not sent",
					m.State, m.Attempts, m.LastError, m.SentAt, tc.want)
			}
		})
	}
}

// With a retry scale, e-mails are tried again as much sooner as every other
// retry (10 s, 20 s, 40 s… become 10, 20, 40 ms at 0.001).
func TestMailerRetryScale(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	cfg, err := mail.ParseURL("smtp+insecure://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	f := setup(t)
	f.enqueue(t, "hello")
	runMailer(t, &mailqueue.Mailer{
		Store: f.store, Sender: mail.NewSMTP(cfg, "hookhub@example.com"),
		Now: time.Now, Logger: testLogger(t), Interval: 5 * time.Millisecond, RetryScale: 0.001,
	})
	hookhubtest.Eventually(t, "three tries", func() bool {
		ms, err := f.store.ListMail(t.Context(), f.tenant, hookhub.Page{})
		if err != nil {
			t.Fatal(err)
		}
		return ms[0].Attempts >= 3
	})
}

// TestMailerSenderReplyToHTML sends an outbox e-mail that names its sender,
// its Reply-To and an HTML body with them, caught by a real SMTP server;
// one that names none comes from the configured sender.
func TestMailerSenderReplyToHTML(t *testing.T) {
	t.Parallel()
	f := setup(t)
	srv := smtptest.NewServer(t)
	cfg, err := mail.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []*hookhub.Mail{
		{TenantID: f.tenant, Kind: hookhub.MailMessage, From: `"CRM360" <contact@example.com>`, ReplyTo: "support@example.com",
			To: "nicolas@example.com", Subject: "Bonjour Nicolas", Text: "Bonjour Nicolas", HTML: "<p>Bonjour <b>Nicolas</b></p>", CreatedAt: time.Now()},
		{TenantID: f.tenant, Kind: hookhub.MailFailedTry, To: "ops@example.com", Subject: "plain", Text: "plain text", CreatedAt: time.Now()},
	} {
		if err := f.store.EnqueueMail(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	runMailer(t, &mailqueue.Mailer{Store: f.store, Sender: mail.NewSMTP(cfg, "hookhub@example.com"), Logger: testLogger(t), Interval: 20 * time.Millisecond})
	byTo := map[string]smtptest.Received{}
	for _, r := range srv.WaitFor(t, 2, 20*time.Second) {
		byTo[r.To[0]] = r
	}
	got := byTo["nicolas@example.com"]
	if got.From != "contact@example.com" || got.Header.Get("From") != `"CRM360" <contact@example.com>` || got.Header.Get("Reply-To") != "support@example.com" ||
		got.Text != "Bonjour Nicolas" || got.HTML != "<p>Bonjour <b>Nicolas</b></p>" {
		t.Errorf("e-mail with a sender: from %q (%q), Reply-To %q, text %q, HTML %q", got.From, got.Header.Get("From"), got.Header.Get("Reply-To"), got.Text, got.HTML)
	}
	plain := byTo["ops@example.com"]
	if plain.From != "hookhub@example.com" || plain.Header.Get("Reply-To") != "" || plain.HTML != "" || plain.Text != "plain text" {
		t.Errorf("e-mail without a sender: from %q, Reply-To %q, HTML %q", plain.From, plain.Header.Get("Reply-To"), plain.HTML)
	}
}
