// Package superoffice is hookhub's SuperOffice surface: the Webhook agent
// (/api/v1/Agents/Webhook/SaveWebhook and its siblings) and the REST
// resource /api/v1/Webhook, with SuperOffice's PascalCase Webhook object in
// JSON or XML, Basic or Bearer authentication with a hookhub token, and
// SuperOffice's error shape; and the "superoffice" wire format, the
// WebhookPayload signed with HMAC-SHA256 in X-SuperOffice-Signature. A
// SuperOffice webhook is a core webhook of that format; the package only
// translates. docs/superoffice.md is the user's guide.
package superoffice
