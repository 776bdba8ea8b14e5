// Package smtptest runs a real, in-process SMTP server for tests. The
// server accepts any AUTH PLAIN credentials, any sender and any
// recipients, records every message it receives, decoded far enough that
// tests can assert on the subject and the plain-text body, and stops when
// the test ends. It can optionally offer STARTTLS or speak implicit TLS
// with a self-signed certificate.
package smtptest
