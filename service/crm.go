package service

import (
	"context"
	"fmt"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
)

// The reads of the CRM records besides contacts and orders (records.go).

// GetProduct returns one of the tenant's products.
func (s *Service) GetProduct(ctx context.Context, actor *hookhub.Token, id int64) (*crm.Product, error) {
	return read(s, actor, "get product", func() (*crm.Product, error) { return s.store.GetProduct(ctx, actor.TenantID, id) })
}

// ListProducts lists the tenant's products, newest first.
func (s *Service) ListProducts(ctx context.Context, actor *hookhub.Token, f crm.ProductFilter) ([]*crm.Product, error) {
	return read(s, actor, "list products", func() ([]*crm.Product, error) { return s.store.ListProducts(ctx, actor.TenantID, f) })
}

// GetTicket returns one of the tenant's tickets.
func (s *Service) GetTicket(ctx context.Context, actor *hookhub.Token, id int64) (*crm.Ticket, error) {
	return read(s, actor, "get ticket", func() (*crm.Ticket, error) { return s.store.GetTicket(ctx, actor.TenantID, id) })
}

// ListTickets lists the tenant's tickets, newest first.
func (s *Service) ListTickets(ctx context.Context, actor *hookhub.Token, f crm.TicketFilter) ([]*crm.Ticket, error) {
	return read(s, actor, "list tickets", func() ([]*crm.Ticket, error) { return s.store.ListTickets(ctx, actor.TenantID, f) })
}

// ListActivities lists the tenant's activities, newest first.
func (s *Service) ListActivities(ctx context.Context, actor *hookhub.Token, f crm.ActivityFilter) ([]*crm.Activity, error) {
	return read(s, actor, "list activities", func() ([]*crm.Activity, error) { return s.store.ListActivities(ctx, actor.TenantID, f) })
}

// GetMessage returns one of the tenant's messages (SMS, e-mail, wallet
// update).
func (s *Service) GetMessage(ctx context.Context, actor *hookhub.Token, id int64) (*crm.Message, error) {
	return read(s, actor, "get message", func() (*crm.Message, error) { return s.store.GetMessage(ctx, actor.TenantID, id) })
}

// ListMessages lists the tenant's messages, newest first: the outbox is
// those with status queued.
func (s *Service) ListMessages(ctx context.Context, actor *hookhub.Token, f crm.MessageFilter) ([]*crm.Message, error) {
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
	return read(s, actor, "list messages", func() ([]*crm.Message, error) { return s.store.ListMessages(ctx, actor.TenantID, f) })
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
