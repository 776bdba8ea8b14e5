package egress

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// Errors that an *Error wraps, to tell its two kinds apart with errors.Is.
var (
	// ErrInvalidURL means the target URL is malformed or not acceptable as
	// a webhook URL (wrong scheme, no host, credentials, bad port).
	ErrInvalidURL = errors.New("invalid target url")
	// ErrForbiddenTarget means the target is well formed but is, or
	// resolves to, an address that is not public.
	ErrForbiddenTarget = errors.New("forbidden target")
)

// Error is a refused target. Reason is a plain sentence for the user, such
// as "url must use http or https"; Err is ErrInvalidURL or
// ErrForbiddenTarget.
type Error struct {
	Reason string
	Err    error
}

func (e *Error) Error() string { return e.Reason }

func (e *Error) Unwrap() error { return e.Err }

func invalid(format string, args ...any) *Error {
	return &Error{Reason: fmt.Sprintf(format, args...), Err: ErrInvalidURL}
}

func forbidden(format string, args ...any) *Error {
	return &Error{Reason: fmt.Sprintf(format, args...), Err: ErrForbiddenTarget}
}

// notAllowed ends the reason of every address refused by a Policy.
const notAllowed = "; private targets are not allowed"

// Policy decides which targets webhooks may be delivered to. The zero value
// is the safe default: only public addresses.
type Policy struct {
	// AllowPrivate turns off the address checks, so that loopback,
	// private and other non-public addresses (and the name localhost) are
	// allowed. The checks of the URL's form still apply.
	AllowPrivate bool
}

// CheckURL parses raw and checks it as a webhook target when the webhook is
// registered: it must be an absolute http or https URL with a host, without
// a user name or password, and with a port, if any, from 1 to 65535. Unless
// p.AllowPrivate is set, a host that is a literal IP address must be public
// (see IsPublic) and the host must not be localhost or a name under
// .localhost. Host names are not resolved here; the dialer checks the
// addresses they resolve to at delivery time.
//
// Errors are *Error, wrapping ErrInvalidURL or ErrForbiddenTarget.
func (p Policy) CheckURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, invalid("url is not valid: %s", describeParseError(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, invalid("url must use http or https")
	}
	if u.Opaque != "" {
		return nil, invalid("url must be of the form %s://host/path", u.Scheme)
	}
	if u.User != nil {
		return nil, invalid("url must not contain a user name or password")
	}
	host := u.Hostname()
	if host == "" {
		return nil, invalid("url must have a host")
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return nil, invalid("url port %s is out of range; use 1 to 65535", port)
		}
	}

	name := strings.TrimSuffix(host, ".")
	ip, err := netip.ParseAddr(name)
	if err != nil {
		if looksNumeric(name) {
			return nil, invalid("url host %s is not a valid IP address or host name", host)
		}
		if !p.AllowPrivate && isLocalhost(name) {
			return nil, forbidden("url host %s is a loopback name%s", host, notAllowed)
		}
		return u, nil
	}
	if p.AllowPrivate {
		return u, nil
	}
	if c := classify(ip); c != "" {
		return nil, forbidden("url host %s is %s%s", host, c, notAllowed)
	}
	return u, nil
}

// describeParseError returns the part of a url.Parse error that explains the
// problem, without repeating the URL.
func describeParseError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// isLocalhost reports whether name is localhost or a name under .localhost,
// which resolvers answer with loopback addresses (RFC 6761).
func isLocalhost(name string) bool {
	name = strings.ToLower(name)
	return name == "localhost" || strings.HasSuffix(name, ".localhost")
}

// looksNumeric reports whether the last label of name is all digits or a
// hexadecimal number, as in "127.1", "2130706433" or "0x7f.1". Such names are
// not valid host names, and some resolvers read them as IPv4 addresses in
// legacy forms that netip does not accept.
func looksNumeric(name string) bool {
	label := name[strings.LastIndexByte(name, '.')+1:]
	if label == "" {
		return false
	}
	l, digits := strings.ToLower(label), "0123456789"
	if rest, ok := strings.CutPrefix(l, "0x"); ok {
		l, digits = rest, "0123456789abcdef"
	}
	return strings.Trim(l, digits) == ""
}
