package egress

import (
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// dialTimeout bounds connecting in Transport; the caller's context bounds
// the whole request.
const dialTimeout = 10 * time.Second

// Dialer returns a dialer that connects within timeout (none if zero) and,
// unless p.AllowPrivate is set, refuses to connect to an address that is not
// public. The check runs on the address actually connected to, after DNS
// resolution, so a host name that resolves to a private address is refused
// even if it resolved to a public one when the webhook was registered. The
// refusal is an *Error wrapping ErrForbiddenTarget inside the dial error.
func (p Policy) Dialer(timeout time.Duration) *net.Dialer {
	d := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	if !p.AllowPrivate {
		d.Control = control
	}
	return d
}

// control is a net.Dialer Control function that refuses non-public
// addresses. address is the resolved "ip:port" about to be connected to.
func control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return forbidden("address %s is not an IP address and port%s", address, notAllowed)
	}
	if c := classify(ap.Addr()); c != "" {
		return forbidden("address %s is %s%s", ap.Addr(), c, notAllowed)
	}
	return nil
}

// Transport returns a transport for delivering webhooks through p.Dialer. It
// ignores proxy settings in the environment, tries HTTP/2, keeps many idle
// connections (1024 in all, 256 per host, for 90 seconds) and limits the TLS
// handshake to 10 seconds. It sets no response header timeout: the caller's
// context bounds each request.
func (p Policy) Transport() *http.Transport {
	return &http.Transport{
		Proxy:                 nil,
		DialContext:           p.Dialer(dialTimeout).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
	}
}

// Client returns a client that sends requests through rt (p.Transport() if
// rt is nil) and never follows redirects: a redirect response is returned
// to the caller as it is. The client has no overall timeout; the caller
// bounds each request with its context.
func (p Policy) Client(rt http.RoundTripper) *http.Client {
	if rt == nil {
		rt = p.Transport()
	}
	return &http.Client{
		Transport: rt,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
