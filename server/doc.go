// Package server assembles hookhub: it opens the store named by the
// configuration, builds the service, the delivery engine, the mail queue, the
// inbound worker, the outbox of SMS and wallet updates and the upkeep loop,
// mounts every HTTP surface on one mux (the native API and its OpenAPI
// document, the SuperOffice, SalesIQ and Tilby APIs, the integrations' URLs
// at /in/, CRM360's QueueProcess, health and metrics, and the console at
// /), and runs them until it is told to stop, stopping them in order.
//
// The products hookhub speaks are one table (products.go): each adapter
// exports what it adds as values (its hookhub.Product, wire format, rules,
// inbound kinds), and the server hands them to the service, the engine and
// the door at /in/ as configuration. Nothing registers itself at init.
// Each product also describes its API's operations, which openapi.go adds
// to the one OpenAPI document with the doors' and the operator's.
//
// metrics.go holds what /metrics shows besides the engine's figures: HTTP
// requests by route, inbound requests by kind, and the queues read from the
// database at each scrape.
package server
