package service

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/egress"
	"github.com/hookhub/hookhub/signature"
)

// MaxSecretGrace is the longest time a rotated-out secret keeps signing.
const MaxSecretGrace = 7 * 24 * time.Hour

// CreateWebhook registers a webhook for the actor's tenant. Empty settings
// get hookhub's defaults; for the standard format an empty secret is made
// (whsec_ for scheme v1, whsk_ for v1a) and returned in the webhook, for
// the caller to show once. The target URL must pass the egress policy and
// each exact event name must be in the tenant's catalogue. Statistics and
// too_many_errors cannot be set.
func (s *Service) CreateWebhook(ctx context.Context, actor *hookhub.Token, in *hookhub.Webhook) (*hookhub.Webhook, error) {
	return s.createWebhook(ctx, actor, in, nil)
}

// CreateWebhookWithin is CreateWebhook under a limit of the tenant's
// webhooks of a kind: when the tenant has l.Max of them already, it makes
// nothing and answers ECONFLICT with l.Message. The store counts and
// creates in one transaction, so creates on any number of nodes cannot
// pass the limit together.
func (s *Service) CreateWebhookWithin(ctx context.Context, actor *hookhub.Token, in *hookhub.Webhook, l hookhub.WebhookLimit) (*hookhub.Webhook, error) {
	return s.createWebhook(ctx, actor, in, &l)
}

func (s *Service) createWebhook(ctx context.Context, actor *hookhub.Token, in *hookhub.Webhook, limit *hookhub.WebhookLimit) (*hookhub.Webhook, error) {
	if err := s.authorize(actor, hookhub.ScopeWebhooksCreate); err != nil {
		return nil, err
	}
	now := s.now()
	w := &hookhub.Webhook{
		TenantID: actor.TenantID, Name: strings.TrimSpace(in.Name), URL: strings.TrimSpace(in.URL),
		Events: slices.Clone(in.Events), Apps: slices.Clone(in.Apps), Channels: slices.Clone(in.Channels), State: in.State, Format: in.Format,
		Secret: in.Secret, SigningScheme: in.SigningScheme,
		Headers: maps.Clone(in.Headers), Properties: slices.Clone(in.Properties),
		Timeout: in.Timeout, Retry: hookhub.RetryPolicy{Schedule: slices.Clone(in.Retry.Schedule), Jitter: in.Retry.Jitter},
		SuccessCodes: slices.Clone(in.SuccessCodes), RateLimitPerS: in.RateLimitPerS, MaxInFlight: in.MaxInFlight,
		FailureThreshold: in.FailureThreshold, ErrorsEmail: strings.TrimSpace(in.ErrorsEmail),
		EmailEachFailure: in.EmailEachFailure, Meta: slices.Clone(in.Meta),
		Filter: slices.Clone(in.Filter), Transform: in.Transform, Type: in.Type, Script: in.Script,
		RegisteredAt: now, RegisteredBy: actor.ID, UpdatedAt: now, UpdatedBy: actor.ID,
	}
	w.ApplyDefaults()
	if w.Secret == "" && w.Format == hookhub.FormatStandard { // other formats may go unsigned
		if err := s.makeSecret(w); err != nil {
			return nil, err
		}
	}
	if err := s.check(ctx, w, nil); err != nil {
		return nil, err
	}
	var err error
	if limit != nil {
		err = s.store.CreateWebhookWithin(ctx, w, *limit)
	} else {
		err = s.store.CreateWebhook(ctx, w)
	}
	if err != nil {
		return nil, fmt.Errorf("create webhook: %w", err)
	}
	return w, nil
}

// UpdateWebhook loads one of the tenant's webhooks, lets change edit it,
// checks the result as CreateWebhook does and saves it. Setting the state to
// active from stopped or too_many_errors re-activates the webhook: its held
// deliveries go out and its failure streak is cleared. Changing the signing
// scheme of a standard webhook without changing its secret makes a new
// secret of the new kind. Statistics and identity cannot be changed.
func (s *Service) UpdateWebhook(ctx context.Context, actor *hookhub.Token, id int64, change func(*hookhub.Webhook) error) (*hookhub.Webhook, error) {
	return s.ChangeWebhook(ctx, actor, hookhub.ScopeWebhooksUpdate, id, change)
}

