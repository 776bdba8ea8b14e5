package mail_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookhub/hookhub/mail"
	"github.com/hookhub/hookhub/mail/smtptest"
)

// waitTimeout bounds how long tests wait for a message to arrive.
const waitTimeout = 10 * time.Second

func newSender(t *testing.T, srv *smtptest.Server) *mail.SMTP {
	t.Helper()
	cfg, err := mail.ParseURL(srv.URL())
	if err != nil {
		t.Fatalf("ParseURL(%q): %v", srv.URL(), err)
	}
	cfg.TLSConfig = srv.ClientTLSConfig()
	return mail.NewSMTP(cfg, "Hookhub <noreply@hookhub.example>")
}

func TestSMTPSend(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opts     []smtptest.Option
		msg      mail.Message
		wantFrom string
		wantTo   []string
	}{
		{
			name: "plain text",
			msg: mail.Message{
				To:      []string{"alice@example.com"},
				Subject: "Your endpoint is failing",
				Text:    "Deliveries to https://example.com/hook have failed 5 times.\n",
			},
			wantFrom: "noreply@hookhub.example",
			wantTo:   []string{"alice@example.com"},
		},
		{
			name: "html and text",
			msg: mail.Message{
				From:    "ops@hookhub.example",
				To:      []string{"Bob <bob@example.com>"},
				Subject: "Weekly report",
				Text:    "3 endpoints, 120 deliveries",
				HTML:    "<p>3 endpoints, <b>120</b> deliveries</p>",
			},
			wantFrom: "ops@hookhub.example",
			wantTo:   []string{"bob@example.com"},
		},
		{
			name: "non-ASCII subject and body",
			msg: mail.Message{
				To:      []string{"Zoë Ünal <zoe@example.com>"},
				Subject: "Grüße aus Köln – 日本語の件名 ✓",
				Text:    "Héllo wörld,\n\nmultibyte: 日本語 ✓ 🚀\nline with trailing space \nend=of=text",
				HTML:    "<p>Héllo wörld 🚀</p>",
			},
			wantFrom: "noreply@hookhub.example",
			wantTo:   []string{"zoe@example.com"},
		},
		{
			name: "multiple recipients",
			msg: mail.Message{
				To:      []string{"a@example.com", "B <b@example.org>", "c@example.net"},
				Subject: "Team notice",
				Text:    "hello all",
			},
			wantFrom: "noreply@hookhub.example",
			wantTo:   []string{"a@example.com", "b@example.org", "c@example.net"},
		},
		{
			name: "long lines and leading dots",
			msg: mail.Message{
				To:      []string{"a@example.com"},
				Subject: strings.TrimSpace(strings.Repeat("long subject ", 10)),
				Text:    strings.Repeat("x", 300) + "\n.\n..leading dots\n" + strings.Repeat("é", 100),
			},
			wantFrom: "noreply@hookhub.example",
			wantTo:   []string{"a@example.com"},
		},
		{
			name: "starttls",
			opts: []smtptest.Option{smtptest.WithStartTLS()},
			msg: mail.Message{
				To:      []string{"a@example.com"},
				Subject: "over starttls",
				Text:    "secret",
			},
			wantFrom: "noreply@hookhub.example",
			wantTo:   []string{"a@example.com"},
		},
		{
			name: "implicit tls",
			opts: []smtptest.Option{smtptest.WithImplicitTLS()},
			msg: mail.Message{
				To:      []string{"a@example.com"},
				Subject: "over smtps",
				Text:    "secret",
			},
			wantFrom: "noreply@hookhub.example",
			wantTo:   []string{"a@example.com"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := smtptest.NewServer(t, tt.opts...)
			if err := newSender(t, srv).Send(t.Context(), tt.msg); err != nil {
				t.Fatalf("Send: %v", err)
			}

			got := srv.WaitFor(t, 1, waitTimeout)
			if len(got) != 1 {
				t.Fatalf("got %d messages, want 1", len(got))
			}
			m := got[0]
			if m.ParseErr != nil {
				t.Fatalf("server could not parse message: %v\n%s", m.ParseErr, m.Data)
			}
			if m.From != tt.wantFrom {
				t.Errorf("envelope from = %q, want %q", m.From, tt.wantFrom)
			}
			if !slices.Equal(m.To, tt.wantTo) {
				t.Errorf("envelope to = %q, want %q", m.To, tt.wantTo)
			}
			if m.User != smtptest.Username {
				t.Errorf("authenticated user = %q, want %q", m.User, smtptest.Username)
			}
			if m.Subject != tt.msg.Subject {
				t.Errorf("subject = %q, want %q", m.Subject, tt.msg.Subject)
			}
			if m.Text != tt.msg.Text {
				t.Errorf("text = %q, want %q", m.Text, tt.msg.Text)
			}
			if m.HTML != tt.msg.HTML {
				t.Errorf("html = %q, want %q", m.HTML, tt.msg.HTML)
			}
		})
	}
}

