package mail

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// TLSMode says how SMTP secures its connection to the server.
type TLSMode int

const (
	// StartTLS connects in plain text and upgrades the connection with
	// STARTTLS when the server offers it (smtp://).
	StartTLS TLSMode = iota
	// ImplicitTLS speaks TLS from the start of the connection (smtps://).
	ImplicitTLS
	// NoTLS never upgrades the connection (smtp+insecure:// or ?tls=none),
	// for local test servers.
	NoTLS
)

// String returns the name of the mode.
func (m TLSMode) String() string {
	switch m {
	case StartTLS:
		return "starttls"
	case ImplicitTLS:
		return "tls"
	case NoTLS:
		return "none"
	default:
		return "TLSMode(" + strconv.Itoa(int(m)) + ")"
	}
}

// Config describes how to reach an SMTP server.
type Config struct {
	Host     string
	Port     int
	Username string // PLAIN authentication is used when set
	Password string
	TLS      TLSMode
	// TLSConfig optionally customises TLS, for example with extra root
	// certificates. When its ServerName is empty, Host is used.
	TLSConfig *tls.Config
}

// Addr returns the host:port address of the server.
func (c Config) Addr() string {
	return net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
}

// String returns the configuration as a URL with the password redacted.
func (c Config) String() string {
	u := url.URL{Scheme: "smtp", Host: c.Addr()}
	switch c.TLS {
	case ImplicitTLS:
		u.Scheme = "smtps"
	case NoTLS:
		u.Scheme = "smtp+insecure"
	}
	if c.Username != "" {
		if c.Password != "" {
			u.User = url.UserPassword(c.Username, "xxxxx")
		} else {
			u.User = url.User(c.Username)
		}
	}
	return u.String()
}

// LogValue implements [slog.LogValuer] so that logging a Config never
// reveals the password.
func (c Config) LogValue() slog.Value {
	return slog.StringValue(c.String())
}

// ParseURL parses an SMTP server URL:
//
//	smtp://user:pass@host:port           plain, upgraded with STARTTLS when offered
//	smtps://user:pass@host:port          implicit TLS
//	smtp+insecure://user:pass@host:port  never STARTTLS
//	smtp://host:port?tls=none            never STARTTLS
//
// The port defaults to 25, or 465 for smtps. The user information is
// optional and may be percent-encoded.
func ParseURL(raw string) (Config, error) {
	if raw == "" {
		return Config{}, errors.New("parse smtp url: empty url")
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the whole URL, password included.
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return Config{}, fmt.Errorf("parse smtp url: %w", err)
	}

	var cfg Config
	defaultPort := 25
	switch u.Scheme {
	case "smtp":
		cfg.TLS = StartTLS
	case "smtps":
		cfg.TLS = ImplicitTLS
		defaultPort = 465
	case "smtp+insecure":
		cfg.TLS = NoTLS
	case "":
		return Config{}, errors.New("parse smtp url: missing scheme (want smtp, smtps or smtp+insecure)")
	default:
		return Config{}, fmt.Errorf("parse smtp url: unsupported scheme %q (want smtp, smtps or smtp+insecure)", u.Scheme)
	}

	if u.Opaque != "" || u.Hostname() == "" {
		return Config{}, errors.New("parse smtp url: missing host")
	}
	cfg.Host = u.Hostname()
	cfg.Port = defaultPort
	if p := u.Port(); p != "" {
		port, err := strconv.Atoi(p)
		if err != nil || port < 1 || port > 65535 {
			return Config{}, fmt.Errorf("parse smtp url: invalid port %q", p)
		}
		cfg.Port = port
	}
	if u.Path != "" && u.Path != "/" {
		return Config{}, fmt.Errorf("parse smtp url: unexpected path %q", u.Path)
	}

	for key, values := range u.Query() {
		switch key {
		case "tls":
			if len(values) != 1 || values[0] != "none" {
				return Config{}, fmt.Errorf("parse smtp url: unsupported tls value %q (only \"none\" is supported)", strings.Join(values, ","))
			}
			if cfg.TLS == ImplicitTLS {
				return Config{}, errors.New("parse smtp url: tls=none conflicts with smtps")
			}
			cfg.TLS = NoTLS
		default:
			return Config{}, fmt.Errorf("parse smtp url: unknown query parameter %q", key)
		}
	}

	if u.User != nil {
		cfg.Username = u.User.Username()
		cfg.Password, _ = u.User.Password()
	}
	return cfg, nil
}