// ChangeWebhook is UpdateWebhook under another scope, for adapters whose
// product files a change to part of a webhook under it: SalesIQ makes a
// webhook's signing key with its create scope and deletes it with its
// delete scope.
func (s *Service) ChangeWebhook(ctx context.Context, actor *hookhub.Token, scope hookhub.Scope, id int64, change func(*hookhub.Webhook) error) (*hookhub.Webhook, error) {
	if err := s.authorize(actor, scope); err != nil {
		return nil, err
	}
	old, err := s.store.GetWebhook(ctx, actor.TenantID, id)
	if err != nil {
		return nil, fmt.Errorf("update webhook: %w", err)
	}
	w := clone(old)
	if err := change(w); err != nil {
		return nil, err
	}
	keepIdentityAndStats(w, old)
	w.ApplyDefaults()
	if w.SigningScheme != old.SigningScheme && w.Secret == old.Secret && w.Format == hookhub.FormatStandard {
		w.Secret, w.PreviousSecret, w.PreviousUntil = "", "", time.Time{}
		if err := s.makeSecret(w); err != nil {
			return nil, err
		}
	}
	if err := s.check(ctx, w, old); err != nil {
		return nil, err
	}
	w.UpdatedAt, w.UpdatedBy = s.now(), actor.ID
	if err := s.store.UpdateWebhook(ctx, w, old.State); err != nil {
		return nil, fmt.Errorf("update webhook: %w", err)
	}
	if w.State == hookhub.StateActive && old.State != hookhub.StateActive {
		s.wake()
	}
	return w, nil
}