func TestSMTPSendSequential(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	sender := newSender(t, srv)
	subjects := []string{"one", "two", "three"}
	for _, s := range subjects {
		if err := sender.Send(t.Context(), mail.Message{To: []string{"a@example.com"}, Subject: s, Text: s}); err != nil {
			t.Fatalf("Send(%q): %v", s, err)
		}
	}
	got := srv.WaitFor(t, len(subjects), waitTimeout)
	for i, m := range got {
		if m.Subject != subjects[i] || m.Text != subjects[i] {
			t.Errorf("message %d: subject %q, text %q, want %q", i, m.Subject, m.Text, subjects[i])
		}
	}
}

func TestSMTPSendErrors(t *testing.T) {
	t.Parallel()
	plain := smtptest.NewServer(t)
	plainCfg, err := mail.ParseURL(plain.URL())
	if err != nil {
		t.Fatal(err)
	}
	tlsSrv := smtptest.NewServer(t, smtptest.WithImplicitTLS())
	tlsCfg, err := mail.ParseURL(tlsSrv.URL())
	if err != nil {
		t.Fatal(err)
	}

	// A port with nothing listening on it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := ln.Addr().(*net.TCPAddr)
	ln.Close()

	silentPort := silentServer(t)

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	msg := mail.Message{From: "noreply@hookhub.example", To: []string{"a@example.com"}, Subject: "s", Text: "t"}
	tests := []struct {
		name     string
		cfg      mail.Config
		msg      mail.Message
		ctx      func(t *testing.T) context.Context
		wantIs   func(error) bool
		wantText string
	}{
		{
			name:     "nothing listening",
			cfg:      mail.Config{Host: "127.0.0.1", Port: closedAddr.Port, TLS: mail.NoTLS},
			msg:      msg,
			wantText: "dial smtp server",
		},
		{
			name:     "cancelled context",
			cfg:      plainCfg,
			msg:      msg,
			ctx:      func(*testing.T) context.Context { return cancelled },
			wantIs:   isErr(context.Canceled),
			wantText: "dial smtp server",
		},
		{
			name: "deadline while waiting for greeting",
			cfg:  mail.Config{Host: "127.0.0.1", Port: silentPort, TLS: mail.NoTLS},
			msg:  msg,
			ctx: func(t *testing.T) context.Context {
				ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
				t.Cleanup(cancel)
				return ctx
			},
			wantIs:   isErr(context.DeadlineExceeded),
			wantText: "greet smtp server",
		},
		{
			name: "cancel while waiting for greeting",
			cfg:  mail.Config{Host: "127.0.0.1", Port: silentPort, TLS: mail.NoTLS},
			msg:  msg,
			ctx: func(t *testing.T) context.Context {
				ctx, cancel := context.WithCancel(t.Context())
				time.AfterFunc(50*time.Millisecond, cancel)
				return ctx
			},
			wantIs:   isErr(context.Canceled),
			wantText: "greet smtp server",
		},
		{
			name: "password over unencrypted connection to a remote host",
			// An IPv4-mapped address reaches 127.0.0.1 but is not one of
			// the names net/smtp treats as localhost.
			cfg:      mail.Config{Host: "::ffff:127.0.0.1", Port: plainCfg.Port, Username: "u", Password: "p", TLS: mail.NoTLS},
			msg:      msg,
			wantText: "authenticate as \"u\" over an unencrypted connection",
		},
		{
			name:     "untrusted certificate",
			cfg:      tlsCfg,
			msg:      msg,
			wantIs:   isCertificateError,
			wantText: "dial smtp server",
		},
		{
			name:     "no sender",
			cfg:      plainCfg,
			msg:      mail.Message{To: []string{"a@example.com"}, Subject: "s"},
			wantText: "missing sender address",
		},
		{
			name:     "no recipients",
			cfg:      plainCfg,
			msg:      mail.Message{From: "a@example.com", Subject: "s"},
			wantText: "no recipients",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			if tt.ctx != nil {
				ctx = tt.ctx(t)
			}
			err := mail.NewSMTP(tt.cfg, "").Send(ctx, tt.msg)
			if err == nil {
				t.Fatal("Send succeeded, want error")
			}
			if tt.wantIs != nil && !tt.wantIs(err) {
				t.Errorf("Send error %q is not of the expected kind", err)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("Send error %q does not contain %q", err, tt.wantText)
			}
		})
	}
	t.Cleanup(func() {
		if n := len(plain.Messages()); n != 0 {
			t.Errorf("plain server received %d messages, want 0", n)
		}
	})
}

func isErr(target error) func(error) bool {
	return func(err error) bool { return errors.Is(err, target) }
}

func isCertificateError(err error) bool {
	_, ok := errors.AsType[*tls.CertificateVerificationError](err)
	return ok
}

// silentServer listens on a port of 127.0.0.1, accepts connections and never
// says anything on them. It returns the port.
func silentServer(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().(*net.TCPAddr).Port
}
