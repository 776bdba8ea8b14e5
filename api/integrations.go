package api

import (
	"context"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/hookhub/hookhub"
)

// integrationRoutes are the routes of integrations (inbound sources with
// their own URLs), their requests, and the catalogue of their kinds.
func (h *handlers) integrationRoutes(api huma.API) {
	route(api, h, h.op("GET /v1/integration-kinds", "list-integration-kinds", "List the kinds of integration", 200), h.listIntegrationKinds)
	route(api, h, h.op("POST /v1/integrations", "create-integration", "Add an integration, with the URL a platform posts its webhooks to", 201), h.createIntegration)
	route(api, h, h.op("GET /v1/integrations", "list-integrations", "List integrations", 200), h.listIntegrations)
	route(api, h, h.op("GET /v1/integrations/{id}", "get-integration", "Get an integration", 200), h.getIntegration)
	route(api, h, h.op("PATCH /v1/integrations/{id}", "update-integration", "Rename, activate or deactivate an integration", 200), h.updateIntegration)
	route(api, h, h.op("DELETE /v1/integrations/{id}", "delete-integration", "Delete an integration and its requests", 204), h.deleteIntegration)
	route(api, h, h.op("POST /v1/integrations/{id}/rotate-url", "rotate-integration-url", "Give an integration a new URL; the old one stops working", 200), h.rotateIntegrationURL)
	route(api, h, h.op("GET /v1/integrations/{id}/requests", "list-integration-requests", "List the requests an integration received", 200), h.listIntegrationRequests)
}

type integrationKindJSON struct {
	Kind        string `json:"kind" doc:"The name to create integrations with (thiio)."`
	Title       string `json:"title"`
	Description string `json:"description"`
}

func (h *handlers) listIntegrationKinds(ctx context.Context, in *struct {
	Q string `query:"q" doc:"Only kinds whose name, title or description holds this, in any case."`
}) (*struct{ Body listJSON[integrationKindJSON] }, error) {
	ks, err := h.svc.IntegrationKinds(ctx, actor(ctx), in.Q)
	if err != nil {
		return nil, err
	}
	return all(ks, func(k hookhub.IntegrationKind) integrationKindJSON {
		return integrationKindJSON{Kind: k.Name, Title: k.Title, Description: k.Description}
	}), nil
}

type integrationCreateJSON struct {
	Kind   string `json:"kind" doc:"A kind of GET /v1/integration-kinds, such as thiio."`
	Name   string `json:"name" maxLength:"255" doc:"How you tell this integration from the others."`
	Active *bool  `json:"active,omitempty" doc:"Whether its URL takes requests; true when absent."`
}

type integrationPatchJSON struct {
	Name   *string `json:"name,omitempty" maxLength:"255"`
	Active *bool   `json:"active,omitempty" doc:"false refuses the requests sent to its URL (each still recorded); true takes them again."`
}

type integrationJSON struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	Name      string    `json:"name"`
	Active    bool      `json:"active"`
	URL       string    `json:"url" doc:"Where the platform posts its webhooks. It holds a secret: whoever knows it may post. POST …/rotate-url replaces it."`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by" doc:"The id of the token that made it."`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

func (h *handlers) toIntegration(in *hookhub.Integration) integrationJSON {
	return integrationJSON{
		ID: in.ID, Kind: in.Kind, Name: in.Name, Active: in.Active, URL: h.svc.IntegrationURL(in),
		CreatedAt: in.CreatedAt, CreatedBy: in.CreatedBy, UpdatedAt: in.UpdatedAt, UpdatedBy: in.UpdatedBy,
	}
}

type integrationOut struct{ Body integrationJSON }

func (h *handlers) createIntegration(ctx context.Context, in *struct{ Body integrationCreateJSON }) (*integrationOut, error) {
	active := in.Body.Active == nil || *in.Body.Active
	it, err := h.svc.CreateIntegration(ctx, actor(ctx), &hookhub.Integration{Kind: in.Body.Kind, Name: in.Body.Name, Active: active})
	if err != nil {
		return nil, err
	}
	return &integrationOut{Body: h.toIntegration(it)}, nil
}

