package service

import (
	"context"
	"fmt"

	"github.com/hookhub/hookhub"
)

// Quota limits how many webhooks of one kind a tenant may have: at most
// Max of those for which Kind reports true. Message is the error a caller
// gets when the tenant has Max already.
type Quota struct {
	Max     int
	Kind    func(*hookhub.Webhook) bool
	Message string
}

// CreateWebhookWithin is CreateWebhook under a quota: when the tenant has
// q.Max webhooks of q's kind already, it makes nothing and answers
// ECONFLICT with q.Message. Counting needs only the create scope. Calls in
// this process are serialized, so they cannot pass the quota together;
// nodes sharing a PostgreSQL database each check on their own, so two
// creates on two nodes at the same moment may both pass.
func (s *Service) CreateWebhookWithin(ctx context.Context, actor *hookhub.Token, in *hookhub.Webhook, q Quota) (*hookhub.Webhook, error) {
	if err := s.authorize(actor, hookhub.ScopeWebhooksCreate); err != nil {
		return nil, err
	}
	s.quotas.Lock()
	defer s.quotas.Unlock()
	ws, err := s.store.ListWebhooks(ctx, actor.TenantID, hookhub.WebhookFilter{})
	if err != nil {
		return nil, fmt.Errorf("count webhooks: %w", err)
	}
	n := 0
	for _, w := range ws {
		if q.Kind(w) {
			n++
		}
	}
	if n >= q.Max {
		return nil, hookhub.Errorf(hookhub.ECONFLICT, "%s", q.Message)
	}
	return s.CreateWebhook(ctx, actor, in)
}
