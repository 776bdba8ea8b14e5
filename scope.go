package hookhub

import "strings"

// scopeAliases maps other products' names of scopes, in lower case, onto
// native scopes. Adapters add theirs at init with RegisterScopeAlias.
var scopeAliases = map[string]Scope{}

// RegisterScopeAlias lets name, in any case, stand for the native scope s
// wherever a caller names scopes (SalesIQ's "SalesIQ.webhooks.READ" for
// ScopeWebhooksRead). Tokens store the native scope. Call it from an init
// function only.
func RegisterScopeAlias(name string, s Scope) {
	scopeAliases[strings.ToLower(name)] = s
}

// ParseScope returns the native scope a name stands for: the name itself
// when it is a native scope, else the scope it is an alias of. It reports
// false for any other name.
func ParseScope(name string) (Scope, bool) {
	if ValidScope(Scope(name)) {
		return Scope(name), true
	}
	s, ok := scopeAliases[strings.ToLower(name)]
	return s, ok
}
