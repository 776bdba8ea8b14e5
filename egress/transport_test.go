package egress

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

// newServer starts a server on 127.0.0.1 that answers "ok" on / and
// redirects /redirect to /.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, c *http.Client, rawURL string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatalf("create request: %v", err)
	}
	resp, err := c.Do(req)
	if err == nil {
		t.Cleanup(func() { resp.Body.Close() })
	}
	return resp, err
}

func TestClient(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatalf("parse server URL: %v", err)
	}
	byName := "http://" + net.JoinHostPort("localhost", u.Port())

	tests := []struct {
		name         string
		url          string
		allowPrivate bool
		wantErr      bool
		wantStatus   int
		wantBody     string
	}{
		{name: "IP refused", url: srv.URL + "/", wantErr: true},
		{name: "localhost refused after resolving", url: byName + "/", wantErr: true},
		{name: "IP allowed", url: srv.URL + "/", allowPrivate: true, wantStatus: http.StatusOK, wantBody: "ok"},
		{name: "redirect not followed", url: srv.URL + "/redirect", allowPrivate: true, wantStatus: http.StatusFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := Policy{AllowPrivate: tt.allowPrivate}
			tr := p.Transport()
			t.Cleanup(tr.CloseIdleConnections)
			resp, err := get(t, p.Client(tr), tt.url)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("GET %s: status %s, want an error", tt.url, resp.Status)
				}
				if !errors.Is(err, ErrForbiddenTarget) {
					t.Fatalf("GET %s: %v, want ErrForbiddenTarget", tt.url, err)
				}
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("GET %s: %v, want an *Error inside", tt.url, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("GET %s: %v", tt.url, err)
			}
			if got, want := resp.StatusCode, tt.wantStatus; got != want {
				t.Errorf("GET %s: status %d, want %d", tt.url, got, want)
			}
			if tt.wantStatus == http.StatusFound {
				if got, want := resp.Header.Get("Location"), "/"; got != want {
					t.Errorf("GET %s: Location %q, want %q", tt.url, got, want)
				}
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatalf("read body: %v", err)
			}
			if tt.wantBody != "" {
				if got, want := string(body), tt.wantBody; got != want {
					t.Errorf("GET %s: body %q, want %q", tt.url, got, want)
				}
			}
		})
	}
}

func TestClientDefaultTransport(t *testing.T) {
	t.Parallel()
	c := Policy{}.Client(nil)
	tr, ok := c.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("Client(nil).Transport = %T, want *http.Transport", c.Transport)
	}
	if tr.DialContext == nil {
		t.Error("Client(nil) transport has no DialContext")
	}
	if got, want := c.Timeout, time.Duration(0); got != want {
		t.Errorf("Client(nil).Timeout = %v, want none", got)
	}
}

func TestTransport(t *testing.T) {
	t.Parallel()
	tr := Policy{}.Transport()
	if tr.Proxy != nil {
		t.Error("Transport().Proxy is set, want nil")
	}
	if got, want := tr.ForceAttemptHTTP2, true; got != want {
		t.Errorf("ForceAttemptHTTP2 = %v, want %v", got, want)
	}
	if got, want := tr.MaxIdleConns, 1024; got != want {
		t.Errorf("MaxIdleConns = %d, want %d", got, want)
	}
	if got, want := tr.MaxIdleConnsPerHost, 256; got != want {
		t.Errorf("MaxIdleConnsPerHost = %d, want %d", got, want)
	}
	if got, want := tr.ResponseHeaderTimeout, time.Duration(0); got != want {
		t.Errorf("ResponseHeaderTimeout = %v, want none", got)
	}
}

func TestDialer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		allowPrivate bool
		wantControl  bool
	}{
		{name: "checks addresses", wantControl: true},
		{name: "allows private", allowPrivate: true, wantControl: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := Policy{AllowPrivate: tt.allowPrivate}.Dialer(0)
			if got, want := d.Control != nil, tt.wantControl; got != want {
				t.Errorf("Dialer Control set = %v, want %v", got, want)
			}
		})
	}
}

func TestControl(t *testing.T) {
	t.Parallel()
	tests := []struct {
		address string
		wantErr bool
	}{
		{"8.8.8.8:443", false},
		{"[2606:4700::1]:443", false},
		{"127.0.0.1:80", true},
		{"[::1]:80", true},
		{"[::ffff:10.0.0.1]:80", true},
		{"[fe80::1%eth0]:80", true},
		{"example.com:80", true},
	}
	for _, tt := range tests {
		t.Run(tt.address, func(t *testing.T) {
			t.Parallel()
			err := control("tcp", tt.address, nil)
			if got, want := err != nil, tt.wantErr; got != want {
				t.Fatalf("control(%q) = %v, want error %v", tt.address, err, want)
			}
			if err != nil && !errors.Is(err, ErrForbiddenTarget) {
				t.Errorf("control(%q) = %v, want ErrForbiddenTarget", tt.address, err)
			}
		})
	}
}
