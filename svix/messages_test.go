package svix_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	svixsdk "github.com/svix/svix-webhooks/go"
)

// TestMessages sends messages through the SDK to a real receiver: the
// delivery carries the payload signed in svix-* headers that Svix's
// verifier and the Standard Webhooks library accept; eventId makes a
// second message 409; messages are got and listed; attempts are listed by
// message and by endpoint, got, and resent; a rotated secret signs beside
// the old one; another application's endpoint gets nothing.
func TestMessages(t *testing.T) {
	t.Parallel()
	onEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		rcv, otherRcv := newReceiver(t), newReceiver(t)
		app := must[*svixsdk.ApplicationOut](t, "app")(e.sdk.Application.Create(ctx, &svixsdk.ApplicationIn{Name: "A", Uid: svixsdk.String("a")}))
		other := must[*svixsdk.ApplicationOut](t, "app b")(e.sdk.Application.Create(ctx, &svixsdk.ApplicationIn{Name: "B"}))
		for _, name := range []string{"invoice.paid", "user.signup"} {
			must[*svixsdk.EventTypeOut](t, "event type")(e.sdk.EventType.Create(ctx, &svixsdk.EventTypeIn{Name: name, Description: name}))
		}
		ep := must[*svixsdk.EndpointOut](t, "endpoint")(e.sdk.Endpoint.Create(ctx, app.Id, &svixsdk.EndpointIn{Url: rcv.url, FilterTypes: []string{"invoice.paid"}}))
		must[*svixsdk.EndpointOut](t, "endpoint b")(e.sdk.Endpoint.Create(ctx, other.Id, &svixsdk.EndpointIn{Url: otherRcv.url}))
		if err := e.sdk.Endpoint.UpdateHeaders(ctx, app.Id, ep.Id, &svixsdk.EndpointHeadersIn{Headers: map[string]string{"X-Team": "billing"}}); err != nil {
			t.Fatal(err)
		}
		secret := must[*svixsdk.EndpointSecretOut](t, "secret")(e.sdk.Endpoint.GetSecret(ctx, app.Id, ep.Id)).Key

		payload := map[string]any{"invoice": "in_1", "amount": 42.0}
		msg := must[*svixsdk.MessageOut](t, "create")(e.sdk.Message.Create(ctx, "a", &svixsdk.MessageIn{
			EventType: "invoice.paid", EventId: svixsdk.String("evt-1"), Payload: payload}))
		if msg.EventType != "invoice.paid" || msg.GetEventId() != "evt-1" || msg.Payload["invoice"] != "in_1" {
			t.Errorf("created %+v", msg)
		}
		req := rcv.next(t)
		if got := req.header.Get("svix-id"); got != msg.Id {
			t.Errorf("svix-id = %q, want %q", got, msg.Id)
		}
		var body map[string]any
		if err := json.Unmarshal(req.body, &body); err != nil || body["invoice"] != "in_1" || body["amount"] != 42.0 || len(body) != 2 {
			t.Errorf("body %s, want the payload as sent", req.body)
		}
		if req.header.Get("X-Team") != "billing" {
			t.Errorf("the endpoint's header is missing: %v", req.header)
		}
		verify(t, req, secret)

		_, err := e.sdk.Message.Create(ctx, app.Id, &svixsdk.MessageIn{EventType: "invoice.paid", EventId: svixsdk.String("evt-1"), Payload: payload})
		wantStatus(t, "a second message of eventId evt-1", err, http.StatusConflict)
		_, err = e.sdk.Message.Create(ctx, app.Id, &svixsdk.MessageIn{EventType: "no.such.type", Payload: payload})
		wantStatus(t, "a message of an unknown type", err, http.StatusUnprocessableEntity)

		// A type the endpoint does not filter for reaches no endpoint of A.
		signup := must[*svixsdk.MessageOut](t, "create 2")(e.sdk.Message.Create(ctx, app.Id, &svixsdk.MessageIn{EventType: "user.signup", Payload: map[string]any{"user": "u1"}}))
		got := must[*svixsdk.MessageOut](t, "get")(e.sdk.Message.Get(ctx, app.Id, msg.Id))
		if got.Id != msg.Id || got.GetEventId() != "evt-1" || got.Payload["amount"] != 42.0 || !got.Timestamp.Equal(msg.Timestamp) {
			t.Errorf("got %+v, want %+v", got, msg)
		}
		_, err = e.sdk.Message.Get(ctx, other.Id, msg.Id)
		wantStatus(t, "A's message under B", err, http.StatusNotFound)
		msgs := must[*svixsdk.ListResponseMessageOut](t, "list")(e.sdk.Message.List(ctx, app.Id, &svixsdk.MessageListOptions{Limit: svixsdk.Int32(1)}))
		if len(msgs.Data) != 1 || msgs.Data[0].Id != signup.Id || msgs.Done {
			t.Errorf("first page of messages %+v, want the newest", msgs)
		}
		msgs = must[*svixsdk.ListResponseMessageOut](t, "list 2")(e.sdk.Message.List(ctx, app.Id, &svixsdk.MessageListOptions{Limit: svixsdk.Int32(1), Iterator: msgs.Iterator.Get()}))
		if len(msgs.Data) != 1 || msgs.Data[0].Id != msg.Id || !msgs.Done {
			t.Errorf("second page of messages %+v", msgs)
		}
		types := []string{"user.signup"}
		if msgs := must[*svixsdk.ListResponseMessageOut](t, "list by type")(e.sdk.Message.List(ctx, app.Id, &svixsdk.MessageListOptions{EventTypes: &types})); len(msgs.Data) != 1 || msgs.Data[0].Id != signup.Id {
			t.Errorf("messages of user.signup: %+v", msgs.Data)
		}

		// Attempts: the first one, by message and by endpoint.
		var atts *svixsdk.ListResponseMessageAttemptOut
		wait(t, func() bool { // the attempt is recorded once its answer came
			atts = must[*svixsdk.ListResponseMessageAttemptOut](t, "attempts by msg")(e.sdk.MessageAttempt.ListByMsg(ctx, app.Id, msg.Id, nil))
			return len(atts.Data) == 1
		})
		a := atts.Data[0]
		if a.MsgId != msg.Id || a.EndpointId != ep.Id || a.Url != rcv.url || a.ResponseStatusCode != 200 || a.Response != "thanks" || a.Status != svixsdk.MessageStatus(0) {
			t.Errorf("attempt %+v", a)
		}
		byEp := must[*svixsdk.ListResponseMessageAttemptOut](t, "attempts by endpoint")(e.sdk.MessageAttempt.ListByEndpoint(ctx, app.Id, ep.Id, nil))
		if len(byEp.Data) != 1 || byEp.Data[0].Id != a.Id {
			t.Errorf("attempts by endpoint %+v", byEp.Data)
		}
		if one := must[*svixsdk.MessageAttemptOut](t, "get attempt")(e.sdk.MessageAttempt.Get(ctx, app.Id, msg.Id, a.Id)); one.Id != a.Id {
			t.Errorf("got attempt %s, want %s", one.Id, a.Id)
		}
		_, err = e.sdk.MessageAttempt.ListByEndpoint(ctx, other.Id, ep.Id, nil)
		wantStatus(t, "A's endpoint's attempts under B", err, http.StatusNotFound)

		// Resend after a rotation: signed with the new secret and the old.
		if err := e.sdk.Endpoint.RotateSecret(ctx, app.Id, ep.Id, &svixsdk.EndpointSecretRotateIn{}); err != nil {
			t.Fatal(err)
		}
		newSecret := must[*svixsdk.EndpointSecretOut](t, "secret 2")(e.sdk.Endpoint.GetSecret(ctx, app.Id, ep.Id)).Key
		if err := e.sdk.MessageAttempt.Resend(ctx, app.Id, msg.Id, ep.Id); err != nil {
			t.Fatal(err)
		}
		again := rcv.next(t)
		if again.header.Get("svix-id") != msg.Id {
			t.Errorf("resent svix-id %q, want %q", again.header.Get("svix-id"), msg.Id)
		}
		verify(t, again, secret, newSecret)
		wait(t, func() bool {
			atts := must[*svixsdk.ListResponseMessageAttemptOut](t, "attempts")(e.sdk.MessageAttempt.ListByMsg(ctx, app.Id, msg.Id, nil))
			return len(atts.Data) == 2
		})

		// A failing receiver: the attempt is a failure with its answer.
		rcv.answer(http.StatusInternalServerError)
		fail := must[*svixsdk.MessageOut](t, "create 3")(e.sdk.Message.Create(ctx, app.Id, &svixsdk.MessageIn{EventType: "invoice.paid", Payload: payload}))
		rcv.next(t)
		var failed svixsdk.MessageAttemptOut
		wait(t, func() bool {
			st := svixsdk.MessageStatus(2)
			atts := must[*svixsdk.ListResponseMessageAttemptOut](t, "failed attempts")(e.sdk.MessageAttempt.ListByMsg(ctx, app.Id, fail.Id, &svixsdk.MessageAttemptListOptions{Status: &st}))
			if len(atts.Data) > 0 {
				failed = atts.Data[0]
			}
			return len(atts.Data) > 0
		})
		if failed.ResponseStatusCode != 500 || failed.Status != svixsdk.MessageStatus(2) {
			t.Errorf("failed attempt %+v", failed)
		}

		select {
		case r := <-otherRcv.got:
			t.Errorf("application B's endpoint got A's message %s", r.header.Get("svix-id"))
		default:
		}
	})
}

