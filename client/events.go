package client

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"time"
)

// Event is one occurrence, as published.
type Event struct {
	ID             int64           `json:"id"`
	Type           string          `json:"type"`
	AppID          string          `json:"app_id"`
	EntityType     string          `json:"entity_type"`
	EntityID       string          `json:"entity_id"`
	Data           json.RawMessage `json:"data"`
	ModifiedFields []string        `json:"modified_fields"`
	IdempotencyKey string          `json:"idempotency_key"`
	CreatedAt      time.Time       `json:"created_at"`
}

// EventSend is an event to publish.
type EventSend struct {
	Type           string          `json:"type"`
	Data           json.RawMessage `json:"data"` // any JSON value
	AppID          string          `json:"app_id,omitempty"`
	EntityType     string          `json:"entity_type,omitempty"`
	EntityID       string          `json:"entity_id,omitempty"`
	ModifiedFields []string        `json:"modified_fields,omitempty"`
	// IdempotencyKey makes a publish sent again harmless: the server
	// answers the first event's id and stores nothing.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

// SendResult is what a publish did.
type SendResult struct {
	ID         int64 `json:"id"`         // the event's id
	Duplicate  bool  `json:"duplicate"`  // the idempotency key was used before
	Deliveries int   `json:"deliveries"` // one per subscribed webhook
}

// EventFilter narrows ListEvents.
type EventFilter struct {
	Type         string
	Since, Until time.Time // zero: no bound
	ListOptions
}

// SendEvent publishes an event; it returns once the event and its
// deliveries are stored.
func (c *Client) SendEvent(ctx context.Context, e EventSend) (*SendResult, error) {
	return call[SendResult](ctx, c, "POST", "/v1/events", e)
}

// ListEvents lists events, newest first.
func (c *Client) ListEvents(ctx context.Context, f EventFilter) (*Page[Event], error) {
	q := f.query()
	setString(q, "type", f.Type)
	setTime(q, "since", f.Since)
	setTime(q, "until", f.Until)
	var out Page[Event]
	return &out, c.do(ctx, "GET", "/v1/events", q, nil, &out)
}

// GetEvent returns an event.
func (c *Client) GetEvent(ctx context.Context, id int64) (*Event, error) {
	return call[Event](ctx, c, "GET", "/v1/events/"+idOf(id), nil)
}

// Delivery is one event for one webhook.
type Delivery struct {
	ID            int64      `json:"id"`
	EventID       int64      `json:"event_id"`
	WebhookID     int64      `json:"webhook_id"`
	State         string     `json:"state"` // pending, in_flight, succeeded, failed or held
	Attempts      int        `json:"attempts"`
	NextAttemptAt *time.Time `json:"next_attempt_at"`
	LastStatus    int        `json:"last_status"`
	LastError     string     `json:"last_error"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// DeliveryFilter narrows ListDeliveries.
type DeliveryFilter struct {
	WebhookID    int64
	EventID      int64
	State        string
	Since, Until time.Time
	ListOptions
}

// ListDeliveries lists deliveries, newest first.
func (c *Client) ListDeliveries(ctx context.Context, f DeliveryFilter) (*Page[Delivery], error) {
	q := f.query()
	setID(q, "webhook_id", f.WebhookID)
	setID(q, "event_id", f.EventID)
	setString(q, "state", f.State)
	setTime(q, "since", f.Since)
	setTime(q, "until", f.Until)
	var out Page[Delivery]
	return &out, c.do(ctx, "GET", "/v1/deliveries", q, nil, &out)
}

// GetDelivery returns a delivery.
func (c *Client) GetDelivery(ctx context.Context, id int64) (*Delivery, error) {
	return call[Delivery](ctx, c, "GET", "/v1/deliveries/"+idOf(id), nil)
}

// RetryDelivery makes a delivery due now.
func (c *Client) RetryDelivery(ctx context.Context, id int64) (*Delivery, error) {
	return call[Delivery](ctx, c, "POST", "/v1/deliveries/"+idOf(id)+"/retry", nil)
}

// Attempt is one HTTP try of a delivery, with the request as sent and the
// start of the answer.
type Attempt struct {
	ID         int64     `json:"id"`
	DeliveryID int64     `json:"delivery_id"`
	WebhookID  int64     `json:"webhook_id"`
	EventID    int64     `json:"event_id"`
	Number     int       `json:"number"`
	URL        string    `json:"url"`
	StartedAt  time.Time `json:"started_at"`
	DurationMS float64   `json:"duration_ms"`
	Request    struct {
		Headers      map[string]string `json:"headers"`
		Body         string            `json:"body"`
		BodyEncoding string            `json:"body_encoding,omitempty"` // base64 when not UTF-8
	} `json:"request"`
	Response struct {
		Status       int               `json:"status"` // 0: no answer came
		Headers      map[string]string `json:"headers"`
		Body         string            `json:"body"`
		BodyEncoding string            `json:"body_encoding,omitempty"`
	} `json:"response"`
	Error   string `json:"error"`
	Success bool   `json:"success"`
}

// ListAttempts lists a delivery's attempts, newest first.
func (c *Client) ListAttempts(ctx context.Context, deliveryID int64, o ListOptions) (*Page[Attempt], error) {
	var out Page[Attempt]
	return &out, c.do(ctx, "GET", "/v1/deliveries/"+idOf(deliveryID)+"/attempts", o.query(), nil, &out)
}

func setString(q url.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}

func setID(q url.Values, k string, v int64) {
	if v != 0 {
		q.Set(k, strconv.FormatInt(v, 10))
	}
}

func setTime(q url.Values, k string, t time.Time) {
	if !t.IsZero() {
		q.Set(k, t.UTC().Format(time.RFC3339Nano))
	}
}
