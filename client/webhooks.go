package client

import (
	"context"
	"encoding/json"
	"net/url"
	"time"
)

// Webhook is a subscription: where hookhub posts which events, and how.
type Webhook struct {
	ID                  int64             `json:"id"`
	Name                string            `json:"name"`
	URL                 string            `json:"url"`
	Events              []string          `json:"events"` // event types, prefixes (contact.*) or *
	Apps                []string          `json:"apps"`
	State               string            `json:"state"`  // active, stopped or too_many_errors
	Format              string            `json:"format"` // standard, or a product's format
	SigningScheme       string            `json:"signing_scheme"`
	Secret              string            `json:"secret,omitempty"` // only in the answers that make one
	PublicKey           string            `json:"public_key,omitempty"`
	PreviousSecretUntil *time.Time        `json:"previous_secret_until,omitempty"`
	Headers             map[string]string `json:"headers"`
	Properties          json.RawMessage   `json:"properties"`
	TimeoutMS           int64             `json:"timeout_ms"`
	Retry               Retry             `json:"retry"`
	SuccessCodes        []int             `json:"success_codes"`
	RateLimitPerS       float64           `json:"rate_limit_per_s"`
	MaxInFlight         int               `json:"max_in_flight"`
	FailureThreshold    int               `json:"failure_threshold"`
	ErrorsEmail         string            `json:"errors_email"`
	EmailEachFailure    bool              `json:"email_each_failure"`
	ConsecutiveFailures int               `json:"consecutive_failures"`
	TotalCalls          int64             `json:"total_calls"`
	TotalErrors         int64             `json:"total_errors"`
	LastError           string            `json:"last_error"`
	LastTriggeredAt     *time.Time        `json:"last_triggered_at"`
	FailingSince        *time.Time        `json:"failing_since"`
	RegisteredAt        time.Time         `json:"registered_at"`
	RegisteredBy        string            `json:"registered_by"`
	UpdatedAt           time.Time         `json:"updated_at"`
	UpdatedBy           string            `json:"updated_by"`
}

// Retry is a webhook's retry policy.
type Retry struct {
	ScheduleSeconds []float64 `json:"schedule_seconds,omitempty"` // the delay before each try
	Jitter          *float64  `json:"jitter,omitempty"`           // 0 to 0.5
}

// WebhookCreate registers a webhook. Zero fields get the server's defaults.
type WebhookCreate struct {
	Name             string            `json:"name,omitempty"`
	URL              string            `json:"url"`
	Events           []string          `json:"events"`
	Apps             []string          `json:"apps,omitempty"`
	State            string            `json:"state,omitempty"`
	SigningScheme    string            `json:"signing_scheme,omitempty"`
	Secret           string            `json:"secret,omitempty"`
	Headers          map[string]string `json:"headers,omitempty"`
	Properties       json.RawMessage   `json:"properties,omitempty"`
	TimeoutMS        int64             `json:"timeout_ms,omitempty"`
	Retry            *Retry            `json:"retry,omitempty"`
	SuccessCodes     []int             `json:"success_codes,omitempty"`
	RateLimitPerS    float64           `json:"rate_limit_per_s,omitempty"`
	MaxInFlight      int               `json:"max_in_flight,omitempty"`
	FailureThreshold int               `json:"failure_threshold,omitempty"`
	ErrorsEmail      string            `json:"errors_email,omitempty"`
	EmailEachFailure bool              `json:"email_each_failure,omitempty"`
}

