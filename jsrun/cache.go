package jsrun

import "sync"

// maxCached is how many programs a Cache keeps before it starts again.
const maxCached = 1024

// Cache keeps compiled programs by their source, for callers that hold
// sources as text (a webhook's transform, read with each delivery). It is
// safe for concurrent use; the zero value is ready.
type Cache struct {
	mu sync.Mutex
	m  map[cacheKey]cached
}

type cacheKey struct{ name, src, entry string }

type cached struct {
	p   *Program
	err error
}

// Compile returns Compile(name, src, entry), compiling each source once.
func (c *Cache) Compile(name, src, entry string) (*Program, error) {
	k := cacheKey{name, src, entry}
	c.mu.Lock()
	e, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return e.p, e.err
	}
	p, err := Compile(name, src, entry) // outside the lock: compiling takes a while
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCached {
		c.m = make(map[cacheKey]cached)
	}
	c.m[k] = cached{p, err}
	return p, err
}