// TestChannels sends messages in channels: an endpoint limited to
// channels gets only messages in one of them, one without gets all; the
// message list filters by channel.
func TestChannels(t *testing.T) {
	t.Parallel()
	onEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		all, eu := newReceiver(t), newReceiver(t)
		app := must[*svixsdk.ApplicationOut](t, "app")(e.sdk.Application.Create(ctx, &svixsdk.ApplicationIn{Name: "A"}))
		must[*svixsdk.EventTypeOut](t, "event type")(e.sdk.EventType.Create(ctx, &svixsdk.EventTypeIn{Name: "invoice.paid", Description: "paid"}))
		must[*svixsdk.EndpointOut](t, "all")(e.sdk.Endpoint.Create(ctx, app.Id, &svixsdk.EndpointIn{Url: all.url}))
		ep := must[*svixsdk.EndpointOut](t, "eu")(e.sdk.Endpoint.Create(ctx, app.Id, &svixsdk.EndpointIn{Url: eu.url, Channels: []string{"eu", "project_1"}}))
		if !slices.Equal(ep.Channels, []string{"eu", "project_1"}) {
			t.Errorf("endpoint channels %q", ep.Channels)
		}
		us := must[*svixsdk.MessageOut](t, "us")(e.sdk.Message.Create(ctx, app.Id, &svixsdk.MessageIn{EventType: "invoice.paid", Payload: map[string]any{"n": 1.0}, Channels: []string{"us"}}))
		euMsg := must[*svixsdk.MessageOut](t, "eu")(e.sdk.Message.Create(ctx, app.Id, &svixsdk.MessageIn{EventType: "invoice.paid", Payload: map[string]any{"n": 2.0}, Channels: []string{"eu"}}))
		if !slices.Equal(euMsg.Channels, []string{"eu"}) {
			t.Errorf("message channels %q", euMsg.Channels)
		}
		got := map[string]bool{all.next(t).header.Get("svix-id"): true, all.next(t).header.Get("svix-id"): true}
		if !got[us.Id] || !got[euMsg.Id] {
			t.Errorf("the endpoint without channels got %v, want both messages", got)
		}
		if id := eu.next(t).header.Get("svix-id"); id != euMsg.Id {
			t.Errorf("the eu endpoint got %s, want %s", id, euMsg.Id)
		}
		ch := "eu"
		list := must[*svixsdk.ListResponseMessageOut](t, "list")(e.sdk.Message.List(ctx, app.Id, &svixsdk.MessageListOptions{Channel: &ch}))
		if len(list.Data) != 1 || list.Data[0].Id != euMsg.Id {
			t.Errorf("messages in eu: %+v", list.Data)
		}
		select {
		case r := <-eu.got:
			t.Errorf("the eu endpoint got %s too", r.header.Get("svix-id"))
		default:
		}
	})
}
