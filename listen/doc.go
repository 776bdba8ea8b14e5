// Package listen relays a listening session's deliveries to the developer's
// machine ("hookhub listen"), over a connection the developer opened, so
// that it works from behind NAT with no inbound port.
//
// A session is a temporary webhook of the tenant whose URL names the
// session on the reserved host Host (under .invalid, which never
// resolves). The delivery engine sends to it like to any webhook (signed,
// retried, every attempt logged), but through Hub.Transport, which hands
// the request to the session's stream instead of the network and answers
// with the status the developer's local server gave. The stream is
// Server-Sent Events over plain HTTP; the CLI posts each answer back.
//
// Sessions live in the memory of the node that opened them: a request for
// a session another node holds (several nodes on PostgreSQL) is answered
// 503 and retried later. A session whose stream is gone for longer than
// Hub.Grace (the CLI died without cleaning up) expires: its webhook is
// deleted through Hub.Expire.
package listen
