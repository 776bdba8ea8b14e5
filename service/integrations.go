package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
)

// InboundLease is how long a message being processed is held: when the
// process handling it dies, the message may be claimed again after it.
const InboundLease = 2 * time.Minute

// IntegrationKinds returns the kinds of integration a tenant may add whose
// name, title or description holds q, in any case (every kind for ""). Any
// valid token may read the catalogue.
func (s *Service) IntegrationKinds(ctx context.Context, actor *hookhub.Token, q string) ([]hookhub.IntegrationKind, error) {
	if err := s.authenticated(actor); err != nil {
		return nil, err
	}
	out := []hookhub.IntegrationKind{}
	for _, k := range s.catalog.IntegrationKinds() {
		if k.Search(q) {
			out = append(out, k)
		}
	}
	return out, nil
}

// CreateIntegration makes an integration of the actor's tenant: in's kind
// (a kind of the catalogue, in any case), name and active flag. Its URL
// token is made here; the answer carries it, and IntegrationURL makes the
// URL to give the platform.
func (s *Service) CreateIntegration(ctx context.Context, actor *hookhub.Token, in *hookhub.Integration) (*hookhub.Integration, error) {
	if err := s.authorize(actor, hookhub.ScopeIntegrations); err != nil {
		return nil, err
	}
	now := s.now()
	out := &hookhub.Integration{
		TenantID: actor.TenantID, Kind: strings.ToLower(strings.TrimSpace(in.Kind)), Name: strings.TrimSpace(in.Name),
		Active: in.Active, Token: hookhub.NewIntegrationToken(),
		CreatedAt: now, CreatedBy: actor.ID, UpdatedAt: now, UpdatedBy: actor.ID,
	}
	if err := out.Validate(s.catalog); err != nil {
		return nil, err
	}
	if err := s.store.CreateIntegration(ctx, out); err != nil {
		return nil, fmt.Errorf("create integration: %w", err)
	}
	return out, nil
}

// GetIntegration returns one of the tenant's integrations.
func (s *Service) GetIntegration(ctx context.Context, actor *hookhub.Token, id int64) (*hookhub.Integration, error) {
	if err := s.authorize(actor, hookhub.ScopeIntegrations); err != nil {
		return nil, err
	}
	in, err := s.store.GetIntegration(ctx, actor.TenantID, id)
	if err != nil {
		return nil, fmt.Errorf("get integration: %w", err)
	}
	return in, nil
}

// ListIntegrations lists the tenant's integrations, oldest first; the kind
// is matched in any case, the name as a substring in any case.
func (s *Service) ListIntegrations(ctx context.Context, actor *hookhub.Token, f hookhub.IntegrationFilter) ([]*hookhub.Integration, error) {
	if err := s.authorize(actor, hookhub.ScopeIntegrations); err != nil {
		return nil, err
	}
	f.Kind = strings.ToLower(strings.TrimSpace(f.Kind))
	list, err := s.store.ListIntegrations(ctx, actor.TenantID, f)
	if err != nil {
		return nil, fmt.Errorf("list integrations: %w", err)
	}
	return list, nil
}

// UpdateIntegration loads one of the tenant's integrations, lets change
// edit its name and active flag, checks and saves it. Its kind, URL token
// and identity cannot be changed this way (RotateIntegrationURL makes a
// new token).
func (s *Service) UpdateIntegration(ctx context.Context, actor *hookhub.Token, id int64, change func(*hookhub.Integration) error) (*hookhub.Integration, error) {
	if err := s.authorize(actor, hookhub.ScopeIntegrations); err != nil {
		return nil, err
	}
	old, err := s.store.GetIntegration(ctx, actor.TenantID, id)
	if err != nil {
		return nil, fmt.Errorf("update integration: %w", err)
	}
	in := *old
	if err := change(&in); err != nil {
		return nil, err
	}
	if in.Kind != old.Kind {
		return nil, hookhub.Invalid("kind", "cannot be changed; make a new integration of the other kind")
	}
	in.Name = strings.TrimSpace(in.Name)
	in.ID, in.TenantID, in.Token = old.ID, old.TenantID, old.Token
	in.CreatedAt, in.CreatedBy = old.CreatedAt, old.CreatedBy
	in.UpdatedAt, in.UpdatedBy = s.now(), actor.ID
	return s.saveIntegration(ctx, &in)
}

// RotateIntegrationURL gives one of the tenant's integrations a new URL
// token. The old URL is unknown from then on (404): give the platform the
// new one.
func (s *Service) RotateIntegrationURL(ctx context.Context, actor *hookhub.Token, id int64) (*hookhub.Integration, error) {
	if err := s.authorize(actor, hookhub.ScopeIntegrations); err != nil {
		return nil, err
	}
	in, err := s.store.GetIntegration(ctx, actor.TenantID, id)
	if err != nil {
		return nil, fmt.Errorf("rotate integration url: %w", err)
	}
	in.Token, in.UpdatedAt, in.UpdatedBy = hookhub.NewIntegrationToken(), s.now(), actor.ID
	return s.saveIntegration(ctx, in)
}

func (s *Service) saveIntegration(ctx context.Context, in *hookhub.Integration) (*hookhub.Integration, error) {
	if err := in.Validate(s.catalog); err != nil {
		return nil, err
	}
	if err := s.store.UpdateIntegration(ctx, in); err != nil {
		return nil, fmt.Errorf("update integration: %w", err)
	}
	return in, nil
}