// WebhookUpdate changes the settings it names (non-nil) and leaves the
// others.
type WebhookUpdate struct {
	Name             *string           `json:"name,omitempty"`
	URL              *string           `json:"url,omitempty"`
	Events           []string          `json:"events,omitempty"`
	State            *string           `json:"state,omitempty"` // "active" re-activates; held deliveries go out
	SigningScheme    *string           `json:"signing_scheme,omitempty"`
	Headers          map[string]string `json:"headers,omitempty"`
	Properties       json.RawMessage   `json:"properties,omitempty"`
	TimeoutMS        *int64            `json:"timeout_ms,omitempty"`
	Retry            *Retry            `json:"retry,omitempty"`
	SuccessCodes     []int             `json:"success_codes,omitempty"`
	RateLimitPerS    *float64          `json:"rate_limit_per_s,omitempty"`
	MaxInFlight      *int              `json:"max_in_flight,omitempty"`
	FailureThreshold *int              `json:"failure_threshold,omitempty"`
	ErrorsEmail      *string           `json:"errors_email,omitempty"`
	EmailEachFailure *bool             `json:"email_each_failure,omitempty"`
}

// WebhookFilter narrows ListWebhooks. Empty fields match anything.
type WebhookFilter struct {
	Name  string // a part of the name, in any case
	Event string // subscribed to this event type
	State string // active, stopped or too_many_errors
}

// ListWebhooks lists the tenant's webhooks.
func (c *Client) ListWebhooks(ctx context.Context, f WebhookFilter) ([]Webhook, error) {
	q := url.Values{}
	for k, v := range map[string]string{"name": f.Name, "event": f.Event, "state": f.State} {
		if v != "" {
			q.Set(k, v)
		}
	}
	var out Page[Webhook]
	return out.Data, c.do(ctx, "GET", "/v1/webhooks", q, nil, &out)
}

// GetWebhook returns a webhook.
func (c *Client) GetWebhook(ctx context.Context, id int64) (*Webhook, error) {
	return call[Webhook](ctx, c, "GET", "/v1/webhooks/"+idOf(id), nil)
}

// CreateWebhook registers a webhook; the answer carries its secret, shown
// this once.
func (c *Client) CreateWebhook(ctx context.Context, w WebhookCreate) (*Webhook, error) {
	return call[Webhook](ctx, c, "POST", "/v1/webhooks", w)
}

// UpdateWebhook changes some of a webhook's settings.
func (c *Client) UpdateWebhook(ctx context.Context, id int64, u WebhookUpdate) (*Webhook, error) {
	return call[Webhook](ctx, c, "PATCH", "/v1/webhooks/"+idOf(id), u)
}

// DeleteWebhook deletes a webhook and its unsent deliveries.
func (c *Client) DeleteWebhook(ctx context.Context, id int64) error {
	return c.do(ctx, "DELETE", "/v1/webhooks/"+idOf(id), nil, nil, nil)
}

// RotateSecret gives a webhook a new secret; the old one keeps signing
// beside it for grace (the server's default, a day, when nil).
func (c *Client) RotateSecret(ctx context.Context, id int64, grace *time.Duration) (*Webhook, error) {
	body := map[string]any{}
	if grace != nil {
		body["grace_seconds"] = int64(grace.Seconds())
	}
	return call[Webhook](ctx, c, "POST", "/v1/webhooks/"+idOf(id)+"/rotate-secret", body)
}

// TestWebhook sends a webhook.test event to this webhook only.
func (c *Client) TestWebhook(ctx context.Context, id int64) (*SendResult, error) {
	return call[SendResult](ctx, c, "POST", "/v1/webhooks/"+idOf(id)+"/test", nil)
}

// RecoverWebhook sends again every failed delivery of the webhook created
// since the given time, and returns how many.
func (c *Client) RecoverWebhook(ctx context.Context, id int64, since time.Time) (int, error) {
	var out struct {
		Recovered int `json:"recovered"`
	}
	err := c.do(ctx, "POST", "/v1/webhooks/"+idOf(id)+"/recover", nil, map[string]any{"since": since}, &out)
	return out.Recovered, err
}

// call sends a request and decodes the answer into a new T.
func call[T any](ctx context.Context, c *Client, method, path string, in any) (*T, error) {
	var out T
	if err := c.do(ctx, method, path, nil, in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
