package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Client calls one hookhub server with one token. Its methods are safe for
// concurrent use.
type Client struct {
	base  string
	token string
	http  *http.Client
	agent string
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient makes the client send its requests with hc (timeouts,
// proxies, transports) instead of http.DefaultClient.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.http = hc } }

// WithUserAgent sets the User-Agent header of the requests.
func WithUserAgent(ua string) Option { return func(c *Client) { c.agent = ua } }

// New returns a client of the hookhub at baseURL ("http://127.0.0.1:8080")
// acting with token: a tenant's API token, or an admin token for the
// tenants' methods.
func New(baseURL, token string, opts ...Option) *Client {
	c := &Client{base: strings.TrimRight(baseURL, "/"), token: token, http: http.DefaultClient, agent: "hookhub-go-client"}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Error is an answer of the API that is not a success, with the problem
// details it carried.
type Error struct {
	Status int          // the HTTP status
	Title  string       // the status's name, as the problem says it
	Detail string       // what is wrong, in a sentence
	Fields []FieldError // the request's fields at fault, for validation errors
}

// FieldError is one field of a request and what is wrong with it.
type FieldError struct {
	Location string `json:"location"` // "body.url", "query.limit"
	Message  string `json:"message"`
}

// Error is the problem in one line: "422 Unprocessable Entity: invalid
// request: url: must be https".
func (e *Error) Error() string {
	msg := e.Detail
	if msg == "" {
		msg = e.Title
	}
	return strings.Join(strings.Fields(fmt.Sprintf("%d %s: %s", e.Status, e.Title, msg)), " ")
}

// IsNotFound reports whether err is a 404 of the API: an unknown id, or
// one of another tenant.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusNotFound
}

// IsConflict reports whether err is a 409 of the API: the request does
// not fit the state of what it names (a delivery being sent right now, a
// name taken).
func IsConflict(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusConflict
}

// do sends one request: in, when not nil, as a JSON body; the answer is
// decoded into out when out is not nil.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	req, err := c.request(ctx, method, path, query, in)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return problemOf(resp)
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("%s %s: decode the answer: %w", method, path, err)
	}
	return nil
}

// request builds a request to the API.
func (c *Client) request(ctx context.Context, method, path string, query url.Values, in any) (*http.Request, error) {
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("%s %s: encode the request: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.agent)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return req, nil
}

// problemOf reads an unsuccessful answer into an *Error. An answer that is
// not a problem (a proxy's page) keeps the start of its body as the detail.
func problemOf(resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	e := &Error{Status: resp.StatusCode, Title: http.StatusText(resp.StatusCode)}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt == "application/problem+json" || mt == "application/json" {
		var p struct {
			Title  string       `json:"title"`
			Detail string       `json:"detail"`
			Errors []FieldError `json:"errors"`
		}
		if json.Unmarshal(b, &p) == nil {
			if p.Title != "" {
				e.Title = p.Title
			}
			e.Detail, e.Fields = p.Detail, p.Errors
			return e
		}
	}
	e.Detail = strings.TrimSpace(string(b[:min(len(b), 200)]))
	return e
}

// Page is one page of a list, newest first.
type Page[T any] struct {
	Data []T `json:"data"`
	// NextCursor, passed as ListOptions.Cursor, gives the next page;
	// empty on the last one.
	NextCursor string `json:"next_cursor"`
}

// ListOptions choose a page of a list.
type ListOptions struct {
	Limit  int    // most items; the server's default (50) when 0
	Cursor string // the NextCursor of the previous page
}

func (o ListOptions) query() url.Values {
	q := url.Values{}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	if o.Cursor != "" {
		q.Set("cursor", o.Cursor)
	}
	return q
}

func idOf(n int64) string { return strconv.FormatInt(n, 10) }
