// Package apidoc adds to hookhub's OpenAPI document the surfaces that huma
// does not serve: the product APIs (SalesIQ, SuperOffice, Tilby), the
// inbound doors (/in/{token}, CRM360's QueueProcess) and the operator's
// endpoints. Each surface describes its own operations with an Op, beside
// its routes; the server puts them into the one document that the native
// API serves at /openapi.json.
package apidoc
