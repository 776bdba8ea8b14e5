package client

import (
	"context"
	"encoding/json"
	"net/url"
	"time"
)

// Token is an API token of the tenant. Secret is set only in the answer
// that makes it.
type Token struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Scopes    []string   `json:"scopes"`
	Secret    string     `json:"token,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at"`
}

// TokenCreate makes a token. It may carry only scopes the caller's token
// has (for CreateTenantToken, any; all of them when Scopes is empty).
type TokenCreate struct {
	Name      string    `json:"name,omitempty"`
	Scopes    []string  `json:"scopes,omitempty"`
	ExpiresAt time.Time `json:"expires_at,omitzero"` // zero: never
}

// CreateToken makes a token of the caller's tenant.
func (c *Client) CreateToken(ctx context.Context, t TokenCreate) (*Token, error) {
	return call[Token](ctx, c, "POST", "/v1/tokens", t)
}

// ListTokens lists the tenant's tokens, revoked ones too.
func (c *Client) ListTokens(ctx context.Context) ([]Token, error) {
	var out Page[Token]
	return out.Data, c.do(ctx, "GET", "/v1/tokens", nil, nil, &out)
}

// RevokeToken revokes a token.
func (c *Client) RevokeToken(ctx context.Context, id string) error {
	return c.do(ctx, "DELETE", "/v1/tokens/"+url.PathEscape(id), nil, nil, nil)
}

// EventType is an entry of the event type catalogue.
type EventType struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Example     json.RawMessage `json:"example,omitempty"`
	BuiltIn     bool            `json:"built_in,omitempty"`
	CreatedAt   *time.Time      `json:"created_at,omitempty"`
}

// ListEventTypes lists the catalogue: built-in types and the tenant's own.
func (c *Client) ListEventTypes(ctx context.Context) ([]EventType, error) {
	var out Page[EventType]
	return out.Data, c.do(ctx, "GET", "/v1/event-types", nil, nil, &out)
}

// PutEventType defines or redefines one of the tenant's event types.
func (c *Client) PutEventType(ctx context.Context, t EventType) (*EventType, error) {
	t.BuiltIn, t.CreatedAt = false, nil
	return call[EventType](ctx, c, "POST", "/v1/event-types", t)
}

// DeleteEventType deletes one of the tenant's event types.
func (c *Client) DeleteEventType(ctx context.Context, name string) error {
	return c.do(ctx, "DELETE", "/v1/event-types/"+url.PathEscape(name), nil, nil, nil)
}
