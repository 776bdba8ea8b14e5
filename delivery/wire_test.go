package delivery_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/delivery"
	"github.com/hookhub/hookhub/hookhubtest/golden"
	"github.com/hookhub/hookhub/signature"
)

// TestWire pins what a receiver gets, byte for byte as it came over the
// connection, and every field of the attempt the engine hands to the
// recorder, for requests of each kind the engine sends: standard with
// custom headers (credentials among them) and properties, signed with a
// rotated ed25519 and HMAC pair, transformed, and a caller's Post. The
// clock, keys and events are fixed, so the signatures are too. Run with
// -update to rewrite testdata/wire.golden after an intended change.
func TestWire(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	hmacSecret := signature.SecretPrefix + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x42}, 32))
	edSecret := signature.SigningKeyPrefix + base64.StdEncoding.EncodeToString(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize)))
	ev := &hookhub.Event{ID: 4242, TenantID: "ten_wire", Type: "contact.updated", CreatedAt: time.Date(2026, 3, 4, 5, 6, 1, 123456789, time.UTC),
		Data: json.RawMessage(`{"id":42,"name":"Ada <Lovelace> & co","email":"ada@example.com","tags":["vip"]}`)}
	bigReply := strings.Repeat("r", hookhub.MaxResponseBody+3000)
	eng := delivery.New(delivery.Config{Client: loopbackClient(), Now: func() time.Time { return now },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})

	cases := []struct {
		name  string
		reply func(w http.ResponseWriter)
		send  func(t *testing.T, url string) *hookhub.Attempt
	}{
		{"standard", func(w http.ResponseWriter) {
			w.Header()["Set-Cookie"] = []string{"session=s3cret; Path=/"}
			w.Header()["X-Reply"] = []string{"thanks", "twice"}
			w.Header()["Content-Type"] = []string{"text/plain"}
			io.WriteString(w, "ok")
		}, func(t *testing.T, url string) *hookhub.Attempt {
			w := wireWebhook(url+"/hooks?x=1&y=%20z", hmacSecret)
			w.Headers = map[string]string{"X-Custom": "yes", "authorization": "Bearer abc", "x-api-key": "k1", "x-lower": "v"}
			w.Properties = json.RawMessage(`{"type":"not.this","account":"acme","nested":{"a":[1,2]},"b":true}`)
			return eng.Try(context.Background(), w, ev)
		}},
		{"ed25519-rotated", func(w http.ResponseWriter) {
			w.Header()["Retry-After"] = []string{"30"}
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, bigReply)
		}, func(t *testing.T, url string) *hookhub.Attempt {
			w := wireWebhook(url, edSecret)
			w.SigningScheme = hookhub.SchemeEd25519
			w.PreviousSecret, w.PreviousUntil = hmacSecret, now.Add(time.Hour)
			return eng.Try(context.Background(), w, ev)
		}},
		{"transform", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusNoContent)
		}, func(t *testing.T, url string) *hookhub.Attempt {
			w := wireWebhook(url+"/t", hmacSecret)
			w.Headers = map[string]string{"X-Token": "tok"}
			w.Transform = `function handler(webhook) {
				webhook.headers["X-Kind"] = webhook.eventType;
				webhook.method = "PUT";
				webhook.url = webhook.url + "/moved";
				webhook.payload = {event: webhook.eventType, contact: webhook.payload.data};
				return webhook;
			}`
			return eng.Try(context.Background(), w, ev)
		}},
		{"post", func(w http.ResponseWriter) {
			w.Header()["Content-Type"] = []string{"application/json"}
			io.WriteString(w, `{"ok":true}`)
		}, func(t *testing.T, url string) *hookhub.Attempt {
			w := wireWebhook(url+"/sub", hmacSecret)
			header := http.Header{"Content-Type": {"text/plain"}, "Authorization": {"Basic eHl6"}, "X-Mine": {"a", "b"}}
			a := eng.Post(context.Background(), w, []byte("SUBSCRIBED"), header)
			// The caller's header is the caller's: not changed by the
			// request, and not the attempt's, whatever the caller does next.
			if want := (http.Header{"Content-Type": {"text/plain"}, "Authorization": {"Basic eHl6"}, "X-Mine": {"a", "b"}}); !equalHeaders(header, want) {
				t.Errorf("Post changed the caller's header: %v", header)
			}
			header.Set("X-Mine", "changed")
			header["X-Mine"][0] = "changed too"
			if got := a.RequestHeaders.Values("X-Mine"); !slices.Equal(got, []string{"a", "b"}) {
				t.Errorf("attempt's X-Mine %q after the caller changed its header", got)
			}
			return a
		}},
	}
	var out strings.Builder
	for _, tc := range cases {
		var (
			mu  sync.Mutex
			got []string
		)
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, err := io.Copy(io.Discard, r.Body); err != nil {
				t.Errorf("%s: read body: %v", tc.name, err)
			}
			mu.Lock()
			got = append(got, r.Context().Value(rawKey{}).(*recordingConn).String())
			mu.Unlock()
			w.Header()["Date"] = []string{"Wed, 04 Mar 2026 05:06:07 GMT"}
			tc.reply(w)
		}))
		srv.Listener = recordingListener{srv.Listener}
		srv.Config.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, rawKey{}, c)
		}
		srv.Start()
		a := tc.send(t, srv.URL)
		srv.Close()
		if len(got) != 1 {
			t.Fatalf("%s: receiver got %d requests, want 1", tc.name, len(got))
		}
		host := strings.TrimPrefix(srv.URL, "http://")
		fmt.Fprintf(&out, "=== %s\n--- request as received\n%s\n--- attempt\n%s\n",
			tc.name, strings.ReplaceAll(got[0], host, "RECEIVER"), strings.ReplaceAll(dumpAttempt(a), host, "RECEIVER"))
	}

	golden.Compare(t, filepath.Join("testdata", "wire.golden"), out.String())
}

