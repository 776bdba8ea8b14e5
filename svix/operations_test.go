package svix_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	svixsdk "github.com/svix/svix-webhooks/go"
)

// TestEndpointOperations drives the endpoint's operations through the SDK:
// stats, recover of failed messages, send-example, and the lists of a
// message's destinations and an endpoint's messages.
func TestEndpointOperations(t *testing.T) {
	t.Parallel()
	onEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		rcv := newReceiver(t)
		rcv.answer(http.StatusServiceUnavailable)
		app := must[*svixsdk.ApplicationOut](t, "app")(e.sdk.Application.Create(ctx, &svixsdk.ApplicationIn{Name: "A"}))
		schemas := map[string]any{"1": map[string]any{"type": "object", "examples": []any{
			map[string]any{"invoice": "example-0"}, map[string]any{"invoice": "example-1"}}}}
		must[*svixsdk.EventTypeOut](t, "event type")(e.sdk.EventType.Create(ctx, &svixsdk.EventTypeIn{Name: "invoice.paid", Description: "paid", Schemas: schemas}))
		ep := must[*svixsdk.EndpointOut](t, "endpoint")(e.sdk.Endpoint.Create(ctx, app.Id, &svixsdk.EndpointIn{Url: rcv.url}))
		msg := must[*svixsdk.MessageOut](t, "message")(e.sdk.Message.Create(ctx, app.Id, &svixsdk.MessageIn{EventType: "invoice.paid", Payload: map[string]any{"invoice": "in_1"}}))

		// Every try fails: the message fails at the endpoint.
		wait(t, func() bool {
			st := must[*svixsdk.EndpointStats](t, "stats")(e.sdk.Endpoint.GetStats(ctx, app.Id, ep.Id))
			return st.Fail == 1 && st.Success == 0 && st.Pending == 0 && st.Sending == 0
		})
		for len(rcv.got) > 0 {
			<-rcv.got
		}
		dests := must[*svixsdk.ListResponseMessageEndpointOut](t, "destinations")(e.sdk.MessageAttempt.ListAttemptedDestinations(ctx, app.Id, msg.Id, nil))
		if len(dests.Data) != 1 || dests.Data[0].Id != ep.Id || dests.Data[0].Status != svixsdk.MessageStatus(2) || dests.Data[0].Url != rcv.url {
			t.Errorf("destinations %+v", dests.Data)
		}

		// Recover: the failed message goes out again and succeeds.
		rcv.answer(http.StatusOK)
		out := must[*svixsdk.RecoverOut](t, "recover")(e.sdk.Endpoint.Recover(ctx, app.Id, ep.Id, &svixsdk.RecoverIn{Since: time.Now().Add(-time.Hour)}))
		if out.Task != "endpoint.recover" || out.Status != "finished" {
			t.Errorf("recover answered %+v", out)
		}
		if got := rcv.next(t); got.header.Get("svix-id") != msg.Id {
			t.Errorf("recovered %s, want %s", got.header.Get("svix-id"), msg.Id)
		}
		wait(t, func() bool {
			st := must[*svixsdk.EndpointStats](t, "stats")(e.sdk.Endpoint.GetStats(ctx, app.Id, ep.Id))
			return st.Success == 1 && st.Fail == 0
		})

		// send-example: the second example of the type's schema, to this
		// endpoint only. The Go SDK v1.44.0 drops the body of SendExample
		// (it calls req.EventExampleIn without keeping the result), so this
		// one is sent as the other SDKs send it.
		status, body := e.raw(t, "POST", "/api/v1/app/"+app.Id+"/endpoint/"+ep.Id+"/send-example", e.token, `{"eventType":"invoice.paid","exampleIndex":1}`, nil)
		var ex svixsdk.MessageOut
		if err := json.Unmarshal([]byte(body), &ex); status != http.StatusAccepted || err != nil {
			t.Fatalf("send-example = %d %s (%v)", status, body, err)
		}
		got := rcv.next(t)
		if got.header.Get("svix-id") != ex.Id || string(got.body) != `{"invoice":"example-1"}` {
			t.Errorf("example delivery %s %s, want %s {\"invoice\":\"example-1\"}", got.header.Get("svix-id"), got.body, ex.Id)
		}
		if status, body := e.raw(t, "POST", "/api/v1/app/"+app.Id+"/endpoint/"+ep.Id+"/send-example", e.token, `{"eventType":"no.such"}`, nil); status != http.StatusUnprocessableEntity {
			t.Errorf("an example of an unknown type = %d %s, want 422", status, body)
		}

		wait(t, func() bool {
			msgs := must[*svixsdk.ListResponseEndpointMessageOut](t, "endpoint messages")(e.sdk.MessageAttempt.ListAttemptedMessages(ctx, app.Id, ep.Id, nil))
			return len(msgs.Data) == 2 && msgs.Data[0].Id == ex.Id && msgs.Data[1].Id == msg.Id &&
				msgs.Data[0].Status == svixsdk.MessageStatus(0) && msgs.Data[1].Status == svixsdk.MessageStatus(0)
		})
		page := must[*svixsdk.ListResponseEndpointMessageOut](t, "endpoint messages")(e.sdk.MessageAttempt.ListAttemptedMessages(ctx, app.Id, ep.Id, &svixsdk.MessageAttemptListOptions{Limit: svixsdk.Int32(1)}))
		if len(page.Data) != 1 || page.Done {
			b, _ := json.Marshal(page)
			t.Errorf("first page of one: %s", b)
		}
		page = must[*svixsdk.ListResponseEndpointMessageOut](t, "endpoint messages 2")(e.sdk.MessageAttempt.ListAttemptedMessages(ctx, app.Id, ep.Id, &svixsdk.MessageAttemptListOptions{Limit: svixsdk.Int32(1), Iterator: page.Iterator.Get()}))
		if len(page.Data) != 1 || !page.Done || page.Data[0].Id != msg.Id {
			b, _ := json.Marshal(page)
			t.Errorf("second page of one: %s", b)
		}
	})
}
