package api

import (
	"context"
	"time"

	"github.com/hookhub/hookhub"
)

type publishOut struct{ Body publishResultJSON }

func (h *handlers) publish(ctx context.Context, in *struct {
	IdempotencyKey string `header:"Idempotency-Key" doc:"Same as the body's idempotency_key, which wins when both are given."`
	Body           eventPublishJSON
}) (*publishOut, error) {
	if err := h.checkBody(ctx, &in.Body); err != nil {
		return nil, err
	}
	e := in.Body.event()
	if e.IdempotencyKey == "" {
		e.IdempotencyKey = in.IdempotencyKey
	}
	// checkBody passed: the body is valid JSON (json.Valid in
	// decodeQuick, or encoding/json in checkBody), and so is the data in it.
	res, err := h.svc.PublishDecoded(ctx, actor(ctx), e)
	if err != nil {
		return nil, err
	}
	return &publishOut{Body: toPublishResult(res[0])}, nil
}

func (h *handlers) listEvents(ctx context.Context, in *struct {
	Type string `query:"type" doc:"Only events of this type."`
	TimeRange
	PageParams
}) (*struct{ Body listJSON[eventJSON] }, error) {
	f := hookhub.EventFilter{Type: in.Type, Since: in.Since, Until: in.Until, Page: in.page()}
	es, err := h.svc.ListEvents(ctx, actor(ctx), f)
	if err != nil {
		return nil, err
	}
	return pageOf(&in.PageParams, es, eventID, toEvent), nil
}

func (h *handlers) getEvent(ctx context.Context, in *IDParam) (*struct{ Body eventJSON }, error) {
	e, err := h.svc.GetEvent(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &struct{ Body eventJSON }{Body: toEvent(e)}, nil
}

func (h *handlers) listEventDeliveries(ctx context.Context, in *struct {
	IDParam
	PageParams
}) (*struct{ Body listJSON[deliveryJSON] }, error) {
	if _, err := h.svc.GetEvent(ctx, actor(ctx), in.ID); err != nil {
		return nil, err // another tenant's event is not found, not an empty list
	}
	ds, err := h.svc.ListDeliveries(ctx, actor(ctx), hookhub.DeliveryFilter{EventID: in.ID, Page: in.page()})
	if err != nil {
		return nil, err
	}
	return pageOf(&in.PageParams, ds, deliveryID, toDelivery), nil
}

func (h *handlers) listDeliveries(ctx context.Context, in *struct {
	WebhookID int64  `query:"webhook_id"`
	EventID   int64  `query:"event_id"`
	State     string `query:"state" enum:"pending,in_flight,succeeded,failed,held"`
	TimeRange
	PageParams
}) (*struct{ Body listJSON[deliveryJSON] }, error) {
	f := hookhub.DeliveryFilter{
		WebhookID: in.WebhookID, EventID: in.EventID, State: hookhub.DeliveryState(in.State),
		Since: in.Since, Until: in.Until, Page: in.page(),
	}
	ds, err := h.svc.ListDeliveries(ctx, actor(ctx), f)
	if err != nil {
		return nil, err
	}
	return pageOf(&in.PageParams, ds, deliveryID, toDelivery), nil
}

func (h *handlers) getDelivery(ctx context.Context, in *IDParam) (*struct{ Body deliveryJSON }, error) {
	d, err := h.svc.GetDelivery(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &struct{ Body deliveryJSON }{Body: toDelivery(d)}, nil
}

func (h *handlers) listDeliveryAttempts(ctx context.Context, in *struct {
	IDParam
	PageParams
}) (*struct{ Body listJSON[attemptJSON] }, error) {
	if _, err := h.svc.GetDelivery(ctx, actor(ctx), in.ID); err != nil {
		return nil, err
	}
	as, err := h.svc.ListAttempts(ctx, actor(ctx), hookhub.AttemptFilter{DeliveryID: in.ID, Page: in.page()})
	if err != nil {
		return nil, err
	}
	return pageOf(&in.PageParams, as, attemptID, toAttempt), nil
}

func (h *handlers) retryDelivery(ctx context.Context, in *IDParam) (*struct{ Body deliveryJSON }, error) {
	d, err := h.svc.RetryDelivery(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &struct{ Body deliveryJSON }{Body: toDelivery(d)}, nil
}

func (h *handlers) listAttempts(ctx context.Context, in *struct {
	WebhookID  int64 `query:"webhook_id"`
	FailedOnly bool  `query:"failed_only" doc:"Only attempts that failed."`
	TimeRange
	PageParams
}) (*struct{ Body listJSON[attemptJSON] }, error) {
	f := hookhub.AttemptFilter{
		WebhookID: in.WebhookID, FailedOnly: in.FailedOnly, Since: in.Since, Until: in.Until, Page: in.page(),
	}
	as, err := h.svc.ListAttempts(ctx, actor(ctx), f)
	if err != nil {
		return nil, err
	}
	return pageOf(&in.PageParams, as, attemptID, toAttempt), nil
}

func (h *handlers) listMail(ctx context.Context, in *struct{ PageParams }) (*struct{ Body listJSON[mailJSON] }, error) {
	ms, err := h.svc.ListMail(ctx, actor(ctx), in.page())
	if err != nil {
		return nil, err
	}
	return pageOf(&in.PageParams, ms, mailID, toMail), nil
}

func (h *handlers) stats(ctx context.Context, in *struct {
	Since time.Time `query:"since" doc:"Count deliveries updated since this time (RFC 3339); the last 24 hours when absent."`
}) (*struct{ Body statsJSON }, error) {
	st, err := h.svc.Stats(ctx, actor(ctx), in.Since)
	if err != nil {
		return nil, err
	}
	return &struct{ Body statsJSON }{Body: statsJSON{
		Succeeded: st.Succeeded, Failed: st.Failed, Pending: st.Pending, Held: st.Held,
		InFlight: st.InFlight, QueueDepth: st.QueueDepth,
	}}, nil
}
