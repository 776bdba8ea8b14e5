package delivery

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hookhub/hookhub/egress"
)

// TestDescribe: transport errors are told without this server's network
// details. Where the error can be had for real (a refused connection, an
// egress refusal, TLS trouble, a timeout) it is; the others are built as
// the standard library builds them, with the addresses that must not
// show.
func TestDescribe(t *testing.T) {
	t.Parallel()
	post := func(client *http.Client, ctx context.Context, u string) error {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, "POST", u, strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("POST %s answered %d, want an error", u, resp.StatusCode)
		}
		return err
	}
	loopback := egress.Policy{AllowPrivate: true}
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(tlsSrv.Close)
	plain := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(plain.Close)
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // so that the server sees the client go
		<-r.Context().Done()
	}))
	t.Cleanup(hang.Close)
	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	t.Cleanup(cancel)
	local := &net.TCPAddr{IP: net.IPv4(10, 0, 0, 5), Port: 43122}
	remote := &net.TCPAddr{IP: net.IPv4(203, 0, 113, 7), Port: 443}
	wrap := func(op string, err error) error {
		return &url.Error{Op: "Post", URL: "https://hooks.example.com/x",
			Err: &net.OpError{Op: op, Net: "tcp", Source: local, Addr: remote, Err: err}}
	}
	bg := context.Background()

	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"refused", post(loopback.Client(nil), bg, closed.URL), "connection refused"},
		{"private target", post(egress.Policy{}.Client(nil), bg, plain.URL), "address 127.0.0.1 is a loopback address; private targets are not allowed"},
		{"unknown authority", post(loopback.Client(nil), bg, tlsSrv.URL), "tls: failed to verify certificate: x509: certificate signed by unknown authority"},
		{"plain http on https", post(loopback.Client(nil), bg, "https"+strings.TrimPrefix(plain.URL, "http")), "http: server gave HTTP response to HTTPS client"},
		{"deadline", post(loopback.Client(nil), short, hang.URL), "no answer within 5s"},
		{"no such host", &url.Error{Op: "Post", URL: "https://www.example.com/", Err: &net.OpError{Op: "dial", Net: "tcp",
			Err: &net.DNSError{Err: "no such host", Name: "www.example.com", Server: "10.255.255.53:53", IsNotFound: true}}}, "lookup www.example.com: no such host"},
		{"lookup timeout", &url.Error{Op: "Post", URL: "https://www.example.com/", Err: &net.OpError{Op: "dial", Net: "tcp",
			Err: &net.DNSError{Err: "i/o timeout", Name: "www.example.com", Server: "10.255.255.53:53", IsTimeout: true}}}, "lookup www.example.com: timed out"},
		{"lookup failure", &url.Error{Op: "Post", URL: "https://www.example.com/", Err: &net.OpError{Op: "dial", Net: "tcp",
			Err: &net.DNSError{Err: "read udp 10.0.0.5:43122->10.255.255.53:53: read: connection refused", Name: "www.example.com", Server: "10.255.255.53:53"}}}, "lookup www.example.com: failed"},
		{"reset", wrap("read", &os.SyscallError{Syscall: "read", Err: syscall.ECONNRESET}), "connection reset by the receiver"},
		{"unreachable", wrap("dial", &os.SyscallError{Syscall: "connect", Err: syscall.EHOSTUNREACH}), "host unreachable"},
		{"anything else", wrap("write", &os.SyscallError{Syscall: "write", Err: syscall.EPIPE}), "broken pipe"},
	} {
		got := describe(tc.err, 5*time.Second)
		if got != tc.want {
			t.Errorf("%s: describe(%q) = %q, want %q", tc.name, tc.err, got, tc.want)
		}
		for _, secret := range []string{"10.255.255.53", "10.0.0.5", "43122", "dial tcp", "Post "} {
			if strings.Contains(got, secret) {
				t.Errorf("%s: %q shows %q", tc.name, got, secret)
			}
		}
	}
}
