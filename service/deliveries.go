package service

import (
	"context"
	"fmt"
	"time"

	"github.com/hookhub/hookhub"
)

// GetEvent returns one of the tenant's events.
func (s *Service) GetEvent(ctx context.Context, actor *hookhub.Token, id int64) (*hookhub.Event, error) {
	if err := s.authorize(actor, hookhub.ScopeEventsRead); err != nil {
		return nil, err
	}
	e, err := s.store.GetEvent(ctx, actor.TenantID, id)
	if err != nil {
		return nil, fmt.Errorf("get event: %w", err)
	}
	return e, nil
}

// ListEvents lists the tenant's events, newest first.
func (s *Service) ListEvents(ctx context.Context, actor *hookhub.Token, f hookhub.EventFilter) ([]*hookhub.Event, error) {
	if err := s.authorize(actor, hookhub.ScopeEventsRead); err != nil {
		return nil, err
	}
	es, err := s.store.ListEvents(ctx, actor.TenantID, f)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	return es, nil
}

// GetDelivery returns one of the tenant's deliveries.
func (s *Service) GetDelivery(ctx context.Context, actor *hookhub.Token, id int64) (*hookhub.Delivery, error) {
	if err := s.authorize(actor, hookhub.ScopeEventsRead); err != nil {
		return nil, err
	}
	d, err := s.store.GetDelivery(ctx, actor.TenantID, id)
	if err != nil {
		return nil, fmt.Errorf("get delivery: %w", err)
	}
	return d, nil
}

// ListDeliveries lists the tenant's deliveries, newest first.
func (s *Service) ListDeliveries(ctx context.Context, actor *hookhub.Token, f hookhub.DeliveryFilter) ([]*hookhub.Delivery, error) {
	if err := s.authorize(actor, hookhub.ScopeEventsRead); err != nil {
		return nil, err
	}
	if f.State != "" && !f.State.Valid() {
		return nil, hookhub.Invalid("state", "must be one of pending, in_flight, succeeded, failed, held")
	}
	ds, err := s.store.ListDeliveries(ctx, actor.TenantID, f)
	if err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}
	return ds, nil
}

// ListAttempts lists the tenant's delivery attempts, newest first.
func (s *Service) ListAttempts(ctx context.Context, actor *hookhub.Token, f hookhub.AttemptFilter) ([]*hookhub.Attempt, error) {
	if err := s.authorize(actor, hookhub.ScopeEventsRead); err != nil {
		return nil, err
	}
	as, err := s.store.ListAttempts(ctx, actor.TenantID, f)
	if err != nil {
		return nil, fmt.Errorf("list attempts: %w", err)
	}
	return as, nil
}

// ListWebhookAttempts lists the attempts of one of the tenant's webhooks,
// newest first. Unlike ListAttempts it needs only webhooks.read: a
// webhook's own log of tries is part of reading the webhook (SalesIQ files
// its error logs under its READ scope). f's WebhookID is set to webhookID;
// a webhook of another tenant is ENOTFOUND.
func (s *Service) ListWebhookAttempts(ctx context.Context, actor *hookhub.Token, webhookID int64, f hookhub.AttemptFilter) ([]*hookhub.Attempt, error) {
	if err := s.authorize(actor, hookhub.ScopeWebhooksRead); err != nil {
		return nil, err
	}
	if _, err := s.store.GetWebhook(ctx, actor.TenantID, webhookID); err != nil {
		return nil, fmt.Errorf("list webhook attempts: %w", err)
	}
	f.WebhookID = webhookID
	as, err := s.store.ListAttempts(ctx, actor.TenantID, f)
	if err != nil {
		return nil, fmt.Errorf("list webhook attempts: %w", err)
	}
	return as, nil
}

// RetryDelivery makes one of the tenant's deliveries due now (held if its
// webhook is not active). One being sent right now is ECONFLICT.
func (s *Service) RetryDelivery(ctx context.Context, actor *hookhub.Token, id int64) (*hookhub.Delivery, error) {
	if err := s.authorize(actor, hookhub.ScopeWebhooksUpdate); err != nil {
		return nil, err
	}
	d, err := s.store.RetryDelivery(ctx, actor.TenantID, id, s.now())
	if err != nil {
		return nil, fmt.Errorf("retry delivery: %w", err)
	}
	s.wake()
	return d, nil
}

// RecoverDeliveries makes every failed delivery of one of the tenant's
// webhooks created since the given time due now, and returns how many.
func (s *Service) RecoverDeliveries(ctx context.Context, actor *hookhub.Token, webhookID int64, since time.Time) (int, error) {
	if err := s.authorize(actor, hookhub.ScopeWebhooksUpdate); err != nil {
		return 0, err
	}
	if since.IsZero() {
		return 0, hookhub.Invalid("since", "is required")
	}
	n, err := s.store.RecoverDeliveries(ctx, actor.TenantID, webhookID, since, s.now())
	if err != nil {
		return 0, fmt.Errorf("recover deliveries: %w", err)
	}
	if n > 0 {
		s.wake()
	}
	return n, nil
}

// ListMail lists the e-mails hookhub sent or queued for the tenant, newest
// first.
func (s *Service) ListMail(ctx context.Context, actor *hookhub.Token, p hookhub.Page) ([]*hookhub.Mail, error) {
	if err := s.authorize(actor, hookhub.ScopeMailRead); err != nil {
		return nil, err
	}
	ms, err := s.store.ListMail(ctx, actor.TenantID, p)
	if err != nil {
		return nil, fmt.Errorf("list mail: %w", err)
	}
	return ms, nil
}

// DefaultStatsWindow is the period Stats covers when since is zero.
const DefaultStatsWindow = 24 * time.Hour

// Stats counts the tenant's deliveries by state since the given time (the
// last DefaultStatsWindow when zero), and its queue depth.
func (s *Service) Stats(ctx context.Context, actor *hookhub.Token, since time.Time) (hookhub.Stats, error) {
	if err := s.authorize(actor, hookhub.ScopeEventsRead); err != nil {
		return hookhub.Stats{}, err
	}
	if since.IsZero() {
		since = s.now().Add(-DefaultStatsWindow)
	}
	st, err := s.store.Stats(ctx, actor.TenantID, since)
	if err != nil {
		return hookhub.Stats{}, fmt.Errorf("stats: %w", err)
	}
	return st, nil
}
