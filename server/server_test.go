package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/server"
	"github.com/hookhub/hookhub/webhooktest"
)

// call sends a request with an optional JSON body and bearer token, and
// returns the status and the body, decoded into out when out is not nil.
func call(t *testing.T, method, url, token string, body, out any) (int, string) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, url, b, err)
		}
	}
	return resp.StatusCode, string(b)
}

// TestServe boots hookhub as serve does, on each database, and drives it
// over HTTP: it is alive and ready, and an event published through the
// API reaches a real receiver, signed, and is recorded as delivered.
func TestServe(t *testing.T) {
	t.Parallel()
	hookhubtest.OnEachDB(t, func(t *testing.T, db string) {
		srv := hookhubtest.NewServer(t, hookhubtest.ServerOptions{DB: db, Config: func(c *server.Config) {
			c.AllowPrivateTargets = true // the receiver listens on loopback
		}})
		if code, body := call(t, "GET", srv.URL+"/healthz", "", nil, nil); code != 200 || body != "ok\n" {
			t.Errorf("GET /healthz = %d %q, want 200 \"ok\\n\"", code, body)
		}
		// The engine starts with Run, a moment after the listener.
		hookhubtest.EventuallyNil(t, "ready", func() error {
			if code, body := call(t, "GET", srv.URL+"/readyz", "", nil, nil); code != 200 || body != "ready\n" {
				return fmt.Errorf("GET /readyz = %d %q", code, body)
			}
			return nil
		})

		_, token := hookhubtest.Tenant(t, srv.Service(), "acme")
		rcv := webhooktest.New(t)
		var wh struct {
			ID     int64  `json:"id"`
			Secret string `json:"secret"`
		}
		if code, body := call(t, "POST", srv.URL+"/v1/webhooks", token, map[string]any{
			"name": "crm", "url": rcv.URL + "/hook", "events": []string{"contact.*"},
		}, &wh); code != 201 {
			t.Fatalf("create webhook = %d %s", code, body)
		}
		rcv.SetSecret(t, wh.Secret)
		var pub struct {
			ID int64 `json:"id"`
		}
		if code, body := call(t, "POST", srv.URL+"/v1/events", token, map[string]any{
			"type": "contact.created", "data": map[string]any{"id": 42},
		}, &pub); code != 202 {
			t.Fatalf("publish = %d %s", code, body)
		}
		got := rcv.Wait(t, "contact.created")["contact.created"]
		if !bytes.Contains(got.Data, []byte(`"id":42`)) {
			t.Errorf("the receiver got data %s, want the published {\"id\":42}", got.Data)
		}
		hookhubtest.EventuallyNil(t, "the delivery recorded as succeeded", func() error {
			var ds struct {
				Data []struct {
					State string `json:"state"`
				} `json:"data"`
			}
			call(t, "GET", fmt.Sprintf("%s/v1/events/%d/deliveries", srv.URL, pub.ID), token, nil, &ds)
			if len(ds.Data) != 1 || ds.Data[0].State != "succeeded" {
				return fmt.Errorf("deliveries %+v", ds.Data)
			}
			return nil
		})
	})
}

// TestServeClock checks that a test's clock reaches what the server
// builds: an event published through the API is stamped with it.
func TestServeClock(t *testing.T) {
	t.Parallel()
	start := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	clock := hookhubtest.NewClock(start)
	srv := hookhubtest.NewServer(t, hookhubtest.ServerOptions{Clock: clock})
	_, token := hookhubtest.Tenant(t, srv.Service(), "acme")
	var pub struct {
		ID int64 `json:"id"`
	}
	if code, body := call(t, "POST", srv.URL+"/v1/events", token, map[string]any{"type": "contact.created", "data": map[string]any{}}, &pub); code != 202 {
		t.Fatalf("publish = %d %s", code, body)
	}
	var ev struct {
		CreatedAt time.Time `json:"created_at"`
	}
	if code, body := call(t, "GET", fmt.Sprintf("%s/v1/events/%d", srv.URL, pub.ID), token, nil, &ev); code != 200 {
		t.Fatalf("get event = %d %s", code, body)
	}
	if !ev.CreatedAt.Equal(start) {
		t.Errorf("event created_at = %s, want the test clock's %s", ev.CreatedAt, start)
	}
}

// TestShutdown checks that Run returns without error when its context
// ends, and that it has then stopped listening and closed the store.
func TestShutdown(t *testing.T) {
	t.Parallel()
	cfg := server.Defaults()
	cfg.Addr = "127.0.0.1:0"
	cfg.DB = filepath.Join(t.TempDir(), "hookhub.db")
	cfg.PollInterval = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := server.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	url := "http://" + srv.Addr()
	hookhubtest.Eventually(t, "ready", func() bool {
		code, _ := call(t, "GET", url+"/readyz", "", nil, nil)
		return code == 200
	})
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v, want nil after its context ended", err)
		}
	case <-time.After(hookhubtest.WaitTimeout):
		t.Fatalf("Run did not return after its context ended")
	}
	if c, err := net.Dial("tcp", srv.Addr()); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after Run returned", srv.Addr())
	}
	if err := srv.Store().Ping(context.Background()); err == nil {
		t.Errorf("the store still answers after Run returned; want it closed")
	}
}
