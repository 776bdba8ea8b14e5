package service

import (
	"context"
	"fmt"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
)

// SaveRecords writes what a message received by in says: its contact,
// created or merged into the tenant's contact with the same e-mail, and
// its order, if any, created or updated by external id, with the events
// that raises, in one transaction that also marks the message done. The
// change is stamped with in's tenant and id; it is checked first (EINVALID
// names fields as "contact.email", "order.total").
func (s *Service) SaveRecords(ctx context.Context, in *hookhub.Integration, ch *crm.RecordChange) (*crm.RecordResult, error) {
	ch.TenantID, ch.IntegrationID = in.TenantID, in.ID
	if ch.Contact != nil {
		ch.Contact.Normalize()
	}
	if ch.Order != nil {
		ch.Order.Date = ch.Order.Date.UTC().Truncate(time.Millisecond)
	}
	if err := ch.Validate(); err != nil {
		return nil, err
	}
	res, err := s.store.SaveRecords(ctx, s.now(), ch)
	if err != nil {
		return nil, fmt.Errorf("save records: %w", err)
	}
	if res.Deliveries() > 0 {
		s.wake()
	}
	return res, nil
}

// GetContact returns one of the tenant's contacts.
func (s *Service) GetContact(ctx context.Context, actor *hookhub.Token, id int64) (*crm.Contact, error) {
	if err := s.authorize(actor, hookhub.ScopeRecordsRead); err != nil {
		return nil, err
	}
	c, err := s.store.GetContact(ctx, actor.TenantID, id)
	if err != nil {
		return nil, fmt.Errorf("get contact: %w", err)
	}
	return c, nil
}

// ListContacts lists the tenant's contacts, newest first.
func (s *Service) ListContacts(ctx context.Context, actor *hookhub.Token, f crm.ContactFilter) ([]*crm.Contact, error) {
	if err := s.authorize(actor, hookhub.ScopeRecordsRead); err != nil {
		return nil, err
	}
	cs, err := s.store.ListContacts(ctx, actor.TenantID, f)
	if err != nil {
		return nil, fmt.Errorf("list contacts: %w", err)
	}
	return cs, nil
}

// GetOrder returns one of the tenant's orders.
func (s *Service) GetOrder(ctx context.Context, actor *hookhub.Token, id int64) (*crm.Order, error) {
	if err := s.authorize(actor, hookhub.ScopeRecordsRead); err != nil {
		return nil, err
	}
	o, err := s.store.GetOrder(ctx, actor.TenantID, id)
	if err != nil {
		return nil, fmt.Errorf("get order: %w", err)
	}
	return o, nil
}

// ListOrders lists the tenant's orders, newest first.
func (s *Service) ListOrders(ctx context.Context, actor *hookhub.Token, f crm.OrderFilter) ([]*crm.Order, error) {
	if err := s.authorize(actor, hookhub.ScopeRecordsRead); err != nil {
		return nil, err
	}
	if f.Type != "" && !f.Type.Valid() {
		return nil, hookhub.Invalid("type", "must be one of success, pending, void, refund")
	}
	orders, err := s.store.ListOrders(ctx, actor.TenantID, f)
	if err != nil {
		return nil, fmt.Errorf("list orders: %w", err)
	}
	return orders, nil
}
