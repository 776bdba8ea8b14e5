// Package hookhubtest is the harness every test package shares, so that
// none builds its own: a settable Clock, Eventually for what happens in the
// background, a fresh store on either database (OpenStore, OnEachDB), a
// whole hookhub started exactly as serve starts it (NewServer, built with
// server.New on :0 over a temp database), and Tenant to make a tenant and
// its first token.
//
// It is imported by tests only. Because it imports server, and server
// imports nearly every package, a package's internal tests (package x,
// not x_test) cannot use it; external test packages can.
package hookhubtest
