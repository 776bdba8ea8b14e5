package egress

import (
	"errors"
	"testing"
)

func TestCheckURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		raw          string
		allowPrivate bool
		wantErr      error  // nil, ErrInvalidURL or ErrForbiddenTarget
		wantReason   string // the whole reason, when wantErr is set
	}{
		{name: "https", raw: "https://example.com/hooks?x=1"},
		{name: "http with port", raw: "http://example.com:8080/hooks"},
		{name: "upper-case scheme", raw: "HTTPS://example.com/"},
		{name: "public IPv4", raw: "https://8.8.8.8/"},
		{name: "public IPv6", raw: "https://[2606:4700::1]:8443/"},
		{name: "surrounding space", raw: "  https://example.com/  "},

		{name: "unparsable", raw: "http://exa mple.com/", wantErr: ErrInvalidURL,
			wantReason: `url is not valid: invalid character " " in host name`},
		{name: "ftp", raw: "ftp://example.com/", wantErr: ErrInvalidURL,
			wantReason: "url must use http or https"},
		{name: "no scheme", raw: "example.com/hooks", wantErr: ErrInvalidURL,
			wantReason: "url must use http or https"},
		{name: "empty", raw: "", wantErr: ErrInvalidURL,
			wantReason: "url must use http or https"},
		{name: "opaque", raw: "https:example.com", wantErr: ErrInvalidURL,
			wantReason: "url must be of the form https://host/path"},
		{name: "no host", raw: "https:///hooks", wantErr: ErrInvalidURL,
			wantReason: "url must have a host"},
		{name: "port only", raw: "https://:443/", wantErr: ErrInvalidURL,
			wantReason: "url must have a host"},
		{name: "user and password", raw: "https://user:secret@example.com/", wantErr: ErrInvalidURL,
			wantReason: "url must not contain a user name or password"},
		{name: "user only", raw: "https://user@example.com/", wantErr: ErrInvalidURL,
			wantReason: "url must not contain a user name or password"},
		{name: "port zero", raw: "https://example.com:0/", wantErr: ErrInvalidURL,
			wantReason: "url port 0 is out of range; use 1 to 65535"},
		{name: "port too big", raw: "https://example.com:65536/", wantErr: ErrInvalidURL,
			wantReason: "url port 65536 is out of range; use 1 to 65535"},
		{name: "short IPv4", raw: "http://127.1/", wantErr: ErrInvalidURL,
			wantReason: "url host 127.1 is not a valid IP address or host name"},
		{name: "decimal IPv4", raw: "http://2130706433/", wantErr: ErrInvalidURL,
			wantReason: "url host 2130706433 is not a valid IP address or host name"},
		{name: "hex IPv4", raw: "http://0x7f000001/", wantErr: ErrInvalidURL,
			wantReason: "url host 0x7f000001 is not a valid IP address or host name"},

		{name: "loopback IPv4", raw: "http://127.0.0.1:8080/", wantErr: ErrForbiddenTarget,
			wantReason: "url host 127.0.0.1 is a loopback address; private targets are not allowed"},
		{name: "private IPv4", raw: "https://10.1.2.3/", wantErr: ErrForbiddenTarget,
			wantReason: "url host 10.1.2.3 is a private address; private targets are not allowed"},
		{name: "metadata", raw: "http://169.254.169.254/latest/meta-data/", wantErr: ErrForbiddenTarget,
			wantReason: "url host 169.254.169.254 is a link-local address (the cloud metadata service); private targets are not allowed"},
		{name: "loopback IPv6", raw: "http://[::1]/", wantErr: ErrForbiddenTarget,
			wantReason: "url host ::1 is a loopback address; private targets are not allowed"},
		{name: "mapped IPv6", raw: "http://[::ffff:127.0.0.1]/", wantErr: ErrForbiddenTarget,
			wantReason: "url host ::ffff:127.0.0.1 is an IPv4-mapped address embedding 127.0.0.1, a loopback address; private targets are not allowed"},
		{name: "zoned IPv6", raw: "http://[fe80::1%25eth0]/", wantErr: ErrForbiddenTarget,
			wantReason: "url host fe80::1%eth0 is a zone-scoped address; private targets are not allowed"},
		{name: "trailing dot IPv4", raw: "http://127.0.0.1./", wantErr: ErrForbiddenTarget,
			wantReason: "url host 127.0.0.1. is a loopback address; private targets are not allowed"},
		{name: "localhost", raw: "http://localhost:3000/", wantErr: ErrForbiddenTarget,
			wantReason: "url host localhost is a loopback name; private targets are not allowed"},
		{name: "sub.localhost", raw: "http://api.LocalHost./", wantErr: ErrForbiddenTarget,
			wantReason: "url host api.LocalHost. is a loopback name; private targets are not allowed"},

		{name: "loopback allowed", raw: "http://127.0.0.1:8080/", allowPrivate: true},
		{name: "private allowed", raw: "https://192.168.0.10/", allowPrivate: true},
		{name: "localhost allowed", raw: "http://localhost:3000/", allowPrivate: true},
		{name: "userinfo still refused", raw: "http://u:p@127.0.0.1/", allowPrivate: true, wantErr: ErrInvalidURL,
			wantReason: "url must not contain a user name or password"},
		{name: "scheme still refused", raw: "file:///etc/passwd", allowPrivate: true, wantErr: ErrInvalidURL,
			wantReason: "url must use http or https"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u, err := Policy{AllowPrivate: tt.allowPrivate}.CheckURL(tt.raw)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("CheckURL(%q) = %v, want no error", tt.raw, err)
				}
				if u == nil || u.Host == "" {
					t.Fatalf("CheckURL(%q) = %v, want a URL with a host", tt.raw, u)
				}
				return
			}
			if u != nil {
				t.Errorf("CheckURL(%q) returned URL %v with an error", tt.raw, u)
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("CheckURL(%q) = %v, want errors.Is %v", tt.raw, err, tt.wantErr)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("CheckURL(%q) = %T, want *Error", tt.raw, err)
			}
			if got, want := e.Reason, tt.wantReason; got != want {
				t.Errorf("CheckURL(%q) reason = %q, want %q", tt.raw, got, want)
			}
			other := ErrForbiddenTarget
			if tt.wantErr == ErrForbiddenTarget {
				other = ErrInvalidURL
			}
			if errors.Is(err, other) {
				t.Errorf("CheckURL(%q) = %v, is also %v", tt.raw, err, other)
			}
		})
	}
}
