package delivery

import (
	"sync"

	"github.com/hookhub/hookhub"
)

// webhookCache keeps the webhooks the engine loaded, so that a delivery a
// publish leased to this node, which names the webhook's version the
// publish saw, is sent without reading the webhook again. A copy is used
// only for that exact version: every change of a webhook's settings or
// state counts a version, so a change is never missed. Claims found by
// polling name no version and always read the webhook.
type webhookCache struct {
	mu sync.Mutex
	m  map[int64]*hookhub.Webhook
}

// maxCachedWebhooks bounds the cache; past it, it starts again empty.
const maxCachedWebhooks = 10000

func (c *webhookCache) get(id, version int64) (*hookhub.Webhook, bool) {
	if version == 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	w, ok := c.m[id]
	if !ok || w.Version != version {
		return nil, false
	}
	return w, true
}

func (c *webhookCache) put(w *hookhub.Webhook) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedWebhooks {
		c.m = make(map[int64]*hookhub.Webhook)
	}
	if old, ok := c.m[w.ID]; !ok || old.Version <= w.Version {
		c.m[w.ID] = w
	}
}