func wireWebhook(url, secret string) *hookhub.Webhook {
	w := &hookhub.Webhook{ID: 77, TenantID: "ten_wire", URL: url, Events: []string{"*"}, Secret: secret}
	w.ApplyDefaults()
	return w
}

func equalHeaders(a, b http.Header) bool {
	return len(a) == len(b) && func() bool {
		for k, v := range a {
			if !slices.Equal(v, b[k]) {
				return false
			}
		}
		return true
	}()
}

// dumpAttempt writes every field of a, headers sorted, bodies quoted (nil
// told apart from empty, as the store keeps them apart).
func dumpAttempt(a *hookhub.Attempt) string {
	var b strings.Builder
	fmt.Fprintf(&b, "ID %d Delivery %d Tenant %q Webhook %d Event %d Number %d\n", a.ID, a.DeliveryID, a.TenantID, a.WebhookID, a.EventID, a.Number)
	fmt.Fprintf(&b, "URL %q\nStartedAt %s Duration %s\n", a.URL, a.StartedAt.Format(time.RFC3339Nano), a.Duration)
	fmt.Fprintf(&b, "Status %d Success %v Error %q\n", a.Status, a.Success, a.Error)
	dumpHeader(&b, "RequestHeaders", a.RequestHeaders)
	dumpBody(&b, "RequestBody", a.RequestBody)
	dumpHeader(&b, "ResponseHeaders", a.ResponseHeaders)
	dumpBody(&b, "ResponseBody", a.ResponseBody)
	return b.String()
}

func dumpHeader(b *strings.Builder, name string, h http.Header) {
	if h == nil {
		fmt.Fprintf(b, "%s nil\n", name)
		return
	}
	fmt.Fprintf(b, "%s\n", name)
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(b, "  %s: %q\n", k, h[k])
	}
}

func dumpBody(b *strings.Builder, name string, body []byte) {
	switch {
	case body == nil:
		fmt.Fprintf(b, "%s nil\n", name)
	case len(body) > 200:
		fmt.Fprintf(b, "%s %d bytes, sha256 %x, %q…\n", name, len(body), sha256.Sum256(body), body[:200])
	default:
		fmt.Fprintf(b, "%s %q\n", name, body)
	}
}

type rawKey struct{}

// recordingListener hands out connections that keep every byte read.
type recordingListener struct{ net.Listener }

func (l recordingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &recordingConn{Conn: c}, nil
}

type recordingConn struct {
	net.Conn
	mu  sync.Mutex
	buf bytes.Buffer
}

func (c *recordingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	c.buf.Write(p[:n])
	c.mu.Unlock()
	return n, err
}

func (c *recordingConn) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}

// TestJarCookiesNotLogged checks that a client with a cookie jar, which
// adds cookies to the request it sends, does not add them to the header the
// attempt logs (which post shares with the request when it can).
func TestJarCookiesNotLogged(t *testing.T) {
	t.Parallel()
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Header.Get("Cookie"))
	}))
	defer srv.Close()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(srv.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: "c", Value: "1"}})
	client := loopbackClient()
	client.Jar = jar
	eng := delivery.New(delivery.Config{Client: client, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	w := wireWebhook(srv.URL, newSecret(t))
	a := eng.Try(context.Background(), w, &hookhub.Event{ID: 1, Type: "contact.created", Data: json.RawMessage(`{}`)})
	if !a.Success {
		t.Fatalf("try failed: %s", a.Error)
	}
	if got.Load() != "c=1" {
		t.Errorf("receiver got cookie %q, want the jar's c=1", got.Load())
	}
	if c, ok := a.RequestHeaders["Cookie"]; ok {
		t.Errorf("attempt logged Cookie %q", c)
	}
}
