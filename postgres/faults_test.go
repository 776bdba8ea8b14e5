package postgres_test

import (
	"fmt"
	"io"
	"net"
	neturl "net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/postgres/pgtest"
)

// TestConnectionLost: the store reaches PostgreSQL through a proxy, which
// then drops every connection and refuses new ones, as a lost network or
// a server going away does. A write fails with EUNAVAILABLE, and so does
// the readiness write check; once the server can be reached again, both
// pass on their own.
func TestConnectionLost(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	network, addr := "tcp", net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))
	if len(cfg.Host) > 0 && cfg.Host[0] == '/' {
		network, addr = "unix", fmt.Sprintf("%s/.s.PGSQL.%d", cfg.Host, cfg.Port)
	}
	p := newProxy(t, network, addr)
	u, err := neturl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Del("host")
	q.Set("sslmode", "disable")
	u.Host, u.RawQuery = p.addr, q.Encode()
	db := openURL(t, u.String())
	ctx := t.Context()
	tenant := func(name string) error {
		return db.CreateTenant(ctx, &hookhub.Tenant{ID: "t_" + name, Name: name, CreatedAt: time.Now()})
	}
	if err := tenant("before"); err != nil {
		t.Fatal(err)
	}

	p.cut()
	err = tenant("during")
	if got := hookhub.ErrorCode(err); got != hookhub.EUNAVAILABLE {
		t.Errorf("write with the server out of reach: %v (code %s), want %s", err, got, hookhub.EUNAVAILABLE)
	}
	if err := db.CheckWrites(ctx, time.Now()); hookhub.ErrorCode(err) != hookhub.EUNAVAILABLE {
		t.Errorf("CheckWrites with the server out of reach = %v, want an EUNAVAILABLE error", err)
	}

	p.resume(t)
	hookhubtest.EventuallyNil(t, "CheckWrites passes again", func() error { return db.CheckWrites(ctx, time.Now()) })
	if err := tenant("after"); err != nil {
		t.Errorf("write once the server is back: %v", err)
	}
}

// proxy forwards TCP connections to PostgreSQL until it is cut.
type proxy struct {
	network, target, addr string

	mu    sync.Mutex
	ln    net.Listener
	conns []net.Conn
}

func newProxy(t *testing.T, network, target string) *proxy {
	p := &proxy{network: network, target: target}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.cut)
	return p
}

func (p *proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial(p.network, p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(s, c); s.Close() }()
			go func() { _, _ = io.Copy(c, s); c.Close() }()
		}
	}()
}

// cut closes the listener and every connection.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// resume listens again on the same address.
func (p *proxy) resume(t *testing.T) {
	t.Helper()
	var ln net.Listener
	var err error
	for range 50 { // the address may linger a moment
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("listen again on %s: %v", p.addr, err)
	}
	p.serve(ln)
}
