package server

import (
	"github.com/danielgtaylor/huma/v2"

	"github.com/hookhub/hookhub/apidoc"
	"github.com/hookhub/hookhub/inbound"
)

// describe adds to the native API's OpenAPI document every surface that
// huma does not serve: each product's, the doors at /in/ and QueueProcess,
// and the operator's endpoints. Each surface describes its own paths.
func describe(doc *huma.OpenAPI) {
	for _, p := range products {
		if p.openapi != nil {
			p.openapi(doc)
		}
	}
	inbound.OpenAPI(doc)
	text := "text/plain"
	apidoc.Add(doc, nil,
		apidoc.Op{Method: "GET", Path: "/healthz", ID: "healthz", Tag: "operator", Summary: "Is the process up",
			Description: "Answers 200 while the process serves HTTP, whatever the database: for a liveness probe.",
			Produces:    text, Responses: map[int]string{200: "ok"}},
		apidoc.Op{Method: "GET", Path: "/readyz", ID: "readyz", Tag: "operator", Summary: "Can the node take work",
			Description: "Answers 200 when the database answers a ping and takes writes and the delivery workers run, 503 (with Retry-After) saying which is not: for a readiness probe. " +
				"After a storage fault (disk full, read-only, connection lost) it writes to the database on each call and answers 503 until a write passes again.",
			Produces: text, Responses: map[int]string{200: "ready", 503: "The database is unreachable or does not take writes, or the delivery workers are not running."}},
		apidoc.Op{Method: "GET", Path: "/metrics", ID: "metrics", Tag: "operator", Summary: "Prometheus metrics",
			Description: "The node's metrics in Prometheus' text format: queue depths and lag, attempts, HTTP requests, inbound requests, the mail and outbox queues, webhooks by state. " +
				"The figures read from the database are the whole cluster's.",
			Produces: "text/plain; version=0.0.4", Responses: map[int]string{200: "The metrics."}},
	)
}
