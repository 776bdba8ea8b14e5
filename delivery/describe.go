package delivery

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"syscall"
	"time"

	"github.com/hookhub/hookhub/egress"
)

// describe says why a request got no answer, in the words an attempt's
// Error shows to whoever reads it (API callers, adapters' answers to a
// save's test call, e-mails): what went wrong with the receiver, without
// what only this server's operator should see, such as the address of
// its DNS resolver ("lookup x on 10.0.0.53:53") or its own address and
// port ("read tcp 10.0.0.5:43122->…"). The engine logs the full error.
func describe(err error, timeout time.Duration) string {
	var (
		dns    *net.DNSError
		refuse *egress.Error
		netErr net.Error
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("no answer within %s", timeout)
	case errors.As(err, &refuse):
		return refuse.Reason
	case errors.As(err, &dns):
		// dns.Err may name the resolver too ("read udp …->…:53: …").
		reason := "failed"
		if dns.IsNotFound {
			reason = "no such host"
		} else if dns.IsTimeout {
			reason = "timed out"
		}
		return fmt.Sprintf("lookup %s: %s", dns.Name, reason)
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by the receiver"
	case errors.Is(err, syscall.EHOSTUNREACH):
		return "host unreachable"
	case errors.Is(err, syscall.ENETUNREACH):
		return "network unreachable"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the receiver closed the connection without an answer"
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timed out before an answer"
	}
	return innermost(err)
}

// innermost is err's message without the layers that name addresses:
// url.Error's method and URL, net.OpError's addresses and os.SyscallError's
// call. What is left (TLS and HTTP errors among others) names none.
func innermost(err error) string {
	for {
		var (
			ue *url.Error
			op *net.OpError
			sc *os.SyscallError
		)
		switch {
		case errors.As(err, &ue) && ue.Err != nil:
			err = ue.Err
		case errors.As(err, &op) && op.Err != nil:
			err = op.Err
		case errors.As(err, &sc) && sc.Err != nil:
			err = sc.Err
		default:
			return err.Error()
		}
	}
}
