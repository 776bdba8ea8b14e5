package filter

import "sync"

// maxCached is how many filters a Cache keeps before it starts again.
const maxCached = 4096

// Cache keeps compiled filters by their source, for callers that read
// filters as text on every use (a store loading a tenant's webhooks on each
// publish). It is safe for concurrent use; the zero value is ready.
type Cache struct {
	mu sync.Mutex
	m  map[string]cached
}

type cached struct {
	f   *Filter
	err error
}

// Compile returns Compile(src), compiling each source once.
func (c *Cache) Compile(src string) (*Filter, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[src]; ok {
		return e.f, e.err
	}
	if c.m == nil || len(c.m) >= maxCached {
		c.m = make(map[string]cached)
	}
	f, err := Compile([]byte(src))
	c.m[src] = cached{f, err}
	return f, err
}
