package service

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
)

// Applications are managed under the webhook scopes: an application is the
// owner of a set of webhooks (its endpoints), and managing it is managing
// them.

// CreateApplication stores a new application of the actor's tenant with a
// new "app_…" id. A uid the tenant uses already is ECONFLICT.
func (s *Service) CreateApplication(ctx context.Context, actor *hookhub.Token, in *hookhub.Application) (*hookhub.Application, error) {
	if err := s.authorize(actor, hookhub.ScopeWebhooksCreate); err != nil {
		return nil, err
	}
	now := s.now()
	a := &hookhub.Application{
		TenantID: actor.TenantID, ID: hookhub.NewID("app"), UID: in.UID, Name: strings.TrimSpace(in.Name),
		Metadata: maps.Clone(in.Metadata), RateLimit: in.RateLimit, CreatedAt: now, UpdatedAt: now,
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if err := s.store.CreateApplication(ctx, a); err != nil {
		return nil, fmt.Errorf("create application: %w", err)
	}
	return a, nil
}

// GetApplication returns one of the tenant's applications by id or uid.
func (s *Service) GetApplication(ctx context.Context, actor *hookhub.Token, idOrUID string) (*hookhub.Application, error) {
	if err := s.authorize(actor, hookhub.ScopeWebhooksRead); err != nil {
		return nil, err
	}
	a, err := s.store.GetApplication(ctx, actor.TenantID, idOrUID)
	if err != nil {
		return nil, fmt.Errorf("get application: %w", err)
	}
	return a, nil
}

// ListApplications lists the tenant's applications, oldest first.
func (s *Service) ListApplications(ctx context.Context, actor *hookhub.Token, f hookhub.ApplicationFilter) ([]*hookhub.Application, error) {
	if err := s.authorize(actor, hookhub.ScopeWebhooksRead); err != nil {
		return nil, err
	}
	as, err := s.store.ListApplications(ctx, actor.TenantID, f)
	if err != nil {
		return nil, fmt.Errorf("list applications: %w", err)
	}
	return as, nil
}

// UpdateApplication loads one of the tenant's applications, lets change
// edit it, checks and saves it.
func (s *Service) UpdateApplication(ctx context.Context, actor *hookhub.Token, idOrUID string, change func(*hookhub.Application) error) (*hookhub.Application, error) {
	if err := s.authorize(actor, hookhub.ScopeWebhooksUpdate); err != nil {
		return nil, err
	}
	old, err := s.store.GetApplication(ctx, actor.TenantID, idOrUID)
	if err != nil {
		return nil, fmt.Errorf("update application: %w", err)
	}
	a := *old
	a.Metadata = maps.Clone(old.Metadata)
	if err := change(&a); err != nil {
		return nil, err
	}
	a.TenantID, a.ID, a.CreatedAt, a.UpdatedAt = old.TenantID, old.ID, old.CreatedAt, s.now()
	a.Name = strings.TrimSpace(a.Name)
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if err := s.store.UpdateApplication(ctx, &a); err != nil {
		return nil, fmt.Errorf("update application: %w", err)
	}
	return &a, nil
}

// DeleteApplication deletes one of the tenant's applications and its
// endpoints (the webhooks limited to it alone) with their unsent
// deliveries. Its messages and their attempts stay until retention.
func (s *Service) DeleteApplication(ctx context.Context, actor *hookhub.Token, idOrUID string) error {
	if err := s.authorize(actor, hookhub.ScopeWebhooksDelete); err != nil {
		return err
	}
	a, err := s.store.GetApplication(ctx, actor.TenantID, idOrUID)
	if err != nil {
		return fmt.Errorf("delete application: %w", err)
	}
	ws, err := s.store.ListWebhooks(ctx, actor.TenantID, hookhub.WebhookFilter{})
	if err != nil {
		return fmt.Errorf("delete application: %w", err)
	}
	for _, w := range ws {
		if IsAppEndpoint(w, a.ID) {
			if err := s.store.DeleteWebhook(ctx, actor.TenantID, w.ID); err != nil && hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
				return fmt.Errorf("delete application's webhook %d: %w", w.ID, err)
			}
		}
	}
	if err := s.store.DeleteApplication(ctx, actor.TenantID, a.ID); err != nil {
		return fmt.Errorf("delete application: %w", err)
	}
	return nil
}

