package smtptest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
)

// parse fills in the header, subject and bodies of m from data.
func parse(data []byte, m *Received) error {
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("parse message: %w", err)
	}
	m.Header = msg.Header
	var dec mime.WordDecoder
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return fmt.Errorf("decode subject: %w", err)
	}
	p := bodyParser{m: m}
	return p.walk(textproto.MIMEHeader(msg.Header), msg.Body)
}

// bodyParser collects the first text/plain and text/html parts of a
// message.
type bodyParser struct {
	m                *Received
	gotText, gotHTML bool
}

func (p *bodyParser) walk(h textproto.MIMEHeader, body io.Reader) error {
	contentType := h.Get("Content-Type")
	if contentType == "" {
		contentType = "text/plain"
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("parse content type %q: %w", contentType, err)
	}

	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("read %s part: %w", mediaType, err)
			}
			if err := p.walk(part.Header, part); err != nil {
				return err
			}
		}
	}

	if d, _, _ := mime.ParseMediaType(h.Get("Content-Disposition")); d == "attachment" {
		return nil
	}
	var dst *string
	switch {
	case mediaType == "text/plain" && !p.gotText:
		dst, p.gotText = &p.m.Text, true
	case mediaType == "text/html" && !p.gotHTML:
		dst, p.gotHTML = &p.m.HTML, true
	default:
		return nil
	}
	text, err := decode(h.Get("Content-Transfer-Encoding"), body)
	if err != nil {
		return fmt.Errorf("decode %s body: %w", mediaType, err)
	}
	*dst = text
	return nil
}

// decode undoes a Content-Transfer-Encoding and normalises line endings.
func decode(encoding string, body io.Reader) (string, error) {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return "", err
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n"), nil
}
