package api

import (
	"context"
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
	stream.Middlewares = huma.Middlewares{endless}
	sse.Register(api, stream, map[string]any{"delivery": listen.ListenDelivery{}}, h.streamListen)
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

// session finds the caller's session, checking that the caller may read
// its webhook.
func (h *handlers) session(ctx context.Context, id string) (*listen.Session, error) {
	a := actor(ctx)
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
	s, err := h.session(ctx, in.ID)
	if err != nil {
		_ = send(sse.Message{Comment: "error: " + err.Error()})
		return
	}
	_ = send(sse.Message{Comment: "listening"})
	_ = h.listen.Stream(ctx, s, func(d listen.ListenDelivery) error { return send.Data(d) }, func() error { return send.Comment("ping") })
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
	s, err := h.session(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return nil, h.listen.Answer(s, in.Body)
}

func (h *handlers) closeListen(ctx context.Context, in *SessionParam) (*struct{}, error) {
	s, err := h.session(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	h.listen.Close(s.ID)
	if err := h.svc.DeleteWebhook(ctx, actor(ctx), s.WebhookID); err != nil && hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
		return nil, err
	}
	return nil, nil
}
