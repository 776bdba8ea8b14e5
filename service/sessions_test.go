package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/service"
)

var limits = service.SessionLimits{Idle: 30 * time.Minute, Absolute: 8 * time.Hour}

// TestSessionEnds covers each way a session ends; every test signs in
// afresh on its own service.
func TestSessionEnds(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		expiry time.Duration // of the token; 0: never
		// act does something before the session is used again; alive says
		// whether it survived.
		act   func(t *testing.T, svc *service.Service, b *bundle, tok *hookhub.Token, cookie string)
		alive bool
	}{
		{"in use", 0, func(t *testing.T, svc *service.Service, b *bundle, tok *hookhub.Token, cookie string) {
			for range 19 { // never idle for 30 minutes
				b.clock.Add(25 * time.Minute)
				use(t, svc, cookie)
			}
			b.clock.Add(10 * time.Minute) // 485 min > 8 h: the absolute end
		}, false},
		{"used often", 0, func(t *testing.T, svc *service.Service, b *bundle, tok *hookhub.Token, cookie string) {
			for range 10 {
				b.clock.Add(25 * time.Minute)
				use(t, svc, cookie)
			}
		}, true},
		{"idle", 0, func(t *testing.T, svc *service.Service, b *bundle, tok *hookhub.Token, cookie string) {
			b.clock.Add(31 * time.Minute)
		}, false},
		{"signed out", 0, func(t *testing.T, svc *service.Service, b *bundle, tok *hookhub.Token, cookie string) {
			if err := svc.SignOut(context.Background(), cookie); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"token revoked", 0, func(t *testing.T, svc *service.Service, b *bundle, tok *hookhub.Token, cookie string) {
			if err := svc.RevokeToken(context.Background(), b.a, tok.ID); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"token expired", 20 * time.Minute, func(t *testing.T, svc *service.Service, b *bundle, tok *hookhub.Token, cookie string) {
			b.clock.Add(21 * time.Minute) // not idle, but past the token's end
		}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			svc, b := setup(t, options{})
			var expires time.Time
			if tt.expiry > 0 {
				expires = b.clock.Now().Add(tt.expiry)
			}
			tok, secret, err := svc.CreateToken(ctx, b.a, "console", []hookhub.Scope{hookhub.ScopeWebhooksRead}, expires)
			if err != nil {
				t.Fatal(err)
			}
			se, cookie, err := svc.SignIn(ctx, secret, limits)
			if err != nil {
				t.Fatalf("SignIn: %v", err)
			}
			if se.TokenID != tok.ID || se.TenantID != tok.TenantID || se.CSRF == "" || cookie == "" {
				t.Fatalf("SignIn = %+v, %q", se, cookie)
			}
			tt.act(t, svc, b, tok, cookie)
			got, actor, err := svc.Session(ctx, cookie, limits)
			if !tt.alive {
				wantCode(t, err, hookhub.EUNAUTHORIZED, "")
				return
			}
			if err != nil {
				t.Fatalf("Session: %v", err)
			}
			if actor.ID != tok.ID || got.CSRF != se.CSRF {
				t.Errorf("Session = %+v acting as %s, want the signed-in one acting as %s", got, actor.ID, tok.ID)
			}
		})
	}
}

func use(t *testing.T, svc *service.Service, cookie string) {
	t.Helper()
	if _, _, err := svc.Session(context.Background(), cookie, limits); err != nil {
		t.Fatalf("Session: %v", err)
	}
}

func TestSignInRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _ := setup(t, options{})
	for _, secret := range []string{"", "hh_nope"} {
		_, _, err := svc.SignIn(ctx, secret, limits)
		wantCode(t, err, hookhub.EUNAUTHORIZED, "")
	}
	for _, cookie := range []string{"", "hhs_nope"} {
		_, _, err := svc.Session(ctx, cookie, limits)
		wantCode(t, err, hookhub.EUNAUTHORIZED, "")
	}
}
