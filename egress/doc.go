// Package egress makes outbound HTTP requests to webhook receivers safe to
// send on behalf of tenants: it checks a target URL when a webhook is
// registered (scheme, host, no credentials, no literal private addresses),
// and it provides a dialer, transport and client for delivery that refuse to
// connect to loopback, private, link-local and other non-public addresses at
// the moment of connecting, after DNS resolution, so that a name that later
// resolves to an internal address (DNS rebinding) is still refused. Policy's
// AllowPrivate switches the address checks off for tests and self-hosted
// setups that deliver to their own network.
package egress
