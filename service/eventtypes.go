package service

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hookhub/hookhub"
)

// ListEventTypes returns the catalogue the tenant sees: the built-in types
// (TenantID "") followed by the tenant's own, by name. Any valid token may
// read it: publishers and subscribers both need it.
func (s *Service) ListEventTypes(ctx context.Context, actor *hookhub.Token) ([]*hookhub.EventType, error) {
	if err := s.authenticated(actor); err != nil {
		return nil, err
	}
	own, err := s.store.ListEventTypes(ctx, actor.TenantID)
	if err != nil {
		return nil, fmt.Errorf("list event types: %w", err)
	}
	builtin := s.catalog.EventTypes()
	out := make([]*hookhub.EventType, 0, len(builtin)+len(own))
	for i := range builtin {
		out = append(out, &builtin[i])
	}
	return append(out, own...), nil
}

// PutEventType creates or replaces one of the tenant's event types. A
// built-in name cannot be redefined (ECONFLICT).
func (s *Service) PutEventType(ctx context.Context, actor *hookhub.Token, t *hookhub.EventType) (*hookhub.EventType, error) {
	if err := s.authorize(actor, hookhub.ScopeEventTypes); err != nil {
		return nil, err
	}
	var p hookhub.Problems
	if r := hookhub.CheckEventTypeName(t.Name); r != "" {
		p.Add("name", "%s", r)
	}
	if len(t.Description) > 1000 {
		p.Add("description", "must be at most 1000 characters")
	}
	if len(t.Example) > 0 && !json.Valid(t.Example) {
		p.Add("example", "must be valid JSON")
	} else if len(t.Example) > 64<<10 {
		p.Add("example", "must be at most 64 KiB")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if s.catalog.IsBuiltinEventType(t.Name) {
		return nil, hookhub.Errorf(hookhub.ECONFLICT, "%s is a built-in event type and cannot be redefined", t.Name)
	}
	out := &hookhub.EventType{
		TenantID: actor.TenantID, Name: t.Name, Description: strings.TrimSpace(t.Description),
		Example: t.Example, CreatedAt: s.now(),
	}
	if err := s.store.PutEventType(ctx, out); err != nil {
		return nil, fmt.Errorf("put event type: %w", err)
	}
	return out, nil
}

// DeleteEventType removes one of the tenant's event types. Webhooks that
// subscribe to it keep their subscription; publishing it is refused.
func (s *Service) DeleteEventType(ctx context.Context, actor *hookhub.Token, name string) error {
	if err := s.authorize(actor, hookhub.ScopeEventTypes); err != nil {
		return err
	}
	if s.catalog.IsBuiltinEventType(name) {
		return hookhub.Errorf(hookhub.ECONFLICT, "%s is a built-in event type and cannot be deleted", name)
	}
	if err := s.store.DeleteEventType(ctx, actor.TenantID, name); err != nil {
		return fmt.Errorf("delete event type: %w", err)
	}
	return nil
}

// catalogue answers whether event type names are known to a tenant; it
// reads the tenant's types at most once, and only for a name that is not
// built in.
type catalogue struct {
	s        *Service
	tenantID string
	own      map[string]bool
}

func (s *Service) catalogue(tenantID string) *catalogue {
	return &catalogue{s: s, tenantID: tenantID}
}

func (c *catalogue) has(ctx context.Context, name string) (bool, error) {
	if c.s.catalog.IsBuiltinEventType(name) {
		return true, nil
	}
	if c.own == nil {
		ts, err := c.s.store.ListEventTypes(ctx, c.tenantID)
		if err != nil {
			return false, fmt.Errorf("list event types: %w", err)
		}
		c.own = make(map[string]bool, len(ts))
		for _, t := range ts {
			c.own[t.Name] = true
		}
	}
	return c.own[name], nil
}

// unknownType is the reason given for a name that is not in the catalogue.
func unknownType(name string) string {
	return fmt.Sprintf("unknown event type %q; define it with POST /v1/event-types", name)
}