// RotateSecret gives a webhook a new secret of the same kind and returns
// it. The old secret keeps signing (beside the new one) for grace: zero
// means hookhub.DefaultSecretGrace, a negative grace drops the old secret at
// once (for a leaked one).
func (s *Service) RotateSecret(ctx context.Context, actor *hookhub.Token, id int64, grace time.Duration) (*hookhub.Webhook, string, error) {
	if err := s.authorize(actor, hookhub.ScopeWebhooksUpdate); err != nil {
		return nil, "", err
	}
	if grace > MaxSecretGrace {
		return nil, "", hookhub.Invalid("grace_seconds", "must be at most %d (7 days)", int(MaxSecretGrace.Seconds()))
	}
	if grace == 0 {
		grace = hookhub.DefaultSecretGrace
	}
	w, err := s.UpdateWebhook(ctx, actor, id, func(w *hookhub.Webhook) error {
		if w.Format != hookhub.FormatStandard {
			// SalesIQ's secret is its RSA key, SuperOffice's the caller's
			// own string: each is set through its product's API.
			return hookhub.Errorf(hookhub.ECONFLICT, "webhook %d is a %s webhook: its secret is set through the %s API, not rotated here", w.ID, w.Format, w.Format)
		}
		old := w.Secret
		if err := s.makeSecret(w); err != nil {
			return err
		}
		w.PreviousSecret, w.PreviousUntil = "", time.Time{}
		if grace > 0 && old != "" {
			w.PreviousSecret, w.PreviousUntil = old, s.now().Add(grace)
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return w, w.Secret, nil
}

// GetWebhook returns one of the tenant's webhooks.
func (s *Service) GetWebhook(ctx context.Context, actor *hookhub.Token, id int64) (*hookhub.Webhook, error) {
	if err := s.authorize(actor, hookhub.ScopeWebhooksRead); err != nil {
		return nil, err
	}
	w, err := s.store.GetWebhook(ctx, actor.TenantID, id)
	if err != nil {
		return nil, fmt.Errorf("get webhook: %w", err)
	}
	return w, nil
}

// ListWebhooks lists the tenant's webhooks, oldest first.
func (s *Service) ListWebhooks(ctx context.Context, actor *hookhub.Token, f hookhub.WebhookFilter) ([]*hookhub.Webhook, error) {
	if err := s.authorize(actor, hookhub.ScopeWebhooksRead); err != nil {
		return nil, err
	}
	if f.State != "" && !f.State.Valid() {
		return nil, hookhub.Invalid("state", "must be one of active, stopped, too_many_errors")
	}
	ws, err := s.store.ListWebhooks(ctx, actor.TenantID, f)
	if err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	return ws, nil
}

// DeleteWebhook removes one of the tenant's webhooks and its unsent
// deliveries.
func (s *Service) DeleteWebhook(ctx context.Context, actor *hookhub.Token, id int64) error {
	if err := s.authorize(actor, hookhub.ScopeWebhooksDelete); err != nil {
		return err
	}
	if err := s.store.DeleteWebhook(ctx, actor.TenantID, id); err != nil {
		return fmt.Errorf("delete webhook: %w", err)
	}
	return nil
}

// DeleteWebhookIf is DeleteWebhook after check has seen the webhook and not
// refused it: adapters that own only some webhooks (those of their format)
// answer ENOTFOUND for the others. It needs only the delete scope.
func (s *Service) DeleteWebhookIf(ctx context.Context, actor *hookhub.Token, id int64, check func(*hookhub.Webhook) error) error {
	if err := s.authorize(actor, hookhub.ScopeWebhooksDelete); err != nil {
		return err
	}
	w, err := s.store.GetWebhook(ctx, actor.TenantID, id)
	if err != nil {
		return fmt.Errorf("delete webhook: %w", err)
	}
	if err := check(w); err != nil {
		return err
	}
	return s.DeleteWebhook(ctx, actor, id)
}

// PublicKey returns the whpk_ public key receivers verify an ed25519 (v1a)
// webhook's signatures with, and "" for any other webhook.
func PublicKey(w *hookhub.Webhook) string {
	if w.SigningScheme != hookhub.SchemeEd25519 || w.Secret == "" {
		return ""
	}
	priv, err := signature.ParseSigningKey(w.Secret)
	if err != nil {
		return ""
	}
	return signature.PublicKeyPrefix + base64.StdEncoding.EncodeToString(priv.Public().(ed25519.PublicKey))
}

// makeSecret sets a new secret of the kind w's signing scheme needs: an
// ed25519 key for v1a, an HMAC secret otherwise.
func (s *Service) makeSecret(w *hookhub.Webhook) error {
	var err error
	if w.SigningScheme == hookhub.SchemeEd25519 {
		w.Secret, _, err = signature.NewEd25519Key()
	} else {
		w.Secret, err = signature.NewSecret()
	}
	if err != nil {
		return fmt.Errorf("make webhook secret: %w", err)
	}
	return nil
}

// check validates w's settings, its secret, its URL against the egress
// policy and its exact event names against the catalogue, and reports all
// problems together. Event names that old (the saved webhook) already had
// are not checked again, so deleting an event type does not lock the
// webhooks that subscribe to it.
func (s *Service) check(ctx context.Context, w, old *hookhub.Webhook) error {
	var p hookhub.Problems
	if err := w.Validate(); err != nil {
		fields, ok := fieldsOf(err)
		if !ok {
			return err
		}
		p = append(p, fields...)
	}
	if w.State == hookhub.StateTooManyErrors && (old == nil || old.State != hookhub.StateTooManyErrors) {
		p.Add("state", "must be one of active, stopped")
	}
	s.checkFormat(&p, w, old)
	checkCode(&p, w)
	if w.Format == hookhub.FormatStandard && w.Secret != "" {
		if r := checkSecret(w.SigningScheme, w.Secret); r != "" {
			p.Add("secret", "%s", r)
		}
	}
	if r := listenHostReason(ctx, w, old); r != "" {
		p.Add("url", "%s", r)
	}
	if !hasField(p, "url") && !w.IsScript() { // a script's URL is not used (SuperOffice's crmscript keeps an id there)
		if _, err := s.egress.CheckURL(w.URL); err != nil {
			var e *egress.Error
			if !errors.As(err, &e) {
				return fmt.Errorf("check url: %w", err)
			}
			p.Add("url", "%s", e.Reason)
		}
	}
	cat := s.catalogue(w.TenantID)
	for i, name := range w.Events {
		if hookhub.CheckEventPattern(name) != "" || name == "*" || strings.HasSuffix(name, ".*") {
			continue // a pattern, or already reported by Validate
		}
		if old != nil && slices.Contains(old.Events, name) {
			continue
		}
		ok, err := cat.has(ctx, name)
		if err != nil {
			return err
		}
		if !ok {
			p.Add(fmt.Sprintf("events[%d]", i), "%s", unknownType(name))
		}
	}
	return p.Err()
}

// checkSecret returns a reason when secret is not of the kind scheme needs.
func checkSecret(scheme, secret string) string {
	var err error
	switch scheme {
	case hookhub.SchemeHMAC:
		_, err = signature.ParseSecret(secret)
	case hookhub.SchemeEd25519:
		_, err = signature.ParseSigningKey(secret)
	default:
		return "" // the scheme is reported by Validate
	}
	if err != nil {
		return fmt.Sprintf("does not fit signing scheme %s: %s", scheme, err.Error())
	}
	return ""
}

func hasField(p hookhub.Problems, field string) bool {
	for _, f := range p {
		if f.Field == field {
			return true
		}
	}
	return false
}

// clone copies w deeply enough that a change to the copy leaves w alone.
func clone(w *hookhub.Webhook) *hookhub.Webhook {
	c := *w
	c.Events = slices.Clone(w.Events)
	c.Apps = slices.Clone(w.Apps)
	c.Channels = slices.Clone(w.Channels)
	c.Headers = maps.Clone(w.Headers)
	c.Properties = slices.Clone(w.Properties)
	c.Retry.Schedule = slices.Clone(w.Retry.Schedule)
	c.SuccessCodes = slices.Clone(w.SuccessCodes)
	c.Meta = slices.Clone(w.Meta)
	c.Filter = slices.Clone(w.Filter)
	return &c
}

// keepIdentityAndStats undoes a change's edits to what callers may not set.
func keepIdentityAndStats(w, old *hookhub.Webhook) {
	w.ID, w.TenantID = old.ID, old.TenantID
	w.RegisteredAt, w.RegisteredBy = old.RegisteredAt, old.RegisteredBy
	w.ConsecutiveFailures, w.TotalCalls, w.TotalErrors = old.ConsecutiveFailures, old.TotalCalls, old.TotalErrors
	w.LastError, w.LastTriggeredAt, w.FailingSince = old.LastError, old.LastTriggeredAt, old.FailingSince
}
