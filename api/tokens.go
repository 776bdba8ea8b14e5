package api

import (
	"context"

	"github.com/hookhub/hookhub"
)

type tokenOut struct{ Body tokenJSON }

func (h *handlers) createToken(ctx context.Context, in *struct{ Body tokenCreateJSON }) (*tokenOut, error) {
	t, secret, err := h.svc.CreateToken(ctx, actor(ctx), in.Body.Name, in.Body.Scopes, in.Body.ExpiresAt)
	if err != nil {
		return nil, err
	}
	out := &tokenOut{Body: toToken(t)}
	out.Body.Token = secret
	return out, nil
}

func (h *handlers) listTokens(ctx context.Context, _ *struct{}) (*struct{ Body listJSON[tokenJSON] }, error) {
	ts, err := h.svc.ListTokens(ctx, actor(ctx))
	if err != nil {
		return nil, err
	}
	return all(ts, toToken), nil
}

func (h *handlers) revokeToken(ctx context.Context, in *struct {
	ID string `path:"id"`
}) (*struct{}, error) {
	return nil, h.svc.RevokeToken(ctx, actor(ctx), in.ID)
}

func (h *handlers) listEventTypes(ctx context.Context, _ *struct{}) (*struct{ Body listJSON[eventTypeJSON] }, error) {
	ts, err := h.svc.ListEventTypes(ctx, actor(ctx))
	if err != nil {
		return nil, err
	}
	return all(ts, toEventType), nil
}

func (h *handlers) putEventType(ctx context.Context, in *struct{ Body eventTypePutJSON }) (*struct{ Body eventTypeJSON }, error) {
	t, err := h.svc.PutEventType(ctx, actor(ctx), &hookhub.EventType{
		Name: in.Body.Name, Description: in.Body.Description, Example: in.Body.Example,
	})
	if err != nil {
		return nil, err
	}
	return &struct{ Body eventTypeJSON }{Body: toEventType(t)}, nil
}

func (h *handlers) deleteEventType(ctx context.Context, in *struct {
	Name string `path:"name"`
}) (*struct{}, error) {
	return nil, h.svc.DeleteEventType(ctx, actor(ctx), in.Name)
}
