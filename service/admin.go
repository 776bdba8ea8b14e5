package service

import (
	"context"
	"crypto/subtle"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
)

// The operator's use cases: tenants over the admin API. Each takes the
// admin token acting; tenants' tokens never reach them (the API checks
// which kind of token it was given), and admin tokens reach nothing else:
// Authenticate does not know them.

// envAdminID is the id of the admin token given in the configuration.
const envAdminID = "env"

// errNoAdmin is the one answer for every admin secret that is not one.
func errNoAdmin() error {
	return hookhub.Errorf(hookhub.EUNAUTHORIZED, "invalid admin token")
}

// AuthenticateAdmin finds the admin token whose secret this is: the one
// in Config.AdminToken, or one made by CreateAdminToken.
func (s *Service) AuthenticateAdmin(ctx context.Context, secret string) (*hookhub.AdminToken, error) {
	secret = strings.TrimSpace(secret)
	if secret == "" {
		return nil, errNoAdmin()
	}
	hash := hookhub.HashToken(secret)
	if s.adminHash != nil && subtle.ConstantTimeCompare(hash, s.adminHash) == 1 {
		return &hookhub.AdminToken{ID: envAdminID, Name: "HOOKHUB_ADMIN_TOKEN", Hash: s.adminHash}, nil
	}
	t, err := s.store.AdminTokenByHash(ctx, hash)
	if hookhub.ErrorCode(err) == hookhub.ENOTFOUND {
		return nil, errNoAdmin()
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate admin: %w", err)
	}
	return t, nil
}

// CreateAdminToken makes an admin token and returns its secret (shown
// once). It is the operator's command on the database, so it takes no
// actor.
func (s *Service) CreateAdminToken(ctx context.Context, name string) (*hookhub.AdminToken, string, error) {
	name = strings.TrimSpace(name)
	if err := checkName(name, false); err != nil {
		return nil, "", err
	}
	secret, hash := hookhub.NewAdminTokenSecret()
	t := &hookhub.AdminToken{ID: hookhub.NewID("adm"), Name: name, Hash: hash, CreatedAt: s.now()}
	if err := s.store.CreateAdminToken(ctx, t); err != nil {
		return nil, "", fmt.Errorf("create admin token: %w", err)
	}
	return t, secret, nil
}

// checkName checks a name field, required or not.
func checkName(name string, required bool) error {
	var p hookhub.Problems
	if required && name == "" {
		p.Add("name", "is required")
	} else if len(name) > 255 {
		p.Add("name", "must be at most 255 characters")
	}
	return p.Err()
}

func (s *Service) admin(a *hookhub.AdminToken) error {
	if a == nil || a.ID == "" {
		return errNoAdmin()
	}
	return nil
}

// ListTenants lists tenants by name.
func (s *Service) ListTenants(ctx context.Context, a *hookhub.AdminToken, f hookhub.TenantFilter) ([]*hookhub.Tenant, error) {
	if err := s.admin(a); err != nil {
		return nil, err
	}
	ts, err := s.store.ListTenants(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	return ts, nil
}

// GetTenant returns a tenant.
func (s *Service) GetTenant(ctx context.Context, a *hookhub.AdminToken, id string) (*hookhub.Tenant, error) {
	if err := s.admin(a); err != nil {
		return nil, err
	}
	t, err := s.store.GetTenant(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("get tenant: %w", err)
	}
	return t, nil
}

// AdminCreateTenant is CreateTenant for an admin token.
func (s *Service) AdminCreateTenant(ctx context.Context, a *hookhub.AdminToken, name string) (*hookhub.Tenant, string, error) {
	if err := s.admin(a); err != nil {
		return nil, "", err
	}
	return s.CreateTenant(ctx, name)
}

// RenameTenant renames a tenant; another tenant's name is ECONFLICT.
func (s *Service) RenameTenant(ctx context.Context, a *hookhub.AdminToken, id, name string) (*hookhub.Tenant, error) {
	if err := s.admin(a); err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if err := checkName(name, true); err != nil {
		return nil, err
	}
	t, err := s.store.RenameTenant(ctx, id, name)
	if err != nil {
		return nil, fmt.Errorf("rename tenant: %w", err)
	}
	return t, nil
}

// DisableTenant disables a tenant (or enables it again): its tokens stop
// working at once on this node (within TokenCacheTTL on others), its
// console sessions end, and its deliveries are held until it is enabled.
func (s *Service) DisableTenant(ctx context.Context, a *hookhub.AdminToken, id string, disabled bool) (*hookhub.Tenant, error) {
	if err := s.admin(a); err != nil {
		return nil, err
	}
	t, err := s.store.DisableTenant(ctx, id, disabled, s.now())
	if err != nil {
		return nil, fmt.Errorf("disable tenant: %w", err)
	}
	s.tokens.forgetTenant(id)
	if !disabled {
		s.wake()
	}
	return t, nil
}

// DeleteTenant deletes a tenant and all its data.
func (s *Service) DeleteTenant(ctx context.Context, a *hookhub.AdminToken, id string) error {
	if err := s.admin(a); err != nil {
		return err
	}
	if err := s.store.DeleteTenant(ctx, id); err != nil {
		return fmt.Errorf("delete tenant: %w", err)
	}
	s.tokens.forgetTenant(id)
	return nil
}

// CreateTenantToken makes a token for an existing tenant, as if the
// tenant's all-scope token made it: the way back in when its tokens are
// lost. No scopes means every scope.
func (s *Service) CreateTenantToken(ctx context.Context, a *hookhub.AdminToken, tenantID, name string, scopes []hookhub.Scope, expiresAt time.Time) (*hookhub.Token, string, error) {
	if err := s.admin(a); err != nil {
		return nil, "", err
	}
	if _, err := s.store.GetTenant(ctx, tenantID); err != nil {
		return nil, "", fmt.Errorf("get tenant: %w", err)
	}
	if len(scopes) == 0 {
		scopes = slices.Clone(hookhub.AllScopes)
	}
	owner := &hookhub.Token{ID: "admin:" + a.ID, TenantID: tenantID, Scopes: hookhub.AllScopes}
	return s.CreateToken(ctx, owner, name, scopes, expiresAt)
}
