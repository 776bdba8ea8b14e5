package svix_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	svixsdk "github.com/svix/svix-webhooks/go"

	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/server"
)

// waitTimeout bounds every wait for something to happen; nothing asserts
// how long anything took.
const waitTimeout = 30 * time.Second

// env is a whole hookhub (server.New on a fresh database, running) with a
// tenant and its all-scope token, and Svix's Go SDK pointed at it.
type env struct {
	url   string
	token string
	srv   *server.Server
	sdk   *svixsdk.Svix
}

// onEachDB runs test as a parallel subtest on SQLite and on PostgreSQL.
// Without a reachable PostgreSQL its subtest skips, or fails when CI=true
// (pgtest decides).
func onEachDB(t *testing.T, test func(t *testing.T, e *env)) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			test(t, setupOn(t, db))
		})
	}
}

// setupOn starts hookhub on db, "sqlite" or "postgres", allowing loopback
// targets, with retries scaled down so that a failed try is retried at
// once.
func setupOn(t *testing.T, db string) *env {
	t.Helper()
	srv := hookhubtest.NewServer(t, hookhubtest.ServerOptions{DB: db, Config: func(c *server.Config) {
		c.AllowPrivateTargets = true
		c.RetryScale = 0.00001
	}}).Server
	e := &env{url: "http://" + srv.Addr(), srv: srv}
	e.token = e.newTenant(t, "acme")
	e.sdk = e.client(t, e.token)
	return e
}

// newTenant makes a tenant and returns its first token.
func (e *env) newTenant(t *testing.T, name string) string {
	t.Helper()
	_, token, err := e.srv.Service().CreateTenant(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// client is Svix's SDK with token, pointed at hookhub.
func (e *env) client(t *testing.T, token string) *svixsdk.Svix {
	t.Helper()
	u, err := url.Parse(e.url)
	if err != nil {
		t.Fatal(err)
	}
	return svixsdk.New(token, &svixsdk.SvixOptions{ServerUrl: u})
}

// request is one request a receiver got.
type request struct {
	header http.Header
	body   []byte
}

// receiver is a webhook receiver on loopback that answers status and
// hands over every request it gets.
type receiver struct {
	url    string
	mu     sync.Mutex
	status int
	got    chan request
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{status: http.StatusOK, got: make(chan request, 100)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		status := r.status
		r.mu.Unlock()
		w.WriteHeader(status)
		_, _ = w.Write([]byte("thanks"))
		r.got <- request{header: req.Header.Clone(), body: b}
	}))
	t.Cleanup(srv.Close)
	r.url = srv.URL
	return r
}

func (r *receiver) answer(status int) {
	r.mu.Lock()
	r.status = status
	r.mu.Unlock()
}

// next waits for the next request.
func (r *receiver) next(t *testing.T) request {
	t.Helper()
	select {
	case req := <-r.got:
		return req
	case <-time.After(waitTimeout):
		t.Fatal("no request came")
		return request{}
	}
}

// wait polls cond until it holds, failing after waitTimeout.
func wait(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
