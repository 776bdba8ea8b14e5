package client_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/hookhub/hookhub/client"
	"github.com/hookhub/hookhub/server"
)

const adminToken = "client-test-admin-token-0123456789"

// boot runs hookhub as "hookhub serve" wires it, on a fresh SQLite
// database in dir, listening on a free loopback port, and returns its base
// URL and a function that stops it.
func boot(dir string, log *slog.Logger) (string, func() error, error) {
	c := server.Defaults()
	c.DB = filepath.Join(dir, "hookhub.db")
	c.Addr = "127.0.0.1:0"
	c.AllowPrivateTargets = true
	c.RetryScale = 0.001
	c.AdminToken = adminToken
	s, err := server.New(context.Background(), c, log)
	if err != nil {
		return "", nil, err
	}
	if err := s.Listen(); err != nil {
		s.Close()
		return "", nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	return "http://" + s.Addr(), func() error { cancel(); return <-done }, nil
}

// env is a running hookhub, an admin client of it, and a tenant's client.
type env struct {
	url    string
	admin  *client.Client
	tenant *client.Client
	id     string // the tenant's id
}

func setup(t *testing.T) *env {
	t.Helper()
	base, stop, err := boot(t.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
	})
	e := &env{url: base, admin: client.New(base, adminToken)}
	nt, err := e.admin.CreateTenant(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	e.tenant, e.id = client.New(base, nt.Token), nt.TenantID
	return e
}
