package mail_test

import (
	"strings"
	"testing"

	"github.com/hookhub/hookhub/mail"
)

func TestParseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw     string
		want    mail.Config
		wantErr string
	}{
		{
			raw:  "smtp://user:pass@mail.example.com:587",
			want: mail.Config{Host: "mail.example.com", Port: 587, Username: "user", Password: "pass", TLS: mail.StartTLS},
		},
		{
			raw:  "smtp://mail.example.com",
			want: mail.Config{Host: "mail.example.com", Port: 25, TLS: mail.StartTLS},
		},
		{
			raw:  "SMTP://mail.example.com/",
			want: mail.Config{Host: "mail.example.com", Port: 25, TLS: mail.StartTLS},
		},
		{
			raw:  "smtps://user:pass@mail.example.com",
			want: mail.Config{Host: "mail.example.com", Port: 465, Username: "user", Password: "pass", TLS: mail.ImplicitTLS},
		},
		{
			raw:  "smtps://mail.example.com:2465",
			want: mail.Config{Host: "mail.example.com", Port: 2465, TLS: mail.ImplicitTLS},
		},
		{
			raw:  "smtp+insecure://localhost:1025",
			want: mail.Config{Host: "localhost", Port: 1025, TLS: mail.NoTLS},
		},
		{
			raw:  "smtp://user:pass@127.0.0.1:2525?tls=none",
			want: mail.Config{Host: "127.0.0.1", Port: 2525, Username: "user", Password: "pass", TLS: mail.NoTLS},
		},
		{
			raw:  "smtp://apikey%40example.com:p%40ss%3Aw%2Frd%25@smtp.example.com:587",
			want: mail.Config{Host: "smtp.example.com", Port: 587, Username: "apikey@example.com", Password: "p@ss:w/rd%", TLS: mail.StartTLS},
		},
		{
			raw:  "smtp://user@mail.example.com",
			want: mail.Config{Host: "mail.example.com", Port: 25, Username: "user", TLS: mail.StartTLS},
		},
		{
			raw:  "smtp://[::1]:2525",
			want: mail.Config{Host: "::1", Port: 2525, TLS: mail.StartTLS},
		},
		{raw: "", wantErr: "empty url"},
		{raw: "mail.example.com:25", wantErr: "unsupported scheme \"mail.example.com\""},
		{raw: "//mail.example.com", wantErr: "missing scheme"},
		{raw: "http://mail.example.com", wantErr: `unsupported scheme "http"`},
		{raw: "smtp://", wantErr: "missing host"},
		{raw: "smtp://user:pass@:25", wantErr: "missing host"},
		{raw: "smtp:mail.example.com", wantErr: "missing host"},
		{raw: "smtp://mail.example.com:0", wantErr: `invalid port "0"`},
		{raw: "smtp://mail.example.com:70000", wantErr: `invalid port "70000"`},
		{raw: "smtp://mail.example.com:smtp", wantErr: "invalid port"},
		{raw: "smtp://mail.example.com/inbox", wantErr: `unexpected path "/inbox"`},
		{raw: "smtp://mail.example.com?tls=required", wantErr: `unsupported tls value "required"`},
		{raw: "smtps://mail.example.com?tls=none", wantErr: "conflicts with smtps"},
		{raw: "smtp://mail.example.com?timeout=5s", wantErr: `unknown query parameter "timeout"`},
		{raw: "smtp://user:secret%zz@mail.example.com", wantErr: "invalid URL escape"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			t.Parallel()
			got, err := mail.ParseURL(tt.raw)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseURL error = %v, want one containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Errorf("ParseURL error %q reveals the password", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseURL: %v", err)
			}
			if got != tt.want {
				t.Errorf("ParseURL = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestConfigString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cfg  mail.Config
		want string
	}{
		{
			cfg:  mail.Config{Host: "mail.example.com", Port: 587, Username: "user", Password: "secret"},
			want: "smtp://user:xxxxx@mail.example.com:587",
		},
		{
			cfg:  mail.Config{Host: "mail.example.com", Port: 465, TLS: mail.ImplicitTLS},
			want: "smtps://mail.example.com:465",
		},
		{
			cfg:  mail.Config{Host: "::1", Port: 25, Username: "user", TLS: mail.NoTLS},
			want: "smtp+insecure://user@[::1]:25",
		},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			if got := tt.cfg.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			if got := tt.cfg.LogValue().String(); got != tt.want {
				t.Errorf("LogValue() = %q, want %q", got, tt.want)
			}
			// The string form parses back to the same configuration.
			if tt.cfg.Password == "" {
				back, err := mail.ParseURL(tt.want)
				if err != nil {
					t.Fatalf("ParseURL(%q): %v", tt.want, err)
				}
				if back != tt.cfg {
					t.Errorf("ParseURL(%q) = %+v, want %+v", tt.want, back, tt.cfg)
				}
			}
		})
	}
}
