package api

import (
	"context"
	"time"

	"github.com/hookhub/hookhub"
)

type webhookOut struct{ Body webhookJSON }

func (h *handlers) createWebhook(ctx context.Context, in *struct{ Body webhookCreateJSON }) (*webhookOut, error) {
	w, err := h.svc.CreateWebhook(ctx, actor(ctx), in.Body.webhook())
	if err != nil {
		return nil, err
	}
	return &webhookOut{Body: toWebhook(w, true)}, nil
}

func (h *handlers) listWebhooks(ctx context.Context, in *struct {
	Name  string `query:"name" doc:"Only webhooks whose name contains this, in any case."`
	Event string `query:"event" doc:"Only webhooks subscribed to this event type."`
	State string `query:"state" enum:"active,stopped,too_many_errors"`
}) (*struct{ Body listJSON[webhookJSON] }, error) {
	f := hookhub.WebhookFilter{Name: in.Name, Event: in.Event, State: hookhub.WebhookState(in.State)}
	ws, err := h.svc.ListWebhooks(ctx, actor(ctx), f)
	if err != nil {
		return nil, err
	}
	return all(ws, func(w *hookhub.Webhook) webhookJSON { return toWebhook(w, false) }), nil
}

func (h *handlers) getWebhook(ctx context.Context, in *IDParam) (*webhookOut, error) {
	w, err := h.svc.GetWebhook(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &webhookOut{Body: toWebhook(w, false)}, nil
}

func (h *handlers) updateWebhook(ctx context.Context, in *struct {
	IDParam
	Body webhookPatchJSON
}) (*webhookOut, error) {
	var oldSecret string
	w, err := h.svc.UpdateWebhook(ctx, actor(ctx), in.ID, func(w *hookhub.Webhook) error {
		oldSecret = w.Secret
		in.Body.apply(w)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &webhookOut{Body: toWebhook(w, w.Secret != oldSecret)}, nil
}

func (h *handlers) deleteWebhook(ctx context.Context, in *IDParam) (*struct{}, error) {
	return nil, h.svc.DeleteWebhook(ctx, actor(ctx), in.ID)
}

func (h *handlers) rotateSecret(ctx context.Context, in *struct {
	IDParam
	Body *rotateJSON
}) (*webhookOut, error) {
	var grace time.Duration // zero: the service's default
	if in.Body != nil && in.Body.GraceSeconds != nil {
		grace = time.Duration(*in.Body.GraceSeconds) * time.Second
		if grace == 0 {
			grace = -1 // the service's "at once"
		}
	}
	w, _, err := h.svc.RotateSecret(ctx, actor(ctx), in.ID, grace)
	if err != nil {
		return nil, err
	}
	return &webhookOut{Body: toWebhook(w, true)}, nil
}

func (h *handlers) testWebhook(ctx context.Context, in *IDParam) (*publishOut, error) {
	res, err := h.svc.SendTest(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &publishOut{Body: toPublishResult(res)}, nil
}

func (h *handlers) recoverWebhook(ctx context.Context, in *struct {
	IDParam
	Body recoverJSON
}) (*struct{ Body recoveredJSON }, error) {
	n, err := h.svc.RecoverDeliveries(ctx, actor(ctx), in.ID, in.Body.Since)
	if err != nil {
		return nil, err
	}
	return &struct{ Body recoveredJSON }{Body: recoveredJSON{Recovered: n}}, nil
}
