// Package service holds hookhub's use cases over the store: who may do what
// (every method takes the acting token and checks its scope and tenant), the
// rules that need the database (the event type catalogue, the egress policy
// on target URLs, secrets made on creation and rotation), and the group
// commit that gathers concurrent publishers into one transaction. Every API
// adapter — the native /v1 API and each product's shape — calls this
// package, so they all apply the same rules.
package service
