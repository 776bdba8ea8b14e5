package svix_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"slices"
	"testing"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	svixsdk "github.com/svix/svix-webhooks/go"
)

// status returns the HTTP status of an SDK error, 0 for another error.
func status(err error) int {
	var e *svixsdk.Error
	if errors.As(err, &e) {
		return e.Status()
	}
	return 0
}

// wantStatus fails unless err is an SDK error of the given status.
func wantStatus(t *testing.T, what string, err error, want int) {
	t.Helper()
	if got := status(err); got != want {
		t.Errorf("%s: error %v (status %d), want status %d", what, err, got, want)
	}
}

func must[T any](t *testing.T, what string) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			body := ""
			var e *svixsdk.Error
			if errors.As(err, &e) {
				body = string(e.Body())
			}
			t.Fatalf("%s: %v %s", what, err, body)
		}
		return v
	}
}

// verify checks a delivery with Svix's own verifier and with the Standard
// Webhooks library (under its header names), for each secret.
func verify(t *testing.T, req request, secrets ...string) {
	t.Helper()
	for _, secret := range secrets {
		wh, err := svixsdk.NewWebhook(secret)
		if err != nil {
			t.Fatal(err)
		}
		if err := wh.Verify(req.body, req.header); err != nil {
			t.Errorf("Svix's verifier refuses the delivery for %s: %v (headers %v)", secret, err, req.header)
		}
		std, err := standardwebhooks.NewWebhook(secret)
		if err != nil {
			t.Fatal(err)
		}
		h := http.Header{}
		h.Set("webhook-id", req.header.Get("svix-id"))
		h.Set("webhook-timestamp", req.header.Get("svix-timestamp"))
		h.Set("webhook-signature", req.header.Get("svix-signature"))
		if err := std.Verify(req.body, h); err != nil {
			t.Errorf("the Standard Webhooks verifier refuses the delivery for %s: %v", secret, err)
		}
	}
}

// TestApplications drives applications through Svix's Go SDK: create,
// get by id and by uid, get-or-create, list in pages, update, patch,
// delete; another tenant's application is 404.
func TestApplications(t *testing.T) {
	t.Parallel()
	onEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		apps := e.sdk.Application
		meta := map[string]string{"plan": "gold"}
		a := must[*svixsdk.ApplicationOut](t, "create")(apps.Create(ctx, &svixsdk.ApplicationIn{
			Name: "Customer 1", Uid: svixsdk.String("customer-1"), Metadata: &meta, RateLimit: svixsdk.Int32(7)}))
		if a.Name != "Customer 1" || a.GetUid() != "customer-1" || a.GetRateLimit() != 7 || !maps.Equal(a.Metadata, meta) || a.Id == "" {
			t.Errorf("created %+v", a)
		}
		for _, key := range []string{a.Id, "customer-1"} {
			got := must[*svixsdk.ApplicationOut](t, "get")(apps.Get(ctx, key))
			if got.Id != a.Id || got.Name != a.Name || !got.CreatedAt.Equal(a.CreatedAt) {
				t.Errorf("Get(%s) = %+v, want %+v", key, got, a)
			}
		}
		again := must[*svixsdk.ApplicationOut](t, "get or create")(apps.GetOrCreate(ctx, &svixsdk.ApplicationIn{Name: "other", Uid: svixsdk.String("customer-1")}))
		if again.Id != a.Id {
			t.Errorf("GetOrCreate of a used uid made %s, want %s", again.Id, a.Id)
		}
		_, err := apps.Create(ctx, &svixsdk.ApplicationIn{Name: "dup", Uid: svixsdk.String("customer-1")})
		wantStatus(t, "create with a used uid", err, http.StatusConflict)
		b := must[*svixsdk.ApplicationOut](t, "create b")(apps.Create(ctx, &svixsdk.ApplicationIn{Name: "Customer 2"}))
		must[*svixsdk.ApplicationOut](t, "create c")(apps.Create(ctx, &svixsdk.ApplicationIn{Name: "Customer 3"}))

		var seen []string
		opts := &svixsdk.ApplicationListOptions{Limit: svixsdk.Int32(2)}
		for range 3 {
			page := must[*svixsdk.ListResponseApplicationOut](t, "list")(apps.List(ctx, opts))
			for _, x := range page.Data {
				seen = append(seen, x.Id)
			}
			if page.Done {
				break
			}
			opts.Iterator = svixsdk.String(page.GetIterator())
		}
		if len(seen) != 3 || seen[0] != a.Id || seen[1] != b.Id {
			t.Errorf("listed %q in pages of 2, want the 3 applications oldest first", seen)
		}

		up := must[*svixsdk.ApplicationOut](t, "update")(apps.Update(ctx, a.Id, &svixsdk.ApplicationIn{Name: "Renamed", Uid: svixsdk.String("customer-1")}))
		if up.Name != "Renamed" || up.GetRateLimit() != 0 || len(up.Metadata) != 0 || up.GetUid() != "customer-1" {
			t.Errorf("updated %+v", up)
		}
		p := svixsdk.ApplicationPatch{Name: svixsdk.String("Patched")}
		p.Uid.Set(nil) // null removes the uid
		pa := must[*svixsdk.ApplicationOut](t, "patch")(apps.Patch(ctx, a.Id, &p))
		if pa.Name != "Patched" || pa.Uid != nil {
			t.Errorf("patched %+v", pa)
		}
		_, err = apps.Get(ctx, "customer-1")
		wantStatus(t, "get by a removed uid", err, http.StatusNotFound)

		other := e.client(t, e.newTenant(t, "globex"))
		_, err = other.Application.Get(ctx, a.Id)
		wantStatus(t, "another tenant's application", err, http.StatusNotFound)
		wantStatus(t, "another tenant deletes it", other.Application.Delete(ctx, a.Id), http.StatusNotFound)

		if err := apps.Delete(ctx, a.Id); err != nil {
			t.Fatal(err)
		}
		_, err = apps.Get(ctx, a.Id)
		wantStatus(t, "get after delete", err, http.StatusNotFound)
	})
}

