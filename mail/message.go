package mail

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Message is an e-mail message to send.
type Message struct {
	// From is the sender address, such as "Hookhub <noreply@example.com>".
	// SMTP fills it in from its default sender when it is empty.
	From string
	// To lists the recipient addresses; at least one is required.
	To []string
	// Subject may contain any UTF-8 text; it is encoded as needed.
	Subject string
	// Text is the plain-text body.
	Text string
	// HTML is an optional HTML body. When set, the message is sent as
	// multipart/alternative with both Text and HTML.
	HTML string
	// Headers holds extra header fields, such as Reply-To or
	// List-Unsubscribe. Non-ASCII values are encoded as RFC 2047 words, so
	// address-valued fields should be ASCII. Date and Message-ID given here
	// replace the generated ones; the fields Build derives from the other
	// Message fields (From, To, Cc, Bcc, Subject and the MIME fields) are
	// rejected.
	Headers map[string]string
}

// reservedHeaders are header fields that Build derives itself and that
// Message.Headers may not set.
var reservedHeaders = []string{
	"Bcc",
	"Cc",
	"Content-Transfer-Encoding",
	"Content-Type",
	"From",
	"Mime-Version",
	"Subject",
	"To",
}

// Build encodes m as an RFC 5322 message with CRLF line endings, ready to be
// sent as SMTP DATA. now is used for the Date header.
func Build(m Message, now time.Time) ([]byte, error) {
	from, to, err := addresses(m)
	if err != nil {
		return nil, err
	}
	if err := checkHeaderValue("Subject", m.Subject); err != nil {
		return nil, err
	}
	extra, err := extraHeaders(m.Headers)
	if err != nil {
		return nil, err
	}

	var b bytes.Buffer
	writeHeader(&b, "From", from.String())
	writeHeader(&b, "To", foldList("To", addressStrings(to)))
	if m.Subject != "" {
		writeHeader(&b, "Subject", encodeText(m.Subject))
	}
	if !hasHeader(m.Headers, "Date") {
		writeHeader(&b, "Date", now.Format(time.RFC1123Z))
	}
	if !hasHeader(m.Headers, "Message-Id") {
		writeHeader(&b, "Message-ID", messageID(from.Address))
	}
	for _, h := range extra {
		writeHeader(&b, h[0], h[1])
	}
	writeHeader(&b, "MIME-Version", "1.0")

	if m.HTML == "" {
		writeHeader(&b, "Content-Type", "text/plain; charset=utf-8")
		writeHeader(&b, "Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		if err := writeQP(&b, m.Text, true); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	// Fold before the long boundary parameter to keep the line short.
	contentType := mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()})
	writeHeader(&b, "Content-Type", strings.Replace(contentType, "; ", ";\r\n ", 1))
	b.WriteString("\r\n")
	for _, part := range []struct{ contentType, body string }{
		{"text/plain; charset=utf-8", m.Text},
		{"text/html; charset=utf-8", m.HTML},
	} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.contentType},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, fmt.Errorf("create mime part: %w", err)
		}
		if err := writeQP(w, part.body, false); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("close multipart body: %w", err)
	}
	b.Write(body.Bytes())
	return b.Bytes(), nil
}

// addresses parses the sender and recipients of m.
func addresses(m Message) (*mail.Address, []*mail.Address, error) {
	if strings.TrimSpace(m.From) == "" {
		return nil, nil, errors.New("build message: missing sender address")
	}
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return nil, nil, fmt.Errorf("parse sender address %q: %w", m.From, err)
	}
	if len(m.To) == 0 {
		return nil, nil, errors.New("build message: no recipients")
	}
	to := make([]*mail.Address, 0, len(m.To))
	for _, raw := range m.To {
		addr, err := mail.ParseAddress(raw)
		if err != nil {
			return nil, nil, fmt.Errorf("parse recipient address %q: %w", raw, err)
		}
		to = append(to, addr)
	}
	return from, to, nil
}

