package client

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// ListenSession is a listening session: a temporary webhook of the tenant
// whose deliveries come to this client over a stream it opens.
type ListenSession struct {
	ID        string `json:"session_id"`
	WebhookID int64  `json:"webhook_id"`
	Secret    string `json:"secret"` // the webhook's signing secret
}

// ListenDelivery is one request of a session's webhook, to be forwarded
// and answered with AnswerListen.
type ListenDelivery struct {
	ID        string            `json:"id"`
	MessageID string            `json:"message_id"` // webhook-id: the same for every try of an event
	Type      string            `json:"type"`
	Headers   map[string]string `json:"headers"` // signature headers included
	Body      string            `json:"body"`
}

// ListenReply is the local server's answer to a delivery; Status 0 means
// it could not be reached (Error says why).
type ListenReply struct {
	ID         string  `json:"id"`
	Status     int     `json:"status"`
	DurationMS float64 `json:"duration_ms,omitempty"`
	Error      string  `json:"error,omitempty"`
}

// OpenListen opens a listening session for the event types given
// ("contact.*"). It lasts until CloseListen, or expires a minute after its
// last stream ended.
func (c *Client) OpenListen(ctx context.Context, events []string) (*ListenSession, error) {
	return call[ListenSession](ctx, c, "POST", "/v1/listen", map[string]any{"events": events})
}

// StreamListen reads the session's deliveries and calls fn for each, one
// at a time, until ctx ends (nil), the stream ends (an error) or fn fails.
// The stream is Server-Sent Events; the client it uses must not time out
// whole requests.
func (c *Client) StreamListen(ctx context.Context, sessionID string, fn func(ListenDelivery) error) error {
	path := "/v1/listen/" + url.PathEscape(sessionID) + "/stream"
	req, err := c.request(ctx, "GET", path, nil, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return problemOf(resp)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	var event, data string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if event == "delivery" && data != "" {
				var d ListenDelivery
				if err := json.Unmarshal([]byte(data), &d); err != nil {
					return fmt.Errorf("read the stream: %w", err)
				}
				if err := fn(d); err != nil {
					if ctx.Err() != nil {
						return nil
					}
					return err
				}
			}
			event, data = "", ""
		case strings.HasPrefix(line, "event:"):
			event = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case strings.HasPrefix(line, "data:"):
			data += strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " ")
		}
	}
	if ctx.Err() != nil {
		return nil
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read the stream: %w", err)
	}
	return fmt.Errorf("the server ended the stream of session %s", sessionID)
}

// AnswerListen gives the server the local server's answer to a delivery;
// it becomes the delivery attempt's status.
func (c *Client) AnswerListen(ctx context.Context, sessionID string, r ListenReply) error {
	return c.do(ctx, "POST", "/v1/listen/"+url.PathEscape(sessionID)+"/replies", nil, r, nil)
}

// CloseListen ends a session and deletes its webhook.
func (c *Client) CloseListen(ctx context.Context, sessionID string) error {
	return c.do(ctx, "DELETE", "/v1/listen/"+url.PathEscape(sessionID), nil, nil, nil)
}
