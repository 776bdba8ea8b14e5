// Package mail composes and sends hookhub's outgoing e-mail. It builds
// MIME messages (plain text or multipart/alternative text and HTML, with
// quoted-printable bodies and RFC 2047 encoded subjects), parses smtp://,
// smtps:// and smtp+insecure:// URLs into a [Config], and delivers
// messages through a [Sender]: [SMTP] talks to a real mail server over
// net/smtp with one connection per message, and [LogSender] only logs
// messages, for deployments without a configured mail server.
package mail
