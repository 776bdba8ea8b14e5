package delivery_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/delivery"
	"github.com/hookhub/hookhub/mail"
)

// runMailer runs m until the test ends.
func runMailer(t *testing.T, m *delivery.Mailer) {
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
	runMailer(t, &delivery.Mailer{Store: f.store, Interval: 20 * time.Millisecond})
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
			runMailer(t, &delivery.Mailer{
				Store: f.store, Sender: mail.NewSMTP(cfg, "hookhub@example.com"),
				Now: time.Now, Logger: testLogger(t), Interval: 20 * time.Millisecond, MaxTries: tc.maxTries,
			})
			var m *hookhub.Mail
			waitFor(t, "the first try", func() bool {
				ms, err := f.store.ListMail(t.Context(), f.tenant, hookhub.Page{})
				if err != nil {
					t.Fatal(err)
				}
				m = ms[0]
				return m.Attempts > 0
			}, nil)
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
	runMailer(t, &delivery.Mailer{
		Store: f.store, Sender: mail.NewSMTP(cfg, "hookhub@example.com"),
		Now: time.Now, Logger: testLogger(t), Interval: 5 * time.Millisecond, RetryScale: 0.001,
	})
	waitFor(t, "three tries", func() bool {
		ms, err := f.store.ListMail(t.Context(), f.tenant, hookhub.Page{})
		if err != nil {
			t.Fatal(err)
		}
		return ms[0].Attempts >= 3
	}, nil)
}

// TestUpkeepPurges deletes what is older than the retention period, as seen
// from an injected clock, and keeps unfinished work.
func TestUpkeepPurges(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	rc := newReceiver(t, nil)
	w := f.webhook(t, rc.URL, nil)
	old := f.publish(t, time.Now(), 1)[0]
	eng := start(t, f.engineConfig(t))
	done := f.waitDeliveries(t, w.ID, 1, hookhub.DeliverySucceeded)[0]
	eng.stop(t)

	// An event whose delivery is still waiting stays, however old.
	stopped := f.webhook(t, rc.URL, func(w *hookhub.Webhook) { w.State = hookhub.StateStopped })
	waiting := f.publish(t, time.Now(), 1)[0]
	sent, queued := f.enqueue(t, "sent"), f.enqueue(t, "queued")
	if err := f.store.FinishMail(ctx, sent.ID, hookhub.MailSent, "", time.Now(), time.Time{}); err != nil {
		t.Fatal(err)
	}

	up := &delivery.Upkeep{Store: f.store}
	up.Now = func() time.Time { return time.Now().Add(59 * 24 * time.Hour) }
	up.Once(ctx)
	if as := f.attempts(t, done.ID); len(as) != 1 {
		t.Fatalf("59 days on: %d attempts left, want 1", len(as))
	}

	up.Now = func() time.Time { return time.Now().Add(61 * 24 * time.Hour) }
	up.Once(ctx)
	if as := f.attempts(t, done.ID); len(as) != 0 {
		t.Errorf("61 days on: %d attempts left, want none", len(as))
	}
	if _, err := f.store.GetDelivery(ctx, f.tenant, done.ID); hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
		t.Errorf("61 days on: succeeded delivery: %v, want not found", err)
	}
	if _, err := f.store.GetEvent(ctx, f.tenant, old.ID); hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
		t.Errorf("61 days on: delivered event: %v, want not found", err)
	}
	if _, err := f.store.GetEvent(ctx, f.tenant, waiting.ID); err != nil {
		t.Errorf("61 days on: event with a held delivery: %v, want kept", err)
	}
	if ds := f.deliveries(t, stopped.ID); len(ds) != 1 || ds[0].State != hookhub.DeliveryHeld {
		t.Errorf("61 days on: held delivery gone:%s", describeDeliveries(ds))
	}
	ms, err := f.store.ListMail(ctx, f.tenant, hookhub.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].ID != queued.ID {
		t.Errorf("61 days on: %d e-mails left, want only the queued one", len(ms))
	}
}
