package svix_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	svixsdk "github.com/svix/svix-webhooks/go"

	"github.com/hookhub/hookhub"
)

// TestAppPortalAccess asks for app portal links through the SDK: the URL
// signs in to the console's portal, the token expires when asked, a
// read-only one cannot change endpoints, and the token opens nothing of
// the API; the link of an unknown application is 404.
func TestAppPortalAccess(t *testing.T) {
	t.Parallel()
	onEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		app := must[*svixsdk.ApplicationOut](t, "app")(e.sdk.Application.Create(ctx, &svixsdk.ApplicationIn{Name: "A", Uid: svixsdk.String("a")}))
		out := must[*svixsdk.AppPortalAccessOut](t, "access")(e.sdk.Authentication.AppPortalAccess(ctx, "a", &svixsdk.AppPortalAccessIn{}))
		if !strings.HasPrefix(out.Url, e.url+"/portal/signin?key=") || out.Token == "" {
			t.Errorf("access %+v", out)
		}
		ro := must[*svixsdk.AppPortalAccessOut](t, "read-only access")(e.sdk.Authentication.AppPortalAccess(ctx, app.Id, &svixsdk.AppPortalAccessIn{ReadOnly: boolp(true), Expiry: svixsdk.Int32(3600)}))

		svc := e.srv.Service()
		for _, tt := range []struct {
			token    string
			lasts    time.Duration
			canWrite bool
		}{{out.Token, 7 * 24 * time.Hour, true}, {ro.Token, time.Hour, false}} {
			tok, err := svc.Authenticate(ctx, tt.token)
			if err != nil {
				t.Fatal(err)
			}
			if tok.AppID != app.Id || tok.Has(hookhub.ScopeWebhooksUpdate) != tt.canWrite || !tok.Has(hookhub.ScopeWebhooksRead) {
				t.Errorf("portal token %+v, want app %s, write %t", tok, app.Id, tt.canWrite)
			}
			if d := tok.ExpiresAt.Sub(tok.CreatedAt); d != tt.lasts {
				t.Errorf("portal token lasts %v, want %v", d, tt.lasts)
			}
			_, err = e.client(t, tt.token).Application.Get(ctx, app.Id)
			wantStatus(t, "the API with a portal token", err, http.StatusForbidden)
		}
		_, err := e.sdk.Authentication.AppPortalAccess(ctx, "app_nope", &svixsdk.AppPortalAccessIn{})
		wantStatus(t, "access to an unknown application", err, http.StatusNotFound)
		_, err = e.sdk.Authentication.AppPortalAccess(ctx, app.Id, &svixsdk.AppPortalAccessIn{Expiry: svixsdk.Int32(60)})
		wantStatus(t, "an expiry under an hour", err, http.StatusUnprocessableEntity)

		// The link signs in: the portal page shows the application.
		jar, err := cookiejar.New(nil)
		if err != nil {
			t.Fatal(err)
		}
		client := &http.Client{Jar: jar}
		resp, err := client.Get(out.Url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/portal/" {
			t.Errorf("following the link ends at %d %s, want 200 /portal/", resp.StatusCode, resp.Request.URL.Path)
		}
	})
}