// TestEventTypes drives event types through the SDK: create with schemas,
// get, list, update, patch, archive (delete) and expunge.
func TestEventTypes(t *testing.T) {
	t.Parallel()
	onEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ets := e.sdk.EventType
		schemas := map[string]any{"1": map[string]any{"type": "object", "examples": []any{map[string]any{"invoice": "in_1"}}}}
		et := must[*svixsdk.EventTypeOut](t, "create")(ets.Create(ctx, &svixsdk.EventTypeIn{
			Name: "invoice.paid", Description: "An invoice was paid", Schemas: schemas, GroupName: svixsdk.String("invoice")}))
		if et.Name != "invoice.paid" || et.Description != "An invoice was paid" || et.GetGroupName() != "invoice" || et.Deprecated {
			t.Errorf("created %+v", et)
		}
		got := must[*svixsdk.EventTypeOut](t, "get")(ets.Get(ctx, "invoice.paid"))
		if b, _ := json.Marshal(got.Schemas); string(b) != `{"1":{"examples":[{"invoice":"in_1"}],"type":"object"}}` {
			t.Errorf("schemas kept as %s", b)
		}
		_, err := ets.Create(ctx, &svixsdk.EventTypeIn{Name: "invoice.paid", Description: "again"})
		wantStatus(t, "create twice", err, http.StatusConflict)

		up := must[*svixsdk.EventTypeOut](t, "update")(ets.Update(ctx, "invoice.paid", &svixsdk.EventTypeUpdate{Description: "Paid", Deprecated: svixsdk.NullableBool(nil).Get()}))
		if up.Description != "Paid" || up.Schemas != nil || up.GroupName != nil {
			t.Errorf("updated %+v", up)
		}
		pa := must[*svixsdk.EventTypeOut](t, "patch")(ets.Patch(ctx, "invoice.paid", &svixsdk.EventTypePatch{Deprecated: boolp(true)}))
		if !pa.Deprecated || pa.Description != "Paid" {
			t.Errorf("patched %+v", pa)
		}
		must[*svixsdk.EventTypeOut](t, "create 2")(ets.Create(ctx, &svixsdk.EventTypeIn{Name: "user.signup", Description: "A user signed up"}))
		names := func(archived bool) []string {
			page := must[*svixsdk.ListResponseEventTypeOut](t, "list")(ets.List(ctx, &svixsdk.EventTypeListOptions{IncludeArchived: &archived}))
			var out []string
			for _, x := range page.Data {
				out = append(out, x.Name)
			}
			return out
		}
		if got := names(false); !slices.Equal(got, []string{"invoice.paid", "user.signup"}) {
			t.Errorf("listed %q", got)
		}
		if err := ets.Delete(ctx, "invoice.paid"); err != nil {
			t.Fatal(err)
		}
		if got := names(false); !slices.Equal(got, []string{"user.signup"}) {
			t.Errorf("listed %q after archiving invoice.paid", got)
		}
		if got := names(true); !slices.Equal(got, []string{"invoice.paid", "user.signup"}) {
			t.Errorf("listed %q with archived ones", got)
		}
		if err := ets.DeleteWithOptions(ctx, "user.signup", &svixsdk.EventTypeDeleteOptions{Expunge: boolp(true)}); err != nil {
			t.Fatal(err)
		}
		_, err = ets.Get(ctx, "user.signup")
		wantStatus(t, "get after expunge", err, http.StatusNotFound)
	})
}

func boolp(b bool) *bool { return &b }
