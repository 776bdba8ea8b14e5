package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/hookhub/hookhub/client"
)

const listenUsage = `usage: hookhub listen --forward-to URL [--events PATTERNS] [flags]

For local development: opens a listening session on the server (a
temporary webhook of the tenant, shown in the console with the others),
receives its deliveries over a stream this command opens (no inbound port,
works behind NAT), forwards each to --forward-to with its headers and
signature, and prints one line per delivery: time, event type, message id,
the local server's status, duration. The local status is the delivery's
status on the server (2xx succeeds; others are retried). Ctrl-C closes the
session and deletes its webhook; if this command dies instead, the server
deletes it a minute later.`

func listenCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	x := &cli{getenv: getenv, stdout: stdout, stderr: stderr}
	var forward string
	events := list{}
	if _, err := x.parse("listen", listenUsage, args, nil, func(fs *flag.FlagSet) {
		fs.StringVar(&forward, "forward-to", "", "the local URL each delivery is posted to (required)")
		fs.Var(&events, "events", "event types, prefixes (contact.*) or *, comma-separated (default *)")
	}); err != nil {
		return err
	}
	if forward == "" {
		return errors.New("--forward-to is required, like http://localhost:3000/hooks")
	}
	if len(events) == 0 {
		events = list{"*"}
	}
	p, err := x.resolve(false)
	if err != nil {
		return err
	}
	// No overall timeout: the stream lasts as long as the session.
	c := client.New(p.URL, p.Token, client.WithUserAgent("hookhub-cli"), client.WithHTTPClient(&http.Client{}))
	s, err := c.OpenListen(ctx, events)
	if err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := c.CloseListen(cctx, s.ID); err != nil {
			fmt.Fprintln(stderr, "hookhub: close the session:", err)
		}
	}()
	fmt.Fprintf(stderr, "listening for %s as webhook %d; forwarding to %s (Ctrl-C to stop)\nsigning secret: %s\n",
		strings.Join(events, ","), s.WebhookID, forward, s.Secret)
	local := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return c.StreamListen(ctx, s.ID, func(d client.ListenDelivery) error {
		r := forwardOne(ctx, local, forward, d)
		line := fmt.Sprintf("%s  %-24s  %s  %s  %.0fms", time.Now().Format("15:04:05"), d.Type, d.MessageID, statusText(r), r.DurationMS)
		fmt.Fprintln(stdout, line)
		return c.AnswerListen(ctx, s.ID, r)
	})
}

// forwardOne posts a delivery to the local server, with its headers.
func forwardOne(ctx context.Context, hc *http.Client, target string, d client.ListenDelivery) client.ListenReply {
	r := client.ListenReply{ID: d.ID}
	req, err := http.NewRequestWithContext(ctx, "POST", target, bytes.NewReader([]byte(d.Body)))
	if err != nil {
		r.Error = err.Error()
		return r
	}
	for k, v := range d.Headers {
		switch http.CanonicalHeaderKey(k) {
		case "Content-Length", "Host", "Connection", "Accept-Encoding", "Transfer-Encoding":
			continue
		}
		req.Header.Set(k, v)
	}
	start := time.Now()
	resp, err := hc.Do(req)
	r.DurationMS = float64(time.Since(start).Microseconds()) / 1000
	if err != nil {
		r.Error = err.Error()
		return r
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	r.Status = resp.StatusCode
	return r
}

func statusText(r client.ListenReply) string {
	if r.Status == 0 {
		return "ERR " + clip(r.Error, 60)
	}
	return fmt.Sprint(r.Status)
}
