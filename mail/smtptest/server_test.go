package smtptest_test

import (
	"fmt"
	"net/smtp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookhub/hookhub/mail"
	"github.com/hookhub/hookhub/mail/smtptest"
)

const waitTimeout = 10 * time.Second

func crlf(s string) []byte {
	return []byte(strings.ReplaceAll(s, "\n", "\r\n"))
}

func TestServerParsesMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		data        string
		wantSubject string
		wantText    string
		wantHTML    string
	}{
		{
			name:        "no content type",
			data:        "Subject: plain\n\nhello\nworld\n",
			wantSubject: "plain",
			wantText:    "hello\nworld\n",
		},
		{
			name: "base64 body and B-encoded subject",
			data: "Subject: =?UTF-8?B?R3LDvMOfZQ==?=\n" +
				"Content-Type: text/plain; charset=utf-8\n" +
				"Content-Transfer-Encoding: base64\n\n" +
				"SMOpbGxvIHfDtnJsZA==\n",
			wantSubject: "Grüße",
			wantText:    "Héllo wörld",
		},
		{
			name: "nested multipart with attachment",
			data: "Subject: nested\n" +
				"MIME-Version: 1.0\n" +
				"Content-Type: multipart/mixed; boundary=outer\n\n" +
				"--outer\n" +
				"Content-Type: multipart/alternative; boundary=inner\n\n" +
				"--inner\n" +
				"Content-Type: text/plain; charset=utf-8\n" +
				"Content-Transfer-Encoding: quoted-printable\n\n" +
				"caf=C3=A9 soft=\n" +
				"break\n" +
				"--inner\n" +
				"Content-Type: text/html; charset=utf-8\n\n" +
				"<p>caf\u00e9</p>\n" +
				"--inner--\n" +
				"--outer\n" +
				"Content-Type: text/plain\n" +
				"Content-Disposition: attachment; filename=notes.txt\n\n" +
				"not the body\n" +
				"--outer--\n",
			wantSubject: "nested",
			wantText:    "café softbreak",
			wantHTML:    "<p>café</p>",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := smtptest.NewServer(t)
			to := []string{"a@example.com", "b@example.com"}
			if err := smtp.SendMail(srv.Addr(), nil, "from@example.com", to, crlf(tt.data)); err != nil {
				t.Fatalf("SendMail: %v", err)
			}
			got := srv.WaitFor(t, 1, waitTimeout)
			m := got[0]
			if m.ParseErr != nil {
				t.Fatalf("ParseErr: %v", m.ParseErr)
			}
			if m.From != "from@example.com" || !slices.Equal(m.To, to) {
				t.Errorf("envelope = %q -> %q, want %q -> %q", m.From, m.To, "from@example.com", to)
			}
			if m.User != "" {
				t.Errorf("User = %q, want empty without AUTH", m.User)
			}
			if m.Subject != tt.wantSubject {
				t.Errorf("Subject = %q, want %q", m.Subject, tt.wantSubject)
			}
			if m.Text != tt.wantText {
				t.Errorf("Text = %q, want %q", m.Text, tt.wantText)
			}
			if m.HTML != tt.wantHTML {
				t.Errorf("HTML = %q, want %q", m.HTML, tt.wantHTML)
			}
			if want := string(crlf(tt.data)); string(m.Data) != want {
				t.Errorf("Data = %q, want %q", m.Data, want)
			}
		})
	}
}

func TestServerUnparsableMessage(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	data := crlf("Subject: bad\nContent-Type: multipart/mixed\n\nno boundary\n")
	if err := smtp.SendMail(srv.Addr(), nil, "from@example.com", []string{"a@example.com"}, data); err != nil {
		t.Fatalf("SendMail: %v", err)
	}
	m := srv.WaitFor(t, 1, waitTimeout)[0]
	if m.ParseErr == nil {
		t.Errorf("ParseErr = nil, want an error for a multipart message without boundary")
	}
	if string(m.Data) != string(data) {
		t.Errorf("Data = %q, want %q", m.Data, data)
	}
}

func TestServerURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		opts      []smtptest.Option
		wantURL   string // with ADDR standing for the listening address
		wantTLS   mail.TLSMode
		wantRoots bool
	}{
		{name: "plain", wantURL: "smtp://user:pass@ADDR?tls=none", wantTLS: mail.NoTLS},
		{name: "starttls", opts: []smtptest.Option{smtptest.WithStartTLS()}, wantURL: "smtp://user:pass@ADDR", wantTLS: mail.StartTLS, wantRoots: true},
		{name: "implicit tls", opts: []smtptest.Option{smtptest.WithImplicitTLS()}, wantURL: "smtps://user:pass@ADDR", wantTLS: mail.ImplicitTLS, wantRoots: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := smtptest.NewServer(t, tt.opts...)
			if !strings.HasPrefix(srv.Addr(), "127.0.0.1:") {
				t.Errorf("Addr = %q, want 127.0.0.1:PORT", srv.Addr())
			}
			if want := strings.Replace(tt.wantURL, "ADDR", srv.Addr(), 1); srv.URL() != want {
				t.Errorf("URL = %q, want %q", srv.URL(), want)
			}
			cfg, err := mail.ParseURL(srv.URL())
			if err != nil {
				t.Fatalf("ParseURL: %v", err)
			}
			if cfg.TLS != tt.wantTLS || cfg.Username != smtptest.Username || cfg.Password != smtptest.Password {
				t.Errorf("ParseURL = %+v, want TLS %v and the server's credentials", cfg, tt.wantTLS)
			}
			if got := srv.ClientTLSConfig() != nil; got != tt.wantRoots {
				t.Errorf("ClientTLSConfig() != nil is %v, want %v", got, tt.wantRoots)
			}
		})
	}
}

func TestServerConcurrentSends(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	cfg, err := mail.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	sender := mail.NewSMTP(cfg, "from@example.com")

	const n = 20
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs <- sender.Send(t.Context(), mail.Message{
				To:      []string{fmt.Sprintf("user%d@example.com", i)},
				Subject: fmt.Sprintf("message %d", i),
				Text:    "hello",
			})
		})
	}
	// Read while sending, to exercise concurrent access.
	_ = srv.Messages()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("Send: %v", err)
		}
	}

	got := srv.WaitFor(t, n, waitTimeout)
	if len(got) != n {
		t.Fatalf("got %d messages, want %d", len(got), n)
	}
	var subjects []string
	for _, m := range got {
		if m.User != smtptest.Username {
			t.Errorf("User = %q, want %q", m.User, smtptest.Username)
		}
		subjects = append(subjects, m.Subject)
	}
	slices.Sort(subjects)
	want := make([]string, n)
	for i := range n {
		want[i] = fmt.Sprintf("message %d", i)
	}
	slices.Sort(want)
	if !slices.Equal(subjects, want) {
		t.Errorf("subjects = %q, want %q", subjects, want)
	}
}

func TestMessagesReturnsCopies(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	if err := smtp.SendMail(srv.Addr(), nil, "from@example.com", []string{"a@example.com"}, crlf("Subject: s\n\nbody\n")); err != nil {
		t.Fatal(err)
	}
	first := srv.WaitFor(t, 1, waitTimeout)
	first[0].To[0] = "changed"
	first[0].Data[0] = 'X'
	first[0].Header["Subject"][0] = "changed"

	again := srv.Messages()
	if again[0].To[0] != "a@example.com" || again[0].Data[0] != 'S' || again[0].Header.Get("Subject") != "s" {
		t.Errorf("modifying a returned message changed the server's copy: %+v", again[0])
	}
}

// recordingTB records a failure instead of stopping the test.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	failed string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Fatalf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = fmt.Sprintf(format, args...)
}

func TestWaitForFailsWithWhatArrived(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	if err := smtp.SendMail(srv.Addr(), nil, "from@example.com", []string{"a@example.com"}, crlf("Subject: only one\n\nbody\n")); err != nil {
		t.Fatal(err)
	}
	srv.WaitFor(t, 1, waitTimeout)

	rec := &recordingTB{TB: t}
	got := srv.WaitFor(rec, 2, time.Millisecond)
	if got != nil {
		t.Errorf("WaitFor returned %d messages after failing, want nil", len(got))
	}
	for _, want := range []string{"got 1 messages", "want at least 2", `subject "only one"`} {
		if !strings.Contains(rec.failed, want) {
			t.Errorf("failure message %q does not contain %q", rec.failed, want)
		}
	}
}
