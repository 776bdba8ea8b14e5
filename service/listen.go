package service

import (
	"context"
	"net/url"
	"time"

	"github.com/hookhub/hookhub"
)

// listenKey marks the context of CreateListenWebhook, the one create that
// may use hookhub.ListenHost.
type listenKey struct{}

// CreateListenWebhook makes the temporary webhook of a listening session
// ("hookhub listen"): its URL is the session's on hookhub.ListenHost, its
// retries are short because a developer is waiting.
func (s *Service) CreateListenWebhook(ctx context.Context, actor *hookhub.Token, session string, events []string) (*hookhub.Webhook, error) {
	name := session
	if len(name) > 6 {
		name = name[:6]
	}
	ctx = context.WithValue(ctx, listenKey{}, hookhub.ListenURL(session))
	return s.CreateWebhook(ctx, actor, &hookhub.Webhook{
		Name: "hookhub listen " + name + " (temporary)", URL: hookhub.ListenURL(session), Events: events,
		Retry: hookhub.RetryPolicy{Schedule: []time.Duration{0, 5 * time.Second, 30 * time.Second}},
	})
}

// listenHostReason says why w may not have its URL on hookhub.ListenHost,
// or "" when it may: a session's own webhook, made or kept.
func listenHostReason(ctx context.Context, w, old *hookhub.Webhook) string {
	u, err := url.Parse(w.URL)
	if err != nil || u.Hostname() != hookhub.ListenHost {
		return ""
	}
	if made, _ := ctx.Value(listenKey{}).(string); made == w.URL {
		return ""
	}
	if old != nil && old.URL == w.URL {
		return ""
	}
	return "url host " + hookhub.ListenHost + " is reserved for the sessions of hookhub listen"
}
