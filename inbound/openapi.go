package inbound

import (
	"github.com/danielgtaylor/huma/v2"

	"github.com/hookhub/hookhub/apidoc"
)

// OpenAPI adds the door at /in/{token}, as the handler serves it, to doc.
func OpenAPI(doc *huma.OpenAPI) {
	apidoc.Add(doc, nil, apidoc.Op{
		Method: "POST", Path: "/in/{token}", ID: "inbound-receive", Tag: "inbound",
		Summary: "Receive a platform's webhook",
		Description: "The URL an integration gives its platform (Thiio…): the token in the path is the secret, so no header is needed. " +
			"The request is recorded whatever happens, then read by the integration's kind, which checks the platform's own signature " +
			"and answers as the platform expects. A body larger than the limit is recorded without it and answered 413.",
		Body: []string{"application/json", "application/x-www-form-urlencoded"},
		Responses: map[int]string{
			200: "Received and handled; the body is the kind's answer.", 202: "Received; it will be handled later.",
			400: "The body is not what the kind reads.", 401: "The platform's signature is missing or wrong.",
			404: "No integration has this URL, or it is inactive.", 405: "Only POST is taken.", 413: "The body is too large.",
			501: "This hookhub does not serve the integration's kind.", 503: "The integration could not be looked up; send again later.",
		},
	})
}
