package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
)

// The CRM360 side: the name a tenant answers to at QueueProcess, how each
// of its CRM360 sources authenticates, and the inbound queue those
// sources fill.

// CRM360Account returns the tenant's CRM360 name; ENOTFOUND before one
// is set.
func (s *Service) CRM360Account(ctx context.Context, actor *hookhub.Token) (*crm.CRM360Account, error) {
	if err := s.authorize(actor, hookhub.ScopeIntegrations); err != nil {
		return nil, err
	}
	a, err := s.store.GetCRM360Account(ctx, actor.TenantID)
	if err != nil {
		return nil, fmt.Errorf("get crm360 account: %w", err)
	}
	return a, nil
}

// SetCRM360Account sets the CustomerName and DatabaseAlias the tenant
// answers to; ECONFLICT when another tenant has them.
func (s *Service) SetCRM360Account(ctx context.Context, actor *hookhub.Token, customerName, databaseAlias string) (*crm.CRM360Account, error) {
	if err := s.authorize(actor, hookhub.ScopeIntegrations); err != nil {
		return nil, err
	}
	a := &crm.CRM360Account{TenantID: actor.TenantID, CustomerName: strings.TrimSpace(customerName),
		DatabaseAlias: strings.TrimSpace(databaseAlias), UpdatedAt: s.now()}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if err := s.store.PutCRM360Account(ctx, a); err != nil {
		return nil, fmt.Errorf("set crm360 account: %w", err)
	}
	return a, nil
}

// CRM360Source returns one of the tenant's CRM360 integrations and how
// its callers authenticate (AuthToken when never set).
func (s *Service) CRM360Source(ctx context.Context, actor *hookhub.Token, id int64) (*hookhub.Integration, *crm.CRM360Source, error) {
	if err := s.authorize(actor, hookhub.ScopeIntegrations); err != nil {
		return nil, nil, err
	}
	return s.crm360Source(ctx, actor.TenantID, id)
}

// SetCRM360SourceAuth sets how the callers of one of the tenant's CRM360
// integrations authenticate: a token, or their platform's signature with
// its secret.
func (s *Service) SetCRM360SourceAuth(ctx context.Context, actor *hookhub.Token, id int64, auth crm.SourceAuth, secret string) (*hookhub.Integration, *crm.CRM360Source, error) {
	if err := s.authorize(actor, hookhub.ScopeIntegrations); err != nil {
		return nil, nil, err
	}
	in, _, err := s.crm360Source(ctx, actor.TenantID, id)
	if err != nil {
		return nil, nil, err
	}
	platform, _ := crm.CRM360Platform(in.Kind)
	src := &crm.CRM360Source{IntegrationID: in.ID, TenantID: in.TenantID, Auth: auth, Secret: secret, UpdatedAt: s.now(), UpdatedBy: actor.ID}
	if err := src.Validate(platform); err != nil {
		return nil, nil, err
	}
	if err := s.store.PutCRM360Source(ctx, src); err != nil {
		return nil, nil, fmt.Errorf("set crm360 source: %w", err)
	}
	return in, src, nil
}

// crm360Source loads one of a tenant's integrations of a CRM360 kind
// and its settings; an integration of another kind is not found.
func (s *Service) crm360Source(ctx context.Context, tenantID string, id int64) (*hookhub.Integration, *crm.CRM360Source, error) {
	in, err := s.store.GetIntegration(ctx, tenantID, id)
	if err == nil {
		if _, ok := crm.CRM360Platform(in.Kind); !ok {
			err = hookhub.Errorf(hookhub.ENOTFOUND, "integration %d is of kind %s, not a CRM360 source", id, in.Kind)
		}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("get crm360 source: %w", err)
	}
	src, err := s.store.GetCRM360Source(ctx, tenantID, id)
	switch {
	case hookhub.ErrorCode(err) == hookhub.ENOTFOUND:
		src = &crm.CRM360Source{IntegrationID: id, TenantID: tenantID, Auth: crm.AuthToken}
	case err != nil:
		return nil, nil, fmt.Errorf("get crm360 source: %w", err)
	}
	return in, src, nil
}

