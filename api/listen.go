package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/danielgtaylor/huma/v2/sse"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/listen"
)

// The listening sessions of "hookhub listen" (package listen): a temporary
// webhook whose deliveries stream to the developer's machine.

// listenRoutes registers /v1/listen….
func (h *handlers) listenRoutes(api huma.API) {
	route(api, h, h.op("POST /v1/listen", "open-listen", "Open a listening session: a temporary webhook streamed to the caller", 201), h.openListen)
	stream := h.op("GET /v1/listen/{id}/stream", "stream-listen", "Stream a listening session's deliveries (Server-Sent Events)", 200)
	stream.Middlewares = huma.Middlewares{needScope(api, hookhub.ScopeWebhooksRead), endless}
	sse.Register(api, stream, map[string]any{"delivery": listen.ListenDelivery{}}, h.streamListen)
	// huma describes the stream as a oneOf of event objects whose "event"
	// is a const, which OpenAPI 3.0 (the /openapi-3.0.json form) cannot
	// say: describe it as the text it is, and name the data's schema.
	if p := api.OpenAPI().Paths[stream.Path]; p != nil && p.Get != nil {
		if r := p.Get.Responses["200"]; r != nil && r.Content["text/event-stream"] != nil {
			r.Content["text/event-stream"].Schema = &huma.Schema{Type: huma.TypeString,
				Description: "Server-Sent Events: each delivery is an event named delivery whose data is a ListenDelivery as JSON; comments keep the stream alive."}
		}
	}
	route(api, h, h.op("POST /v1/listen/{id}/replies", "answer-listen", "Answer a streamed delivery with the local server's status", 204), h.answerListen)
	route(api, h, h.op("DELETE /v1/listen/{id}", "close-listen", "Close a listening session and delete its webhook", 204), h.closeListen)
}

type listenOpenJSON struct {
	Events []string `json:"events" doc:"Event types, prefixes (contact.*) or *."`
}

type listenJSON struct {
	SessionID string `json:"session_id"`
	WebhookID int64  `json:"webhook_id" doc:"The temporary webhook, listed with the others while the session lasts."`
	Secret    string `json:"secret" doc:"The webhook's signing secret, to verify the forwarded requests."`
}

// SessionParam is a listening session's id in a path (exported for huma).
type SessionParam struct {
	ID string `path:"id"`
}

func (h *handlers) openListen(ctx context.Context, in *struct{ Body listenOpenJSON }) (*struct{ Body listenJSON }, error) {
	id := hookhub.RandomString(12)
	a := actor(ctx)
	w, err := h.svc.CreateListenWebhook(ctx, a, id, in.Body.Events)
	if err != nil {
		return nil, err
	}
	h.listen.Open(id, a.TenantID, w.ID, a)
	return &struct{ Body listenJSON }{Body: listenJSON{SessionID: id, WebhookID: w.ID, Secret: w.Secret}}, nil
}

// session finds the caller's session, checking first that the caller's
// token has scope (so that a token without it learns nothing of sessions),
// then that it may read the session's webhook.
func (h *handlers) session(ctx context.Context, id string, scope hookhub.Scope) (*listen.Session, error) {
	a := actor(ctx)
	if !a.Has(scope) {
		return nil, hookhub.Errorf(hookhub.EFORBIDDEN, "this token lacks the %s scope", scope)
	}
	s, ok := h.listen.Get(a.TenantID, id)
	if !ok {
		return nil, hookhub.Errorf(hookhub.ENOTFOUND, "listening session %s not found on this node", id)
	}
	if _, err := h.svc.GetWebhook(ctx, a, s.WebhookID); err != nil {
		return nil, err
	}
	return s, nil
}

func (h *handlers) streamListen(ctx context.Context, in *SessionParam, send sse.Sender) {
	s, err := h.session(ctx, in.ID, hookhub.ScopeWebhooksRead)
	if err != nil {
		_ = send(sse.Message{Comment: "error: " + err.Error()})
		return
	}
	_ = send(sse.Message{Comment: "listening"})
	_ = h.listen.Stream(ctx, s, func(d listen.ListenDelivery) error { return send.Data(d) }, func() error { return send.Comment("ping") })
}

// needScope refuses a token without scope with 403 before a stream starts
// (once it has, its status is 200 and only a comment can say what failed).
func needScope(api huma.API, scope hookhub.Scope) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		if a := actor(ctx.Context()); a == nil || !a.Has(scope) {
			_ = huma.WriteErr(api, ctx, http.StatusForbidden, fmt.Sprintf("this token lacks the %s scope", scope))
			return
		}
		next(ctx)
	}
}

// endless lifts the server's write timeout from a stream, which lasts as
// long as its listener; pings notice a listener that is gone.
func endless(ctx huma.Context, next func(huma.Context)) {
	_, w := humago.Unwrap(ctx)
	_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
	next(ctx)
}

func (h *handlers) answerListen(ctx context.Context, in *struct {
	SessionParam
	Body listen.ListenReply
}) (*struct{}, error) {
	s, err := h.session(ctx, in.ID, hookhub.ScopeWebhooksCreate) // as the session's opener holds

	if err != nil {
		return nil, err
	}
	return nil, h.listen.Answer(s, in.Body)
}

func (h *handlers) closeListen(ctx context.Context, in *SessionParam) (*struct{}, error) {
	s, err := h.session(ctx, in.ID, hookhub.ScopeWebhooksDelete)
	if err != nil {
		return nil, err
	}
	h.listen.Close(s.ID)
	if err := h.svc.DeleteWebhook(ctx, actor(ctx), s.WebhookID); err != nil && hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
		return nil, err
	}
	return nil, nil
}