func addressStrings(addrs []*mail.Address) []string {
	out := make([]string, len(addrs))
	for i, a := range addrs {
		out[i] = a.String()
	}
	return out
}

// extraHeaders validates and encodes the user-supplied header fields and
// returns them as name/value pairs sorted by name.
func extraHeaders(h map[string]string) ([][2]string, error) {
	out := make([][2]string, 0, len(h))
	for name, value := range h {
		name = strings.TrimSpace(name)
		if !validHeaderName(name) {
			return nil, fmt.Errorf("build message: invalid header name %q", name)
		}
		canonical := textproto.CanonicalMIMEHeaderKey(name)
		if slices.Contains(reservedHeaders, canonical) {
			return nil, fmt.Errorf("build message: header %q is set from the message fields", name)
		}
		if err := checkHeaderValue(name, value); err != nil {
			return nil, err
		}
		out = append(out, [2]string{name, encodeText(value)})
	}
	slices.SortFunc(out, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	return out, nil
}

func hasHeader(h map[string]string, canonical string) bool {
	for name := range h {
		if textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(name)) == canonical {
			return true
		}
	}
	return false
}

// validHeaderName reports whether name is an RFC 5322 field name: printable
// ASCII except the colon.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < '!' || c > '~' || c == ':' {
			return false
		}
	}
	return true
}

// checkHeaderValue rejects values that would break out of their header line.
func checkHeaderValue(name, value string) error {
	if strings.ContainsAny(value, "\r\n") {
		return fmt.Errorf("build message: header %q contains a line break", name)
	}
	if !utf8.ValidString(value) {
		return fmt.Errorf("build message: header %q is not valid UTF-8", name)
	}
	return nil
}

// encodeText encodes an unstructured header value as RFC 2047 words when it
// is not plain ASCII.
func encodeText(s string) string {
	return mime.QEncoding.Encode("utf-8", s)
}

func writeHeader(b *bytes.Buffer, name, value string) {
	b.WriteString(name)
	b.WriteString(": ")
	b.WriteString(value)
	b.WriteString("\r\n")
}

// foldList joins items with commas, folding onto continuation lines so that
// header lines stay near the recommended 78 characters.
func foldList(name string, items []string) string {
	var b strings.Builder
	lineLen := len(name) + 2
	for i, item := range items {
		if i > 0 {
			b.WriteByte(',')
			lineLen++
			if lineLen+1+len(item) > 78 {
				b.WriteString("\r\n")
				lineLen = 0
			}
			b.WriteByte(' ')
			lineLen++
		}
		b.WriteString(item)
		lineLen += len(item)
	}
	return b.String()
}

// messageID returns a new unique Message-ID using the domain of the sender.
func messageID(from string) string {
	domain := "hookhub.localhost"
	if i := strings.LastIndexByte(from, '@'); i >= 0 && i < len(from)-1 {
		domain = from[i+1:]
	}
	return "<" + rand.Text() + "@" + domain + ">"
}

// writeQP writes s to w as a quoted-printable body. With endLine set and an
// encoded body that does not end in a line break, it adds a soft line break,
// so that the CRLF the SMTP client appends before the final "." does not
// become part of the decoded text. Multipart bodies need no such care: the
// CRLF before a boundary belongs to the boundary.
func writeQP(w io.Writer, s string, endLine bool) error {
	var buf bytes.Buffer
	qp := quotedprintable.NewWriter(&buf)
	if _, err := qp.Write([]byte(s)); err != nil {
		return fmt.Errorf("encode body: %w", err)
	}
	if err := qp.Close(); err != nil {
		return fmt.Errorf("encode body: %w", err)
	}
	if endLine && buf.Len() > 0 && !bytes.HasSuffix(buf.Bytes(), []byte("\r\n")) {
		buf.WriteString("=\r\n")
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write body: %w", err)
	}
	return nil
}
