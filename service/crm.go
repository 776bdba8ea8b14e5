package service

import (
	"context"
	"fmt"

	"github.com/hookhub/hookhub"
)

// The reads of the CRM records besides contacts and orders (records.go).

// GetProduct returns one of the tenant's products.
func (s *Service) GetProduct(ctx context.Context, actor *hookhub.Token, id int64) (*hookhub.Product, error) {
	return read(s, actor, "get product", func() (*hookhub.Product, error) { return s.store.GetProduct(ctx, actor.TenantID, id) })
}

// ListProducts lists the tenant's products, newest first.
func (s *Service) ListProducts(ctx context.Context, actor *hookhub.Token, f hookhub.ProductFilter) ([]*hookhub.Product, error) {
	return read(s, actor, "list products", func() ([]*hookhub.Product, error) { return s.store.ListProducts(ctx, actor.TenantID, f) })
}

// GetTicket returns one of the tenant's tickets.
func (s *Service) GetTicket(ctx context.Context, actor *hookhub.Token, id int64) (*hookhub.Ticket, error) {
	return read(s, actor, "get ticket", func() (*hookhub.Ticket, error) { return s.store.GetTicket(ctx, actor.TenantID, id) })
}

// ListTickets lists the tenant's tickets, newest first.
func (s *Service) ListTickets(ctx context.Context, actor *hookhub.Token, f hookhub.TicketFilter) ([]*hookhub.Ticket, error) {
	return read(s, actor, "list tickets", func() ([]*hookhub.Ticket, error) { return s.store.ListTickets(ctx, actor.TenantID, f) })
}

// ListActivities lists the tenant's activities, newest first.
func (s *Service) ListActivities(ctx context.Context, actor *hookhub.Token, f hookhub.ActivityFilter) ([]*hookhub.Activity, error) {
	return read(s, actor, "list activities", func() ([]*hookhub.Activity, error) { return s.store.ListActivities(ctx, actor.TenantID, f) })
}

// GetMessage returns one of the tenant's messages (SMS, e-mail, wallet
// update).
func (s *Service) GetMessage(ctx context.Context, actor *hookhub.Token, id int64) (*hookhub.Message, error) {
	return read(s, actor, "get message", func() (*hookhub.Message, error) { return s.store.GetMessage(ctx, actor.TenantID, id) })
}

// ListMessages lists the tenant's messages, newest first: the outbox is
// those with status queued.
func (s *Service) ListMessages(ctx context.Context, actor *hookhub.Token, f hookhub.MessageFilter) ([]*hookhub.Message, error) {
	var p hookhub.Problems
	if f.Channel != "" && !f.Channel.Valid() {
		p.Add("channel", "must be one of sms, email, wallet")
	}
	if f.Status != "" && !f.Status.Valid() {
		p.Add("status", "is not a message status")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return read(s, actor, "list messages", func() ([]*hookhub.Message, error) { return s.store.ListMessages(ctx, actor.TenantID, f) })
}

// read runs a read of the actor's records once it may read them.
func read[T any](s *Service, actor *hookhub.Token, what string, fn func() (T, error)) (T, error) {
	var zero T
	if err := s.authorize(actor, hookhub.ScopeRecordsRead); err != nil {
		return zero, err
	}
	v, err := fn()
	if err != nil {
		return zero, fmt.Errorf("%s: %w", what, err)
	}
	return v, nil
}