func (h *handlers) listIntegrations(ctx context.Context, in *struct {
	Kind   string `query:"kind" doc:"Only integrations of this kind."`
	Name   string `query:"name" doc:"Only integrations whose name holds this, in any case."`
	Active string `query:"active" enum:"true,false" doc:"Only active (true) or deactivated (false) integrations."`
}) (*struct{ Body listJSON[integrationJSON] }, error) {
	f := hookhub.IntegrationFilter{Kind: in.Kind, Name: in.Name}
	if in.Active != "" {
		active := in.Active == "true"
		f.Active = &active
	}
	list, err := h.svc.ListIntegrations(ctx, actor(ctx), f)
	if err != nil {
		return nil, err
	}
	return all(list, h.toIntegration), nil
}

func (h *handlers) getIntegration(ctx context.Context, in *IDParam) (*integrationOut, error) {
	it, err := h.svc.GetIntegration(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &integrationOut{Body: h.toIntegration(it)}, nil
}

func (h *handlers) updateIntegration(ctx context.Context, in *struct {
	IDParam
	Body integrationPatchJSON
}) (*integrationOut, error) {
	it, err := h.svc.UpdateIntegration(ctx, actor(ctx), in.ID, func(it *hookhub.Integration) error {
		if in.Body.Name != nil {
			it.Name = *in.Body.Name
		}
		if in.Body.Active != nil {
			it.Active = *in.Body.Active
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &integrationOut{Body: h.toIntegration(it)}, nil
}

func (h *handlers) deleteIntegration(ctx context.Context, in *IDParam) (*struct{}, error) {
	return nil, h.svc.DeleteIntegration(ctx, actor(ctx), in.ID)
}

func (h *handlers) rotateIntegrationURL(ctx context.Context, in *IDParam) (*integrationOut, error) {
	it, err := h.svc.RotateIntegrationURL(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &integrationOut{Body: h.toIntegration(it)}, nil
}

type inboundRequestJSON struct {
	ID            int64             `json:"id"`
	IntegrationID int64             `json:"integration_id"`
	ReceivedAt    time.Time         `json:"received_at"`
	Method        string            `json:"method"`
	Query         string            `json:"query" doc:"The query string of the URL it was sent to."`
	Headers       map[string]string `json:"headers"`
	Body          string            `json:"body" doc:"Empty when it was over the size limit."`
	BodyEncoding  string            `json:"body_encoding,omitempty" enum:"base64" doc:"base64 when the body is not UTF-8 text."`
	RemoteAddr    string            `json:"remote_addr"`
	Entity        string            `json:"entity" doc:"What it is about, as its kind reads it (a Thiio event: order or customer)."`
	Action        string            `json:"action"`
	Status        string            `json:"status" enum:"queued,processing,done,failed" doc:"done: its records were written; failed: refused or not processed, reason says why."`
	Reason        string            `json:"reason" doc:"Why it failed, in the words its sender got."`
	Answer        int               `json:"answer" doc:"The HTTP status its sender got; 0 before it was answered."`
	Attempts      int               `json:"attempts" doc:"Processing tries."`
	NextAttemptAt *time.Time        `json:"next_attempt_at" doc:"When a queued request is processed."`
	UpdatedAt     time.Time         `json:"updated_at" doc:"When its status last changed."`
}

func toInboundRequest(m *hookhub.InboundMessage) inboundRequestJSON {
	out := inboundRequestJSON{
		ID: m.ID, IntegrationID: m.IntegrationID, ReceivedAt: m.ReceivedAt, Method: m.Method, Query: m.Query,
		Headers: flatten(m.Header), RemoteAddr: m.RemoteAddr, Entity: m.Entity, Action: m.Action,
		Status: string(m.Status), Reason: m.Reason, Answer: m.Answer, Attempts: m.Attempts, UpdatedAt: m.UpdatedAt,
	}
	out.Body, out.BodyEncoding = text(m.Body)
	if m.Status == hookhub.InboundQueued {
		out.NextAttemptAt = timeOrNil(m.RunAt)
	}
	return out
}

func inboundRequestID(m *hookhub.InboundMessage) int64 { return m.ID }

func (h *handlers) listIntegrationRequests(ctx context.Context, in *struct {
	IDParam
	Status string `query:"status" enum:"queued,processing,done,failed"`
	TimeRange
	PageParams
}) (*struct{ Body listJSON[inboundRequestJSON] }, error) {
	f := hookhub.InboundFilter{Status: hookhub.InboundStatus(in.Status), Since: in.Since, Until: in.Until, Page: in.page()}
	msgs, err := h.svc.ListInboundMessages(ctx, actor(ctx), in.ID, f)
	if err != nil {
		return nil, err
	}
	return pageOf(&in.PageParams, msgs, inboundRequestID, toInboundRequest), nil
}
