// Package client is a Go client of hookhub's native API (/v1): webhooks,
// events, deliveries and their attempts, API tokens, event types, and,
// with an admin token, tenants. It is what the hookhub command's client
// commands are built on, and other Go programs may use it the same way:
//
//	c := client.New("http://127.0.0.1:8080", os.Getenv("HOOKHUB_TOKEN"))
//	w, err := c.CreateWebhook(ctx, client.WebhookCreate{URL: "https://example.com/hook", Events: []string{"contact.*"}})
//
// Every method sends one request. An answer that is not a success is
// returned as an *Error carrying the API's problem details (RFC 9457,
// application/problem+json): its status, its detail and the fields at
// fault. Lists that page return a Page whose NextCursor, passed back in
// ListOptions.Cursor, gives the next page.
//
// OpenListen, StreamListen, AnswerListen and CloseListen are a listening
// session ("hookhub listen"): a temporary webhook whose deliveries come to
// this client over a stream it opened (Server-Sent Events), for local
// development behind NAT.
package client