// FindCRM360Source finds the source a QueueProcess call names: the tenant
// by its CustomerName and DatabaseAlias, and its CRM360 integration by
// SourceId. Either unknown is ENOTFOUND, saying which; another tenant's
// integration is unknown.
func (s *Service) FindCRM360Source(ctx context.Context, customerName, databaseAlias string, sourceID int64) (*hookhub.Integration, *crm.CRM360Source, error) {
	a, err := s.store.CRM360AccountByName(ctx, customerName, databaseAlias)
	if err != nil {
		return nil, nil, fmt.Errorf("find crm360 customer: %w", err)
	}
	in, src, err := s.crm360Source(ctx, a.TenantID, sourceID)
	if hookhub.ErrorCode(err) == hookhub.ENOTFOUND {
		return nil, nil, hookhub.Errorf(hookhub.ENOTFOUND, "SourceId %d is not a CRM360 source of %s / %s", sourceID, customerName, databaseAlias)
	}
	return in, src, err
}

// AuthenticateSource checks the API token a caller of one of tenantID's
// sources gave: a usable token of that tenant with the inbound.send
// scope. Any other token is EUNAUTHORIZED, with the same message.
func (s *Service) AuthenticateSource(ctx context.Context, tenantID, secret string) error {
	tok, err := s.Authenticate(ctx, secret)
	if err != nil {
		return err
	}
	if tok.TenantID != tenantID {
		return errInvalidToken()
	}
	if !tok.Has(hookhub.ScopeInboundSend) {
		return hookhub.Errorf(hookhub.EFORBIDDEN, "this token lacks the %s scope", hookhub.ScopeInboundSend)
	}
	return nil
}

// QueueInbound stores a request for in as a queued message, due after
// delay, with a copy of it by e-mail to each address of copyTo in the
// same transaction, and wakes the inbound workers. m's tenant,
// integration, kind, times and status are set here.
func (s *Service) QueueInbound(ctx context.Context, in *hookhub.Integration, m *hookhub.InboundMessage, delay time.Duration, copyTo []string) error {
	now := s.now()
	m.TenantID, m.IntegrationID, m.Kind, m.ReceivedAt, m.UpdatedAt = in.TenantID, in.ID, in.Kind, now, now
	m.Status, m.Attempts, m.RunAt = hookhub.InboundQueued, 0, now.Add(max(delay, 0))
	if err := s.store.QueueInboundMessage(ctx, m, copyTo); err != nil {
		return fmt.Errorf("queue inbound message: %w", err)
	}
	s.countReceived(m)
	if delay <= 0 {
		call(s.wakeInbound)
	}
	return nil
}

// ApplyCRM applies a change a message of the integration makes, in one
// transaction with its events and the message's status (ch.MessageID).
// The change is stamped with the integration's tenant and id, prepared and
// checked first.
func (s *Service) ApplyCRM(ctx context.Context, in *hookhub.Integration, ch *crm.CRMChange) (*crm.CRMResult, error) {
	ch.TenantID, ch.IntegrationID = in.TenantID, in.ID
	ch.Prepare()
	if err := ch.Validate(); err != nil {
		return nil, err
	}
	res, err := s.store.ApplyCRM(ctx, s.now(), ch)
	if err != nil {
		return nil, fmt.Errorf("apply crm change: %w", err)
	}
	if res.Deliveries() > 0 {
		s.wake()
	}
	for _, op := range ch.Ops {
		if op.Kind == crm.OpSend {
			call(s.wakeOutbox)
			break
		}
	}
	return res, nil
}

// GetInboundMessage returns one of the tenant's inbound messages, with
// its status.
func (s *Service) GetInboundMessage(ctx context.Context, actor *hookhub.Token, id int64) (*hookhub.InboundMessage, error) {
	if err := s.authorize(actor, hookhub.ScopeIntegrations); err != nil {
		return nil, err
	}
	m, err := s.store.GetInboundMessage(ctx, actor.TenantID, id)
	if err != nil {
		return nil, fmt.Errorf("get inbound message: %w", err)
	}
	return m, nil
}

// BaseURL is the base URL senders reach hookhub at
// ("https://hooks.example.com"), or "" when it is not known.
func (s *Service) BaseURL() string {
	if s.baseURL == nil {
		return ""
	}
	return strings.TrimRight(s.baseURL(), "/")
}

func call(fn func()) {
	if fn != nil {
		fn()
	}
}
