package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"os"
	"time"
)

// SMTP is a [Sender] that delivers messages to an SMTP server, opening one
// connection per message. It is safe for concurrent use.
type SMTP struct {
	cfg  Config
	from string
}

var _ Sender = (*SMTP)(nil)

// NewSMTP returns a Sender for the server described by cfg. from is the
// sender address used for messages whose From is empty.
func NewSMTP(cfg Config, from string) *SMTP {
	return &SMTP{cfg: cfg, from: from}
}

// Send builds m and delivers it to the server. The context bounds the whole
// exchange: its deadline applies to the connection, and cancelling it aborts
// the connection.
//
// With a username configured, Send authenticates with AUTH PLAIN, which
// net/smtp refuses over an unencrypted connection unless the server is
// localhost.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if m.From == "" {
		m.From = s.from
	}
	from, to, err := addresses(m)
	if err != nil {
		return err
	}
	data, err := Build(m, time.Now())
	if err != nil {
		return err
	}
	rcpts := make([]string, len(to))
	for i, a := range to {
		rcpts[i] = a.Address
	}

	if err := s.send(ctx, from.Address, rcpts, data); err != nil {
		return withContextErr(ctx, err)
	}
	return nil
}

// withContextErr makes err, which happened while talking to the server, also
// match the context's error when the context ended the exchange.
func withContextErr(ctx context.Context, err error) error {
	ctxErr := ctx.Err()
	if ctxErr == nil && errors.Is(err, os.ErrDeadlineExceeded) {
		// The connection deadline, which is the context's deadline, may
		// fire before the context notices.
		if deadline, ok := ctx.Deadline(); ok && !time.Now().Before(deadline) {
			ctxErr = context.DeadlineExceeded
		}
	}
	if ctxErr == nil || errors.Is(err, ctxErr) {
		return err
	}
	return fmt.Errorf("%w: %w", err, ctxErr)
}

func (s *SMTP) send(ctx context.Context, from string, to []string, data []byte) (err error) {
	conn, err := s.dial(ctx)
	if err != nil {
		return err
	}
	if deadline, ok := ctx.Deadline(); ok {
		if err := conn.SetDeadline(deadline); err != nil {
			conn.Close()
			return fmt.Errorf("set connection deadline: %w", err)
		}
	}
	// Unblock any pending read or write as soon as ctx is done.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("greet smtp server %s: %w", s.cfg.Addr(), err)
	}
	defer func() {
		if err != nil {
			c.Close()
		}
	}()

	if s.cfg.TLS == StartTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.tlsConfig()); err != nil {
				return fmt.Errorf("start tls: %w", err)
			}
		}
	}
	if s.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host)); err != nil {
			if _, isTLS := c.TLSConnectionState(); !isTLS {
				return fmt.Errorf("authenticate as %q over an unencrypted connection: %w", s.cfg.Username, err)
			}
			return fmt.Errorf("authenticate as %q: %w", s.cfg.Username, err)
		}
	}
	if err := c.Mail(from); err != nil {
		return fmt.Errorf("send MAIL FROM %s: %w", from, err)
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt); err != nil {
			return fmt.Errorf("send RCPT TO %s: %w", rcpt, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("start DATA: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("finish DATA: %w", err)
	}
	// The server has accepted the message; a failed QUIT does not undo that,
	// and reporting it would invite a duplicate delivery.
	if err := c.Quit(); err != nil {
		c.Close()
	}
	return nil
}

func (s *SMTP) dial(ctx context.Context) (net.Conn, error) {
	addr := s.cfg.Addr()
	var (
		conn net.Conn
		err  error
	)
	if s.cfg.TLS == ImplicitTLS {
		d := tls.Dialer{Config: s.tlsConfig()}
		conn, err = d.DialContext(ctx, "tcp", addr)
	} else {
		var d net.Dialer
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("dial smtp server %s: %w", addr, err)
	}
	return conn, nil
}

func (s *SMTP) tlsConfig() *tls.Config {
	cfg := &tls.Config{}
	if s.cfg.TLSConfig != nil {
		cfg = s.cfg.TLSConfig.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = s.cfg.Host
	}
	return cfg
}