// SendEvent publishes e to one of the tenant's webhooks only, subscribed
// to its type or not (an example sent to one endpoint). Like SendTest, it
// is managing the webhook and needs webhooks.update; e's type must be in
// the catalogue.
func (s *Service) SendEvent(ctx context.Context, actor *hookhub.Token, webhookID int64, e *hookhub.Event) (hookhub.PublishResult, error) {
	if err := s.authorize(actor, hookhub.ScopeWebhooksUpdate); err != nil {
		return hookhub.PublishResult{}, err
	}
	w, err := s.store.GetWebhook(ctx, actor.TenantID, webhookID)
	if err != nil {
		return hookhub.PublishResult{}, fmt.Errorf("send event: %w", err)
	}
	c := *e
	c.ID, c.TenantID, c.CreatedAt, c.IdempotencyKey = 0, actor.TenantID, s.now(), ""
	if err := c.Validate(); err != nil {
		return hookhub.PublishResult{}, err
	}
	if ok, err := s.catalogue(actor.TenantID).has(ctx, c.Type); err != nil {
		return hookhub.PublishResult{}, err
	} else if !ok {
		return hookhub.PublishResult{}, hookhub.Invalid("type", "%s", unknownType(c.Type))
	}
	if c.EntityType == "" {
		c.EntityType, c.EntityID = "webhook", strconv.FormatInt(w.ID, 10)
	}
	res, err := s.commit(ctx, []hookhub.PublishRequest{{Event: &c, WebhookID: w.ID}})
	if err != nil {
		return hookhub.PublishResult{}, err
	}
	return res[0], nil
}

// SaveResponse keeps the answer to a request of the actor's that carried
// an idempotency key.
func (s *Service) SaveResponse(ctx context.Context, actor *hookhub.Token, r *hookhub.SavedResponse) error {
	if err := s.authenticated(actor); err != nil {
		return err
	}
	c := *r
	c.TenantID, c.CreatedAt = actor.TenantID, s.now()
	if err := s.store.SaveResponse(ctx, &c); err != nil {
		return fmt.Errorf("save response: %w", err)
	}
	return nil
}

// SavedResponse finds the answer kept for one of the actor's tenant's
// idempotency keys.
func (s *Service) SavedResponse(ctx context.Context, actor *hookhub.Token, key string) (*hookhub.SavedResponse, error) {
	if err := s.authenticated(actor); err != nil {
		return nil, err
	}
	r, err := s.store.SavedResponse(ctx, actor.TenantID, key)
	if err != nil {
		return nil, fmt.Errorf("saved response: %w", err)
	}
	return r, nil
}

// The scopes a portal token may carry: reading, and with write access
// managing, the application's endpoints, and reading its messages.
var (
	portalReadScopes  = []hookhub.Scope{hookhub.ScopeWebhooksRead, hookhub.ScopeEventsRead}
	portalWriteScopes = []hookhub.Scope{hookhub.ScopeWebhooksRead, hookhub.ScopeEventsRead,
		hookhub.ScopeWebhooksCreate, hookhub.ScopeWebhooksUpdate, hookhub.ScopeWebhooksDelete}
)

// MaxPortalExpiry is the longest an app portal token lasts (Svix's limit).
const MaxPortalExpiry = 7 * 24 * time.Hour

// CreatePortalToken makes a token that opens the app portal of one of the
// tenant's applications until expiry from now: read-only, or able to
// manage the application's endpoints too, and never more than the actor
// may. The service refuses it everywhere but through PortalActor. Making
// one is managing tokens.
func (s *Service) CreatePortalToken(ctx context.Context, actor *hookhub.Token, appIDOrUID string, readOnly bool, expiry time.Duration) (*hookhub.Token, string, error) {
	if err := s.authorize(actor, hookhub.ScopeTokens); err != nil {
		return nil, "", err
	}
	if expiry < time.Hour || expiry > MaxPortalExpiry {
		return nil, "", hookhub.Invalid("expiry", "must be between 3600 (an hour) and 604800 (7 days) seconds")
	}
	app, err := s.store.GetApplication(ctx, actor.TenantID, appIDOrUID)
	if err != nil {
		return nil, "", fmt.Errorf("create portal token: %w", err)
	}
	want := portalWriteScopes
	if readOnly {
		want = portalReadScopes
	}
	var scopes []hookhub.Scope
	for _, sc := range want {
		if actor.Has(sc) {
			scopes = append(scopes, sc)
		}
	}
	now := s.now()
	secret, hash := hookhub.NewTokenSecret()
	t := &hookhub.Token{
		ID: hookhub.NewID("tok"), TenantID: actor.TenantID, Name: "app portal of " + app.ID, Hash: hash,
		Scopes: scopes, CreatedAt: now, ExpiresAt: now.Add(expiry), AppID: app.ID,
	}
	if err := s.store.CreateToken(ctx, t); err != nil {
		return nil, "", fmt.Errorf("create portal token: %w", err)
	}
	return t, secret, nil
}

// PortalActor returns the token an app portal page acts as: tok without
// its application limit, which the portal enforces itself by showing and
// changing the application's endpoints (the webhooks limited to it alone)
// and messages only. Any other token is EFORBIDDEN.
func PortalActor(tok *hookhub.Token) (*hookhub.Token, error) {
	if tok == nil || tok.AppID == "" {
		return nil, hookhub.Errorf(hookhub.EFORBIDDEN, "this is not an app portal token")
	}
	c := *tok
	c.AppID = ""
	return &c, nil
}

// IsAppEndpoint reports whether w is one of application appID's endpoints:
// a webhook limited to it alone.
func IsAppEndpoint(w *hookhub.Webhook, appID string) bool {
	return slices.Equal(w.Apps, []string{appID})
}
