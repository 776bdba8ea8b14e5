package service

import (
	"sync"
	"time"

	"github.com/hookhub/hookhub"
)

// TokenCacheTTL is how long Authenticate trusts a token it looked up
// without looking again. A token revoked through this node is refused at
// once; one revoked through another node is refused within this time.
const TokenCacheTTL = 2 * time.Second

// maxCachedTokens bounds the cache; past it, the cache starts afresh.
const maxCachedTokens = 10000

// tokenCache remembers the tokens Authenticate found, by the hash of their
// secret, so that a burst of API calls with one token costs one database
// read, not one per call. Expiry and revocation are still checked on every
// call against the cached token. Its clock is the real one, not the
// service's injected clock: it measures how stale an entry is.
type tokenCache struct {
	mu sync.Mutex
	m  map[string]cachedToken
}

type cachedToken struct {
	token *hookhub.Token
	until time.Time
}

// get returns the cached token, shared: the cache never changes a token
// it holds (put stores a copy, forget drops it), and nor may the caller,
// like any other code that acts with a token. Handing out the cached
// *Token instead of a copy of it saves an allocation of the size of a
// Token on every API request.
func (c *tokenCache) get(hash []byte) (*hookhub.Token, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[string(hash)]
	if !ok || time.Now().After(e.until) {
		return nil, false
	}
	return e.token, true
}

func (c *tokenCache) put(t *hookhub.Token) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedTokens {
		c.m = make(map[string]cachedToken)
	}
	cp := *t
	c.m[string(t.Hash)] = cachedToken{token: &cp, until: time.Now().Add(TokenCacheTTL)}
}

// forget drops the token with this id, after it was revoked.
func (c *tokenCache) forget(id string) {
	c.forgetWhere(func(t *hookhub.Token) bool { return t.ID == id })
}

// forgetTenant drops the tokens of a tenant, after it was disabled or
// deleted.
func (c *tokenCache) forgetTenant(tenantID string) {
	c.forgetWhere(func(t *hookhub.Token) bool { return t.TenantID == tenantID })
}

func (c *tokenCache) forgetWhere(match func(*hookhub.Token) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.m {
		if match(e.token) {
			delete(c.m, k)
		}
	}
}
