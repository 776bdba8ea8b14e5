package svix_test

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	svixsdk "github.com/svix/svix-webhooks/go"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/svix"
)

// TestEndpoints drives endpoints through the SDK: create, get by id and
// uid, list, update, patch, the secret, the headers, delete; another
// application's endpoint is 404 under this one.
func TestEndpoints(t *testing.T) {
	t.Parallel()
	onEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		app := must[*svixsdk.ApplicationOut](t, "app")(e.sdk.Application.Create(ctx, &svixsdk.ApplicationIn{Name: "A"}))
		other := must[*svixsdk.ApplicationOut](t, "app b")(e.sdk.Application.Create(ctx, &svixsdk.ApplicationIn{Name: "B"}))
		must[*svixsdk.EventTypeOut](t, "event type")(e.sdk.EventType.Create(ctx, &svixsdk.EventTypeIn{Name: "invoice.paid", Description: "paid"}))
		eps := e.sdk.Endpoint
		meta := map[string]string{"team": "billing"}
		ep := must[*svixsdk.EndpointOut](t, "create")(eps.Create(ctx, app.Id, &svixsdk.EndpointIn{
			Url: "https://example.com/hook", Uid: svixsdk.String("billing"), Description: svixsdk.String("Billing"),
			FilterTypes: []string{"invoice.paid"}, Metadata: &meta, RateLimit: svixsdk.Int32(10), Version: svixsdk.Int32(1)}))
		if ep.Url != "https://example.com/hook" || ep.GetUid() != "billing" || ep.Description != "Billing" ||
			!slices.Equal(ep.FilterTypes, []string{"invoice.paid"}) || !maps.Equal(ep.Metadata, meta) || ep.GetRateLimit() != 10 || ep.GetDisabled() {
			t.Errorf("created %+v", ep)
		}
		for _, key := range []string{ep.Id, "billing"} {
			if got := must[*svixsdk.EndpointOut](t, "get")(eps.Get(ctx, app.Id, key)); got.Id != ep.Id {
				t.Errorf("Get(%s) = %s, want %s", key, got.Id, ep.Id)
			}
		}
		_, err := eps.Create(ctx, app.Id, &svixsdk.EndpointIn{Url: "https://example.com/2", Uid: svixsdk.String("billing")})
		wantStatus(t, "create with a used uid", err, http.StatusConflict)
		_, err = eps.Create(ctx, app.Id, &svixsdk.EndpointIn{Url: "https://example.com/2", FilterTypes: []string{"nope.never"}})
		wantStatus(t, "create with an unknown event type", err, http.StatusUnprocessableEntity)
		var se *svixsdk.Error
		if errors.As(err, &se) && !strings.Contains(string(se.Body()), `"loc":["body","filterTypes","0"]`) {
			t.Errorf("validation error %s does not name filterTypes[0]", se.Body())
		}
		second := must[*svixsdk.EndpointOut](t, "create 2")(eps.Create(ctx, app.Id, &svixsdk.EndpointIn{Url: "https://example.com/2"}))
		list := must[*svixsdk.ListResponseEndpointOut](t, "list")(eps.List(ctx, app.Id, &svixsdk.EndpointListOptions{Limit: svixsdk.Int32(1)}))
		if len(list.Data) != 1 || list.Done || list.Data[0].Id != ep.Id {
			t.Errorf("first page %+v", list)
		}
		list = must[*svixsdk.ListResponseEndpointOut](t, "list 2")(eps.List(ctx, app.Id, &svixsdk.EndpointListOptions{Limit: svixsdk.Int32(1), Iterator: list.Iterator.Get()}))
		if len(list.Data) != 1 || !list.Done || list.Data[0].Id != second.Id {
			t.Errorf("second page %+v", list)
		}
		if others := must[*svixsdk.ListResponseEndpointOut](t, "list b")(eps.List(ctx, other.Id, nil)); len(others.Data) != 0 {
			t.Errorf("application B lists %d endpoints of A", len(others.Data))
		}
		_, err = eps.Get(ctx, other.Id, ep.Id)
		wantStatus(t, "A's endpoint under B", err, http.StatusNotFound)

		up := must[*svixsdk.EndpointOut](t, "update")(eps.Update(ctx, app.Id, ep.Id, &svixsdk.EndpointUpdate{Url: "https://example.com/new", Disabled: boolp(true)}))
		if up.Url != "https://example.com/new" || !up.GetDisabled() || up.FilterTypes != nil || up.Uid != nil || up.Description != "" {
			t.Errorf("updated %+v", up)
		}
		p := svixsdk.EndpointPatch{Description: svixsdk.String("Patched"), Disabled: boolp(false)}
		p.Uid.Set(svixsdk.String("billing-2"))
		pa := must[*svixsdk.EndpointOut](t, "patch")(eps.Patch(ctx, app.Id, ep.Id, &p))
		if pa.Description != "Patched" || pa.GetDisabled() || pa.GetUid() != "billing-2" || pa.Url != "https://example.com/new" {
			t.Errorf("patched %+v", pa)
		}

		secret := must[*svixsdk.EndpointSecretOut](t, "secret")(eps.GetSecret(ctx, app.Id, ep.Id))
		if !strings.HasPrefix(secret.Key, "whsec_") {
			t.Errorf("secret %q is not whsec_", secret.Key)
		}
		if err := eps.RotateSecret(ctx, app.Id, ep.Id, &svixsdk.EndpointSecretRotateIn{}); err != nil {
			t.Fatal(err)
		}
		if again := must[*svixsdk.EndpointSecretOut](t, "secret 2")(eps.GetSecret(ctx, app.Id, ep.Id)); again.Key == secret.Key || !strings.HasPrefix(again.Key, "whsec_") {
			t.Errorf("rotated secret %q (was %q)", again.Key, secret.Key)
		}
		chosen := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
		if err := eps.RotateSecret(ctx, app.Id, ep.Id, &svixsdk.EndpointSecretRotateIn{Key: &chosen}); err != nil {
			t.Fatal(err)
		}
		if again := must[*svixsdk.EndpointSecretOut](t, "secret 3")(eps.GetSecret(ctx, app.Id, ep.Id)); again.Key != chosen {
			t.Errorf("secret after rotating to a chosen key = %q", again.Key)
		}

		if err := eps.UpdateHeaders(ctx, app.Id, ep.Id, &svixsdk.EndpointHeadersIn{Headers: map[string]string{"X-Team": "billing", "Authorization": "Bearer x"}}); err != nil {
			t.Fatal(err)
		}
		if err := eps.PatchHeaders(ctx, app.Id, ep.Id, &svixsdk.EndpointHeadersPatchIn{Headers: map[string]string{"X-Region": "eu"}}); err != nil {
			t.Fatal(err)
		}
		hs := must[*svixsdk.EndpointHeadersOut](t, "headers")(eps.GetHeaders(ctx, app.Id, ep.Id))
		if !maps.Equal(hs.Headers, map[string]string{"X-Team": "billing", "X-Region": "eu"}) || !slices.Equal(hs.Sensitive, []string{"Authorization"}) {
			t.Errorf("headers %+v", hs)
		}
		err = eps.UpdateHeaders(ctx, app.Id, ep.Id, &svixsdk.EndpointHeadersIn{Headers: map[string]string{"svix-signature": "x"}})
		wantStatus(t, "set svix-signature", err, http.StatusUnprocessableEntity)

		wantStatus(t, "delete under B", eps.Delete(ctx, other.Id, ep.Id), http.StatusNotFound)
		if err := eps.Delete(ctx, app.Id, ep.Id); err != nil {
			t.Fatal(err)
		}
		_, err = eps.Get(ctx, app.Id, ep.Id)
		wantStatus(t, "get after delete", err, http.StatusNotFound)

		// Deleting the application deletes its endpoints.
		if err := e.sdk.Application.Delete(ctx, app.Id); err != nil {
			t.Fatal(err)
		}
		actor, err := e.srv.Service().Authenticate(ctx, e.token)
		if err != nil {
			t.Fatal(err)
		}
		ws, err := e.srv.Service().ListWebhooks(ctx, actor, hookhub.WebhookFilter{Format: svix.Format})
		if err != nil {
			t.Fatal(err)
		}
		if len(ws) != 0 || len(must[*svixsdk.ListResponseEndpointOut](t, "list b")(eps.List(ctx, other.Id, nil)).Data) != 0 {
			t.Errorf("%d svix webhooks after deleting application A, whose second endpoint should have gone with it; want 0", len(ws))
		}
	})
}
