package service

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/hookhub/hookhub"
)

// TryWebhook sends a webhook.test event to w at once, in w's format and
// signed, and returns the receiver's answer; nothing is queued or recorded.
// w may be one about to be saved: its URL is checked against the egress
// policy first. Adapters use it where their product answers a test call or
// a save with the receiver's reply.
func (s *Service) TryWebhook(ctx context.Context, actor *hookhub.Token, w *hookhub.Webhook, ev *hookhub.Event) (*hookhub.Attempt, error) {
	if err := s.tryable(actor, w); err != nil {
		return nil, err
	}
	if ev == nil {
		id := strconv.FormatInt(w.ID, 10)
		ev = &hookhub.Event{
			TenantID: actor.TenantID, Type: hookhub.TestEventType, EntityType: "webhook", EntityID: id,
			Data:      []byte(`{"webhook_id":` + id + `,"message":"This is a test event sent by hookhub."}`),
			CreatedAt: s.now(),
		}
	}
	return s.sender.Try(ctx, w, ev), nil
}

// TestWebhook is a product's test call of a webhook, saved or not: it needs
// the scope of the native test call (webhooks.update), refuses the headers
// a save refuses, and posts ev to w at once.
func (s *Service) TestWebhook(ctx context.Context, actor *hookhub.Token, w *hookhub.Webhook, ev *hookhub.Event) (*hookhub.Attempt, error) {
	if err := s.authorize(actor, hookhub.ScopeWebhooksUpdate); err != nil {
		return nil, err
	}
	if p := hookhub.CheckHeaders(w.Headers); len(p) > 0 {
		return nil, p.Err()
	}
	return s.TryWebhook(ctx, actor, w, ev)
}

// WebhookToTest returns a saved webhook for TestWebhook: it needs the test
// call's scope (webhooks.update), as the native test call does, not
// webhooks.read.
func (s *Service) WebhookToTest(ctx context.Context, actor *hookhub.Token, id int64) (*hookhub.Webhook, error) {
	if err := s.authorize(actor, hookhub.ScopeWebhooksUpdate); err != nil {
		return nil, err
	}
	w, err := s.store.GetWebhook(ctx, actor.TenantID, id)
	if err != nil {
		return nil, fmt.Errorf("get webhook to test: %w", err)
	}
	return w, nil
}

// Probe posts a body of the caller's making to w's URL at once and returns
// the answer: handshakes such as Tilby's SUBSCRIBED request.
func (s *Service) Probe(ctx context.Context, actor *hookhub.Token, w *hookhub.Webhook, body []byte, header http.Header) (*hookhub.Attempt, error) {
	if err := s.tryable(actor, w); err != nil {
		return nil, err
	}
	return s.sender.Post(ctx, w, body, header), nil
}

func (s *Service) tryable(actor *hookhub.Token, w *hookhub.Webhook) error {
	if err := s.authenticated(actor); err != nil {
		return err
	}
	if w.TenantID != "" && w.TenantID != actor.TenantID {
		return hookhub.Errorf(hookhub.ENOTFOUND, "webhook %d not found", w.ID)
	}
	if s.sender == nil {
		return hookhub.Errorf(hookhub.EUNAVAILABLE, "test calls are not available in this process")
	}
	if w.IsScript() {
		w.TenantID = actor.TenantID // a script acts for the tenant, saved or not
	} else if _, err := s.egress.CheckURL(w.URL); err != nil {
		return hookhub.Invalid("url", "%s", err.Error())
	}
	if w.Timeout == 0 {
		w.Timeout = hookhub.DefaultTimeout
	}
	return nil
}

// CheckWebhook reports every problem that saving w would meet, without
// saving anything or calling the receiver: the problems CreateWebhook finds
// when w.ID is 0, and those UpdateWebhook finds when webhook w.ID is given
// w's settings. It needs the scope the save would need. Adapters whose
// product makes a test call before a save use it to report bad fields
// together with the receiver's answer.
func (s *Service) CheckWebhook(ctx context.Context, actor *hookhub.Token, w *hookhub.Webhook) error {
	scope := hookhub.ScopeWebhooksCreate
	if w.ID != 0 {
		scope = hookhub.ScopeWebhooksUpdate
	}
	if err := s.authorize(actor, scope); err != nil {
		return err
	}
	var old *hookhub.Webhook
	if w.ID != 0 {
		var err error
		if old, err = s.store.GetWebhook(ctx, actor.TenantID, w.ID); err != nil {
			return fmt.Errorf("check webhook: %w", err)
		}
	}
	c := clone(w)
	c.TenantID, c.Name, c.URL, c.ErrorsEmail = actor.TenantID, strings.TrimSpace(c.Name), strings.TrimSpace(c.URL), strings.TrimSpace(c.ErrorsEmail)
	c.ApplyDefaults()
	return s.check(ctx, c, old)
}
