package smtptest

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Username and Password are the credentials that [Server.URL] carries. The
// server accepts any credentials.
const (
	Username = "user"
	Password = "pass"
)

// maxMessageBytes bounds the size of a message the server accepts.
const maxMessageBytes = 32 << 20

// Received is a message the server has accepted.
type Received struct {
	// From and To are the envelope sender and recipients.
	From string
	To   []string
	// User is the name the client authenticated as, if it did.
	User string
	// Data is the message exactly as received.
	Data []byte
	// Header is the parsed top-level header of the message.
	Header mail.Header
	// Subject is the decoded Subject header.
	Subject string
	// Text and HTML are the decoded bodies of the first text/plain and
	// text/html parts, with line endings normalised to "\n". A message
	// without a Content-Type counts as text/plain.
	Text string
	HTML string
	// ParseErr is set when Data could not be parsed; the decoded fields are
	// then incomplete.
	ParseErr error
}

func (r Received) clone() Received {
	r.To = slices.Clone(r.To)
	r.Data = slices.Clone(r.Data)
	if r.Header != nil {
		h := make(mail.Header, len(r.Header))
		for k, v := range r.Header {
			h[k] = slices.Clone(v)
		}
		r.Header = h
	}
	return r
}

// tlsMode is how the server offers TLS.
type tlsMode int

const (
	plain tlsMode = iota
	startTLS
	implicitTLS
)

// Option configures a Server.
type Option func(*Server)

// WithStartTLS makes the server offer STARTTLS with a self-signed
// certificate for 127.0.0.1. Clients must trust [Server.ClientTLSConfig].
func WithStartTLS() Option {
	return func(s *Server) { s.mode = startTLS }
}

// WithImplicitTLS makes the server speak TLS from the start of each
// connection, like an smtps server, with a self-signed certificate for
// 127.0.0.1. Clients must trust [Server.ClientTLSConfig].
func WithImplicitTLS() Option {
	return func(s *Server) { s.mode = implicitTLS }
}

// Server is an SMTP server listening on 127.0.0.1. It is safe for
// concurrent use.
type Server struct {
	mode      tlsMode
	addr      string
	clientTLS *tls.Config

	mu      sync.Mutex
	t       testing.TB // nil once the server is stopped
	msgs    []Received
	arrived chan struct{} // closed and replaced whenever a message arrives
}

// NewServer starts a server on a free port of 127.0.0.1 and stops it when
// the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{t: t, arrived: make(chan struct{})}
	for _, opt := range opts {
		opt(s)
	}

	srv := smtp.NewServer(smtp.BackendFunc(s.newSession))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.MaxMessageBytes = maxMessageBytes
	srv.ErrorLog = (*errorLog)(s)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	if s.mode != plain {
		cert, roots, err := selfSigned()
		if err != nil {
			ln.Close()
			t.Fatalf("smtptest: %v", err)
		}
		serverTLS := &tls.Config{Certificates: []tls.Certificate{cert}}
		s.clientTLS = &tls.Config{RootCAs: roots}
		if s.mode == startTLS {
			srv.TLSConfig = serverTLS
		} else {
			ln = tls.NewListener(ln, serverTLS)
		}
	}
	s.addr = ln.Addr().String()

	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil {
			s.logf("smtptest: serve: %v", err)
		}
	}()
	t.Cleanup(func() {
		srv.Close()
		// Serve may not have registered the listener with srv yet.
		ln.Close()
		<-done
		s.mu.Lock()
		s.t = nil
		s.mu.Unlock()
	})
	return s
}

// Addr returns the host:port address the server listens on.
func (s *Server) Addr() string {
	return s.addr
}

// URL returns an SMTP URL for the server, with credentials, that
// mail.ParseURL accepts: smtp://user:pass@127.0.0.1:PORT?tls=none for a
// plain server, smtp://… for one offering STARTTLS and smtps://… for one
// speaking implicit TLS.
func (s *Server) URL() string {
	u := url.URL{
		Scheme: "smtp",
		User:   url.UserPassword(Username, Password),
		Host:   s.addr,
	}
	switch s.mode {
	case plain:
		u.RawQuery = "tls=none"
	case implicitTLS:
		u.Scheme = "smtps"
	}
	return u.String()
}

// ClientTLSConfig returns a TLS configuration that trusts the server's
// certificate, or nil for a plain server.
func (s *Server) ClientTLSConfig() *tls.Config {
	if s.clientTLS == nil {
		return nil
	}
	return s.clientTLS.Clone()
}

// Messages returns the messages received so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snapshot()
}

// WaitFor waits until at least n messages have arrived and returns all of
// them. If they do not arrive within timeout, it fails the test, listing
// the messages that did. Like t.Fatal, it must be called from the test's
// goroutine.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Received {
	t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		msgs, arrived := s.snapshot(), s.arrived
		s.mu.Unlock()
		if len(msgs) >= n {
			return msgs
		}
		select {
		case <-arrived:
		case <-timer.C:
			var b strings.Builder
			for i, m := range msgs {
				fmt.Fprintf(&b, "\n  %d: from %q to %q subject %q", i, m.From, m.To, m.Subject)
			}
			t.Fatalf("smtptest: got %d messages after %v, want at least %d%s", len(msgs), timeout, n, b.String())
			return nil
		}
	}
}

// snapshot copies the received messages; s.mu must be held.
func (s *Server) snapshot() []Received {
	out := make([]Received, len(s.msgs))
	for i, m := range s.msgs {
		out[i] = m.clone()
	}
	return out
}

func (s *Server) deliver(m Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, m)
	close(s.arrived)
	s.arrived = make(chan struct{})
}

// logf logs to the test while it is running and drops messages afterwards.
func (s *Server) logf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.t != nil {
		s.t.Logf(format, args...)
	}
}

// errorLog sends the go-smtp server's error log to the test log.
type errorLog Server

func (l *errorLog) Printf(format string, v ...any) {
	(*Server)(l).logf("smtptest: "+format, v...)
}

func (l *errorLog) Println(v ...any) {
	(*Server)(l).logf("smtptest: %s", strings.TrimSuffix(fmt.Sprintln(v...), "\n"))
}

func (s *Server) newSession(*smtp.Conn) (smtp.Session, error) {
	return &session{srv: s}, nil
}

// session records one client's transactions.
type session struct {
	srv  *Server
	user string
	from string
	to   []string
}

var _ smtp.AuthSession = (*session)(nil)

func (s *session) AuthMechanisms() []string {
	return []string{sasl.Plain}
}

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, _ string) error {
		s.user = username
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("read message: %w", err)
	}
	m := Received{
		From: s.from,
		To:   slices.Clone(s.to),
		User: s.user,
		Data: data,
	}
	if err := parse(data, &m); err != nil {
		m.ParseErr = err
		s.srv.logf("smtptest: %v", err)
	}
	s.srv.deliver(m)
	return nil
}

func (s *session) Reset() {
	s.from = ""
	s.to = nil
}

func (s *session) Logout() error {
	return nil
}

// selfSigned returns a certificate for 127.0.0.1, ::1 and localhost and a
// pool that trusts it.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	cert, err := newCertificate()
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("create certificate: %w", err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert.Leaf)
	return cert, roots, nil
}
