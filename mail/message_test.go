package mail_test

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	hookmail "github.com/hookhub/hookhub/mail"
)

func TestBuildHeaders(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, time.March, 4, 15, 4, 5, 0, time.FixedZone("CET", 3600))
	tests := []struct {
		name   string
		msg    hookmail.Message
		want   map[string]string // decoded header values
		absent []string
		// wantRaw lines must appear verbatim in the encoded header.
		wantRaw []string
	}{
		{
			name: "plain text",
			msg: hookmail.Message{
				From:    "Hookhub <noreply@hookhub.example>",
				To:      []string{"alice@example.com"},
				Subject: "Hello",
				Text:    "body",
			},
			want: map[string]string{
				"From":                      `"Hookhub" <noreply@hookhub.example>`,
				"To":                        "<alice@example.com>",
				"Subject":                   "Hello",
				"Date":                      "Wed, 04 Mar 2026 15:04:05 +0100",
				"Mime-Version":              "1.0",
				"Content-Type":              "text/plain; charset=utf-8",
				"Content-Transfer-Encoding": "quoted-printable",
			},
			wantRaw: []string{"Subject: Hello\r\n"},
		},
		{
			name: "html makes multipart alternative",
			msg: hookmail.Message{
				From: "noreply@hookhub.example",
				To:   []string{"alice@example.com"},
				Text: "body",
				HTML: "<p>body</p>",
			},
			want: map[string]string{
				"Mime-Version": "1.0",
			},
			absent: []string{"Content-Transfer-Encoding", "Subject"},
		},
		{
			name: "non-ASCII subject and names are encoded",
			msg: hookmail.Message{
				From:    "Zoë <zoe@example.com>",
				To:      []string{"Jürgen <j@example.com>", "b@example.com"},
				Subject: "Grüße ✓",
				Text:    "body",
			},
			want: map[string]string{
				"Subject": "Grüße ✓",
				"From":    "Zoë <zoe@example.com>",
				"To":      "Jürgen <j@example.com>, <b@example.com>",
			},
			wantRaw: []string{"Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe_=E2=9C=93?=\r\n"},
		},
		{
			name: "extra headers, Date and Message-ID overridden",
			msg: hookmail.Message{
				From: "noreply@hookhub.example",
				To:   []string{"alice@example.com"},
				Text: "body",
				Headers: map[string]string{
					"Reply-To":         "support@hookhub.example",
					"X-Hookhub-Event":  "endpoint.disabled",
					"X-Note":           "café",
					"message-id":       "<fixed@hookhub.example>",
					"Date":             "Thu, 01 Jan 2026 00:00:00 +0000",
					"List-Unsubscribe": "<https://hookhub.example/unsubscribe>",
				},
			},
			want: map[string]string{
				"Reply-To":         "support@hookhub.example",
				"X-Hookhub-Event":  "endpoint.disabled",
				"X-Note":           "café",
				"Message-Id":       "<fixed@hookhub.example>",
				"Date":             "Thu, 01 Jan 2026 00:00:00 +0000",
				"List-Unsubscribe": "<https://hookhub.example/unsubscribe>",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data, err := hookmail.Build(tt.msg, now)
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			if bytes.Contains(bytes.ReplaceAll(data, []byte("\r\n"), nil), []byte("\n")) {
				t.Errorf("message has bare LF line endings:\n%s", data)
			}
			msg, err := mail.ReadMessage(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("ReadMessage: %v\n%s", err, data)
			}
			var dec mime.WordDecoder
			for name, want := range tt.want {
				raw := msg.Header[name]
				if len(raw) != 1 {
					t.Errorf("header %s appears %d times, want once\n%s", name, len(raw), data)
					continue
				}
				got, err := dec.DecodeHeader(raw[0])
				if err != nil {
					t.Errorf("decode header %s %q: %v", name, raw[0], err)
				}
				if name == "From" || name == "To" {
					// Compare addresses, which may be quoted differently.
					got = normaliseAddressList(t, got)
					want = normaliseAddressList(t, want)
				}
				if got != want {
					t.Errorf("header %s = %q, want %q", name, got, want)
				}
			}
			for _, name := range tt.absent {
				if _, ok := msg.Header[name]; ok {
					t.Errorf("header %s present, want absent", name)
				}
			}
			for _, line := range tt.wantRaw {
				if !bytes.Contains(data, []byte(line)) {
					t.Errorf("message does not contain %q:\n%s", line, data)
				}
			}
			if id := msg.Header.Get("Message-Id"); !regexp.MustCompile(`^<[^<>@\s]+@[^<>@\s]+>$`).MatchString(id) {
				t.Errorf("Message-ID = %q, want <local@domain>", id)
			}
		})
	}
}

