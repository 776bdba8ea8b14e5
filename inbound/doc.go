// Package inbound is hookhub's door for other platforms' webhooks: POST
// /in/{token}, the URL of an integration. It finds the integration by the
// token in the path (404 when none has it), reads the body within the
// limit, lets the integration's Kind check and decode it, stores every
// request that reached an integration (headers, body, time, outcome)
// before answering it, has the Kind make the CRM records, and answers in
// the Kind's format. A Kind is registered at init by the package of its
// product (package thiio for "thiio"), which also puts it in the catalogue
// of integration kinds. docs/inbound.md is the guide.
package inbound
