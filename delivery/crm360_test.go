package delivery_test

import (
	"context"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/delivery"
	"github.com/hookhub/hookhub/mail"
	"github.com/hookhub/hookhub/mail/smtptest"
)

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
	runMailer(t, &delivery.Mailer{Store: f.store, Sender: mail.NewSMTP(cfg, "hookhub@example.com"), Logger: testLogger(t), Interval: 20 * time.Millisecond})
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

// TestUpkeepPurgesInboundMessages deletes finished inbound messages
// received before the retention period, and keeps queued ones however old.
func TestUpkeepPurgesInboundMessages(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	in := &hookhub.Integration{TenantID: f.tenant, Kind: "crm360-shopify", Name: "shop", Active: true, Token: hookhub.NewIntegrationToken(),
		CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := f.store.CreateIntegration(ctx, in); err != nil {
		t.Fatal(err)
	}
	msgs := map[hookhub.InboundStatus]*hookhub.InboundMessage{}
	for _, st := range []hookhub.InboundStatus{hookhub.InboundDone, hookhub.InboundFailed, hookhub.InboundQueued} {
		m := &hookhub.InboundMessage{TenantID: f.tenant, IntegrationID: in.ID, Kind: in.Kind, Method: "POST", ReceivedAt: time.Now(),
			Status: st, RunAt: time.Now().Add(365 * 24 * time.Hour)}
		if err := f.store.CreateInboundMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
		msgs[st] = m
	}
	up := &delivery.Upkeep{Store: f.store, Logger: testLogger(t), Retention: 7 * 24 * time.Hour}
	up.Now = func() time.Time { return time.Now().Add(6 * 24 * time.Hour) }
	up.Once(ctx)
	for st, m := range msgs {
		if _, err := f.store.GetInboundMessage(ctx, f.tenant, m.ID); err != nil {
			t.Errorf("6 days on: %s message: %v, want kept", st, err)
		}
	}
	up.Now = func() time.Time { return time.Now().Add(8 * 24 * time.Hour) }
	up.Once(ctx)
	for st, m := range msgs {
		_, err := f.store.GetInboundMessage(ctx, f.tenant, m.ID)
		if gone := hookhub.ErrorCode(err) == hookhub.ENOTFOUND; gone != (st != hookhub.InboundQueued) {
			t.Errorf("8 days on: %s message: %v; want finished ones purged and the queued one kept", st, err)
		}
	}
}
