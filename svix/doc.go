// Package svix is hookhub's Svix surface: Svix's API under /api/v1
// (applications, event types, endpoints, messages, message attempts and
// app-portal access) with Svix's field names, error shape, iterator
// pagination and Idempotency-Key, so that Svix's own SDKs work against
// hookhub with their server URL pointed at it; and the "svix" wire format,
// the message payload as the body signed in svix-id, svix-timestamp and
// svix-signature (the Standard Webhooks scheme under Svix's header names).
//
// The package only translates. An application is a hookhub.Application;
// an endpoint is a webhook of the svix format limited to its application
// (Webhook.Apps); a message is an event of that application's id
// (Event.AppID); a message attempt is an attempt. docs/svix.md is the
// user's guide.
package svix
