// Package signature signs and verifies webhooks the Standard Webhooks way
// (https://www.standardwebhooks.com): it makes and parses the secrets
// (whsec_ for HMAC-SHA256, whsk_/whpk_ for ed25519), computes the
// webhook-signature header over "{msg_id}.{timestamp}.{body}" with one or
// more keys so that secrets can be rotated without downtime, sets the
// webhook-id, webhook-timestamp and webhook-signature headers, and verifies
// them with constant-time comparison and a timestamp tolerance. Signing is on
// the delivery hot path, so a Signer keeps its per-key state pooled and
// allocates only the header string it returns.
package signature
