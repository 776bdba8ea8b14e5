// Package api is hookhub's native HTTP API: the /v1 JSON routes over the
// service package, described by an OpenAPI 3.1 document at /openapi.json,
// authenticated with bearer API tokens, and answering errors as RFC 9457
// problem details (application/problem+json). It is built with huma on the
// standard library's ServeMux. Handlers only decode, call the service and
// encode; the JSON shapes and their conversions live in one file per
// resource (webhooks_json.go, events_json.go, …; what they share in
// convert.go), error rendering in problem.go and the route table in
// api.go.
package api