func normaliseAddressList(t *testing.T, s string) string {
	t.Helper()
	addrs, err := mail.ParseAddressList(s)
	if err != nil {
		t.Errorf("parse address list %q: %v", s, err)
		return s
	}
	out := make([]string, len(addrs))
	for i, a := range addrs {
		out[i] = a.Name + " <" + a.Address + ">"
	}
	return strings.Join(out, ", ")
}

func TestBuildMessageIDUsesSenderDomain(t *testing.T) {
	t.Parallel()
	m := hookmail.Message{From: "noreply@hookhub.example", To: []string{"a@example.com"}}
	first, err := hookmail.Build(m, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	second, err := hookmail.Build(m, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	id := func(data []byte) string {
		msg, err := mail.ReadMessage(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		return msg.Header.Get("Message-Id")
	}
	if a, b := id(first), id(second); a == b || !strings.HasSuffix(a, "@hookhub.example>") {
		t.Errorf("Message-IDs %q and %q: want distinct ids at @hookhub.example", a, b)
	}
}

func TestBuildMultipart(t *testing.T) {
	t.Parallel()
	m := hookmail.Message{
		From: "noreply@hookhub.example",
		To:   []string{"a@example.com"},
		Text: "Grüße, " + strings.Repeat("long line ", 20),
		HTML: "<p>Grüße</p>",
	}
	data, err := hookmail.Build(m, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/alternative" || params["boundary"] == "" {
		t.Fatalf("Content-Type = %q, %v; want multipart/alternative with boundary", msg.Header.Get("Content-Type"), err)
	}
	for _, line := range strings.Split(string(data), "\r\n") {
		if len(line) > 78 {
			t.Errorf("line longer than 78 characters: %q", line)
		}
	}

	wantParts := []struct{ contentType, body string }{
		{"text/plain; charset=utf-8", m.Text},
		{"text/html; charset=utf-8", m.HTML},
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for i, want := range wantParts {
		part, err := mr.NextPart() // decodes quoted-printable
		if err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
		if got := part.Header.Get("Content-Type"); got != want.contentType {
			t.Errorf("part %d Content-Type = %q, want %q", i, got, want.contentType)
		}
		body, err := io.ReadAll(part)
		if err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
		if string(body) != want.body {
			t.Errorf("part %d body = %q, want %q", i, body, want.body)
		}
	}
	if _, err := mr.NextPart(); err != io.EOF {
		t.Errorf("after the last part: err = %v, want io.EOF", err)
	}
}

func TestBuildErrors(t *testing.T) {
	t.Parallel()
	valid := hookmail.Message{From: "a@example.com", To: []string{"b@example.com"}, Text: "t"}
	tests := []struct {
		name    string
		edit    func(m *hookmail.Message)
		wantErr string
	}{
		{"missing sender", func(m *hookmail.Message) { m.From = "" }, "missing sender address"},
		{"bad sender", func(m *hookmail.Message) { m.From = "not an address" }, "parse sender address"},
		{"no recipients", func(m *hookmail.Message) { m.To = nil }, "no recipients"},
		{"bad recipient", func(m *hookmail.Message) { m.To = []string{"b@example.com", "nope"} }, `parse recipient address "nope"`},
		{"subject with newline", func(m *hookmail.Message) { m.Subject = "a\r\nBcc: x@example.com" }, "line break"},
		{"header value with newline", func(m *hookmail.Message) { m.Headers = map[string]string{"X-A": "a\nb"} }, "line break"},
		{"invalid header name", func(m *hookmail.Message) { m.Headers = map[string]string{"X A": "v"} }, "invalid header name"},
		{"reserved header", func(m *hookmail.Message) { m.Headers = map[string]string{"content-type": "text/html"} }, "is set from the message fields"},
		{"bcc header", func(m *hookmail.Message) { m.Headers = map[string]string{"Bcc": "x@example.com"} }, "is set from the message fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := valid
			tt.edit(&m)
			_, err := hookmail.Build(m, time.Now())
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Build error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