// DeleteIntegration removes one of the tenant's integrations and the
// requests it received; its URL is unknown from then on. The contacts and
// orders it made stay.
func (s *Service) DeleteIntegration(ctx context.Context, actor *hookhub.Token, id int64) error {
	if err := s.authorize(actor, hookhub.ScopeIntegrations); err != nil {
		return err
	}
	if err := s.store.DeleteIntegration(ctx, actor.TenantID, id); err != nil {
		return fmt.Errorf("delete integration: %w", err)
	}
	return nil
}

// IntegrationURL is the URL a platform posts to for in.
func (s *Service) IntegrationURL(in *hookhub.Integration) string {
	if k, ok := s.catalog.IntegrationKind(in.Kind); ok && k.URL != nil {
		return k.URL(s.BaseURL(), in)
	}
	return s.BaseURL() + hookhub.InboundPath(in.Token)
}

// ListInboundMessages lists the requests one of the tenant's integrations
// received, newest first.
func (s *Service) ListInboundMessages(ctx context.Context, actor *hookhub.Token, integrationID int64, f hookhub.InboundFilter) ([]*hookhub.InboundMessage, error) {
	if err := s.authorize(actor, hookhub.ScopeIntegrations); err != nil {
		return nil, err
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, hookhub.Invalid("status", "must be one of queued, processing, done, failed")
	}
	if _, err := s.store.GetIntegration(ctx, actor.TenantID, integrationID); err != nil {
		return nil, fmt.Errorf("list inbound messages: %w", err) // another tenant's integration is not found, not empty
	}
	f.IntegrationID = integrationID
	msgs, err := s.store.ListInboundMessages(ctx, actor.TenantID, f)
	if err != nil {
		return nil, fmt.Errorf("list inbound messages: %w", err)
	}
	return msgs, nil
}

// FailedInbound lists the tenant's messages that were accepted and then
// failed in processing, received since the given time, newest first, at
// most limit: their senders were told they were received, so only
// someone looking finds them.
func (s *Service) FailedInbound(ctx context.Context, actor *hookhub.Token, since time.Time, limit int) ([]*hookhub.InboundMessage, error) {
	if err := s.authorize(actor, hookhub.ScopeIntegrations); err != nil {
		return nil, err
	}
	f := hookhub.InboundFilter{Status: hookhub.InboundFailed, Tried: true, Since: since, Page: hookhub.Page{Limit: limit}}
	msgs, err := s.store.ListInboundMessages(ctx, actor.TenantID, f)
	if err != nil {
		return nil, fmt.Errorf("list failed inbound messages: %w", err)
	}
	return msgs, nil
}

// The inbound side. A request to an integration's URL carries no API
// token: knowing the URL is the credential, so these methods take the
// integration found by its token instead of an actor.

// IntegrationByToken finds the integration whose URL carries token;
// ENOTFOUND when there is none.
func (s *Service) IntegrationByToken(ctx context.Context, token string) (*hookhub.Integration, error) {
	in, err := s.store.IntegrationByToken(ctx, token)
	if err != nil {
		return nil, fmt.Errorf("find integration: %w", err)
	}
	return in, nil
}

// ReceiveInbound stores a request received for in, before it is
// answered: m's tenant, integration, kind and time are set here. A message
// received as InboundProcessing is held for InboundLease (its first try is
// under way); one received as InboundQueued is due after delay.
func (s *Service) ReceiveInbound(ctx context.Context, in *hookhub.Integration, m *hookhub.InboundMessage, delay time.Duration) error {
	if !m.Status.Valid() {
		return fmt.Errorf("receive inbound message: invalid status %q", m.Status)
	}
	now := s.now()
	m.TenantID, m.IntegrationID, m.Kind, m.ReceivedAt, m.UpdatedAt = in.TenantID, in.ID, in.Kind, now, now
	switch m.Status {
	case hookhub.InboundProcessing:
		m.Attempts, m.RunAt = 1, now.Add(InboundLease)
	case hookhub.InboundQueued:
		m.RunAt = now.Add(max(delay, 0))
	default:
		m.RunAt = now
	}
	if err := s.store.CreateInboundMessage(ctx, m); err != nil {
		return fmt.Errorf("receive inbound message: %w", err)
	}
	s.countReceived(m)
	return nil
}

// countReceived tells Config.Received of a stored inbound message.
func (s *Service) countReceived(m *hookhub.InboundMessage) {
	if s.received != nil {
		s.received(m.Kind, m.Status)
	}
}

// FinishInbound records what became of a message.
func (s *Service) FinishInbound(ctx context.Context, m *hookhub.InboundMessage, o hookhub.InboundOutcome) error {
	now := s.now()
	if err := s.store.FinishInboundMessage(ctx, m.TenantID, m.ID, o, now); err != nil {
		return fmt.Errorf("finish inbound message: %w", err)
	}
	m.Status, m.Reason, m.UpdatedAt = o.Status, o.Reason, now
	if o.Answer != 0 {
		m.Answer = o.Answer
	}
	if !o.RunAt.IsZero() {
		m.RunAt = o.RunAt
	}
	return nil
}
