// Package tilby is hookhub's Tilby surface, for point-of-sale integrators
// who follow Tilby's webhook documentation: the management API at
// /v2/webhooks (a shop is a tenant, authenticated by its static token),
// with one webhook per entity and event type, the SUBSCRIBED handshake
// before a webhook is saved, and no updates (delete and create again); the
// "tilby" wire format for deliveries, including import batches; and
// Tilby's entities and events in the catalogue. Delivery rules (only HTTP
// 200 succeeds, 3 retries 15 minutes apart, an e-mail for every failed try
// and a final one at the retry limit) are settings of the core webhook that this
// package chooses. docs/tilby.md is the user's guide.
package tilby
