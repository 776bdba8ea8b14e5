package hookhub

import (
	"slices"
	"strings"
)

// Product is what one product adds to hookhub's vocabulary: its event
// types, its names for scopes and its kinds of integration. Each adapter
// exports its own (salesiq.Product, thiio.Product, …); the server puts the
// products it serves into one Catalog. Nothing registers itself: a
// hookhub, or a test, knows exactly the products it was given.
type Product struct {
	Name string // as people name it ("Zoho SalesIQ")
	// EventTypes join the catalogue. A type the catalogue has already
	// keeps its description, and takes this one's example when it has
	// none.
	EventTypes []EventType
	// ScopeAliases are the product's names of native scopes
	// ("SalesIQ.webhooks.READ"), matched in any case.
	ScopeAliases map[string]Scope
	// IntegrationKinds are the kinds of integration the product receives
	// requests for.
	IntegrationKinds []IntegrationKind
}

// Catalog is the vocabulary of one hookhub: the built-in event types with
// those of its products, scope aliases and integration kinds. It does not
// change once made, and is safe for concurrent use. A nil *Catalog is the
// built-in catalogue alone.
type Catalog struct {
	eventTypes []EventType
	scopes     map[string]Scope
	kinds      []IntegrationKind // by name
}

// NewCatalog returns the catalogue of the built-in event types and the
// given products, in order. An integration kind named twice is the last
// product's.
func NewCatalog(products ...Product) *Catalog {
	c := &Catalog{eventTypes: slices.Clone(builtin), scopes: map[string]Scope{}}
	for _, p := range products {
		for _, t := range p.EventTypes {
			i := slices.IndexFunc(c.eventTypes, func(e EventType) bool { return e.Name == t.Name })
			switch {
			case i < 0:
				c.eventTypes = append(c.eventTypes, t)
			case c.eventTypes[i].Example == nil:
				c.eventTypes[i].Example = t.Example
			}
		}
		for name, s := range p.ScopeAliases {
			c.scopes[strings.ToLower(name)] = s
		}
		for _, k := range p.IntegrationKinds {
			c.kinds = slices.DeleteFunc(c.kinds, func(o IntegrationKind) bool { return o.Name == k.Name })
			c.kinds = append(c.kinds, k)
		}
	}
	slices.SortFunc(c.kinds, func(a, b IntegrationKind) int { return strings.Compare(a.Name, b.Name) })
	return c
}

var builtinCatalog = NewCatalog()

func (c *Catalog) orBuiltin() *Catalog {
	if c == nil {
		return builtinCatalog
	}
	return c
}

// EventTypes returns a copy of the catalogue's event types.
func (c *Catalog) EventTypes() []EventType { return slices.Clone(c.orBuiltin().eventTypes) }

// IsBuiltinEventType reports whether name is one of the catalogue's event
// types (not a tenant's own).
func (c *Catalog) IsBuiltinEventType(name string) bool {
	return slices.ContainsFunc(c.orBuiltin().eventTypes, func(e EventType) bool { return e.Name == name })
}

// ParseScope returns the native scope a name stands for: the name itself
// when it is a native scope, else the scope it is a product's alias of. It
// reports false for any other name.
func (c *Catalog) ParseScope(name string) (Scope, bool) {
	if ValidScope(Scope(name)) {
		return Scope(name), true
	}
	s, ok := c.orBuiltin().scopes[strings.ToLower(name)]
	return s, ok
}

// IntegrationKinds returns a copy of the catalogue's integration kinds, by
// name.
func (c *Catalog) IntegrationKinds() []IntegrationKind { return slices.Clone(c.orBuiltin().kinds) }

// IntegrationKind finds an integration kind by name.
func (c *Catalog) IntegrationKind(name string) (IntegrationKind, bool) {
	for _, k := range c.orBuiltin().kinds {
		if k.Name == name {
			return k, true
		}
	}
	return IntegrationKind{}, false
}

// CheckIntegrationKind returns a reason when kind is not one of the
// catalogue's integration kinds, naming those it has.
func (c *Catalog) CheckIntegrationKind(kind string) string {
	if _, ok := c.IntegrationKind(kind); ok {
		return ""
	}
	names := make([]string, 0, len(c.orBuiltin().kinds))
	for _, k := range c.orBuiltin().kinds {
		names = append(names, k.Name)
	}
	if kind == "" {
		return "is required; one of " + strings.Join(names, ", ")
	}
	return "unknown integration kind \"" + kind + "\"; one of " + strings.Join(names, ", ")
}
