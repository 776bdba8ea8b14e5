package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
)

// Authenticate finds the token whose secret this is. Unknown, revoked and
// expired tokens are all EUNAUTHORIZED with the same message. The token
// may be shared with other callers (tokenCache): it is not to be changed.
func (s *Service) Authenticate(ctx context.Context, secret string) (*hookhub.Token, error) {
	secret = strings.TrimSpace(secret)
	if secret == "" {
		return nil, errInvalidToken()
	}
	sum := hookhub.TokenHash(secret) // on the stack: a cached token costs no allocation
	t, ok := s.tokens.get(sum[:])
	if !ok {
		var err error
		// A copy for the store, which would otherwise move sum to
		// the heap on every call, cached or not.
		t, err = s.store.TokenByHash(ctx, slices.Clone(sum[:]))
		if hookhub.ErrorCode(err) == hookhub.ENOTFOUND {
			return nil, errInvalidToken()
		}
		if err != nil {
			return nil, fmt.Errorf("authenticate: %w", err)
		}
		s.tokens.put(t)
	}
	if !t.Usable(s.clock()) {
		return nil, errInvalidToken()
	}
	return t, nil
}

// Tenant returns the actor's own tenant; any usable token may read it
// (adapters whose paths name the tenant, like SalesIQ's screen name).
func (s *Service) Tenant(ctx context.Context, actor *hookhub.Token) (*hookhub.Tenant, error) {
	if err := s.authenticated(actor); err != nil {
		return nil, err
	}
	t, err := s.store.GetTenant(ctx, actor.TenantID)
	if err != nil {
		return nil, fmt.Errorf("get tenant: %w", err)
	}
	return t, nil
}

// CreateTenant makes a tenant and its first token, which carries every
// scope, and returns the token's secret (shown once). It is the operator's
// command, so it takes no actor.
func (s *Service) CreateTenant(ctx context.Context, name string) (*hookhub.Tenant, string, error) {
	name = strings.TrimSpace(name)
	var p hookhub.Problems
	if name == "" {
		p.Add("name", "is required")
	} else if len(name) > 255 {
		p.Add("name", "must be at most 255 characters")
	}
	if err := p.Err(); err != nil {
		return nil, "", err
	}
	now := s.now()
	t := &hookhub.Tenant{ID: hookhub.NewID("ten"), Name: name, CreatedAt: now}
	if err := s.store.CreateTenant(ctx, t); err != nil {
		return nil, "", fmt.Errorf("create tenant: %w", err)
	}
	secret, hash := hookhub.NewTokenSecret()
	tok := &hookhub.Token{
		ID: hookhub.NewID("tok"), TenantID: t.ID, Name: "initial", Hash: hash,
		Scopes: slices.Clone(hookhub.AllScopes), CreatedAt: now,
	}
	if err := s.store.CreateToken(ctx, tok); err != nil {
		return nil, "", fmt.Errorf("create first token of tenant %s: %w", t.ID, err)
	}
	return t, secret, nil
}

// CreateToken makes a token for the actor's tenant and returns its secret
// (shown once). It may only grant scopes the actor has. A zero expiresAt
// means the token does not expire.
func (s *Service) CreateToken(ctx context.Context, actor *hookhub.Token, name string, scopes []hookhub.Scope, expiresAt time.Time) (*hookhub.Token, string, error) {
	if err := s.authorize(actor, hookhub.ScopeTokens); err != nil {
		return nil, "", err
	}
	now := s.now()
	name = strings.TrimSpace(name)
	var p hookhub.Problems
	if len(name) > 255 {
		p.Add("name", "must be at most 255 characters")
	}
	if len(scopes) == 0 {
		p.Add("scopes", "must name at least one scope")
	}
	var granted []hookhub.Scope
	for i, given := range scopes {
		sc, ok := s.catalog.ParseScope(string(given)) // a native scope or an adapter's alias of one
		if !ok {
			p.Add(fmt.Sprintf("scopes[%d]", i), "%q is not a scope", given)
		} else if !slices.Contains(granted, sc) {
			granted = append(granted, sc)
		}
	}
	if !expiresAt.IsZero() && !expiresAt.After(now) {
		p.Add("expires_at", "must be in the future")
	}
	if err := p.Err(); err != nil {
		return nil, "", err
	}
	for _, sc := range granted {
		if !actor.Has(sc) {
			return nil, "", hookhub.Errorf(hookhub.EFORBIDDEN, "a token cannot grant the %s scope, which it lacks itself", sc)
		}
	}
	secret, hash := hookhub.NewTokenSecret()
	t := &hookhub.Token{
		ID: hookhub.NewID("tok"), TenantID: actor.TenantID, Name: name, Hash: hash,
		Scopes: granted, CreatedAt: now, ExpiresAt: expiresAt.UTC().Truncate(time.Millisecond),
	}
	if err := s.store.CreateToken(ctx, t); err != nil {
		return nil, "", fmt.Errorf("create token: %w", err)
	}
	return t, secret, nil
}

// ListTokens lists the tenant's tokens, newest first, revoked ones included.
func (s *Service) ListTokens(ctx context.Context, actor *hookhub.Token) ([]*hookhub.Token, error) {
	if err := s.authorize(actor, hookhub.ScopeTokens); err != nil {
		return nil, err
	}
	ts, err := s.store.ListTokens(ctx, actor.TenantID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return ts, nil
}

// RevokeToken revokes one of the tenant's tokens (the actor itself too).
func (s *Service) RevokeToken(ctx context.Context, actor *hookhub.Token, id string) error {
	if err := s.authorize(actor, hookhub.ScopeTokens); err != nil {
		return err
	}
	if err := s.store.RevokeToken(ctx, actor.TenantID, id, s.now()); err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	s.tokens.forget(id)
	return nil
}
