package storetest

import (
	"bytes"
	"testing"
	"time"

	"github.com/hookhub/hookhub"
)

// newSession stores a session of tok created at the time at, ending at
// expires.
func newSession(t *testing.T, s Store, tok *hookhub.Token, at, expires time.Time) *hookhub.Session {
	t.Helper()
	_, hash := hookhub.NewSessionSecret()
	se := &hookhub.Session{
		Hash: hash, TenantID: tok.TenantID, TokenID: tok.ID, CSRF: hookhub.RandomString(32),
		CreatedAt: at, LastSeenAt: at, ExpiresAt: expires,
	}
	if err := s.CreateSession(t.Context(), se); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	return se
}

func testSession(t *testing.T, s Store) {
	ctx := t.Context()
	b := setup(t, s)
	want := newSession(t, s, b.token, now, now.Add(12*time.Hour))

	got, err := s.GetSession(ctx, want.Hash)
	if err != nil {
		t.Fatalf("GetSession: %v", err)
	}
	if !bytes.Equal(got.Hash, want.Hash) || got.TenantID != want.TenantID || got.TokenID != want.TokenID || got.CSRF != want.CSRF {
		t.Errorf("GetSession = %+v, want %+v", got, want)
	}
	if !sameTime(got.CreatedAt, now) || !sameTime(got.LastSeenAt, now) || !sameTime(got.ExpiresAt, want.ExpiresAt) {
		t.Errorf("CreatedAt, LastSeenAt, ExpiresAt = %v, %v, %v", got.CreatedAt, got.LastSeenAt, got.ExpiresAt)
	}
	_, other := hookhub.NewSessionSecret()
	_, err = s.GetSession(ctx, other)
	wantCode(t, "GetSession(unknown)", err, hookhub.ENOTFOUND)
	wantCode(t, "TouchSession(unknown)", s.TouchSession(ctx, other, now), hookhub.ENOTFOUND)
	if err := s.CreateSession(ctx, want); hookhub.ErrorCode(err) != hookhub.ECONFLICT {
		t.Errorf("CreateSession(same hash again) = %v, want ECONFLICT", err)
	}

	seen := now.Add(10 * time.Minute)
	if err := s.TouchSession(ctx, want.Hash, seen); err != nil {
		t.Fatalf("TouchSession: %v", err)
	}
	if got, err = s.GetSession(ctx, want.Hash); err != nil || !sameTime(got.LastSeenAt, seen) {
		t.Errorf("after TouchSession, LastSeenAt = %v (%v), want %v", got.LastSeenAt, err, seen)
	}

	if err := s.DeleteSession(ctx, want.Hash); err != nil {
		t.Fatalf("DeleteSession: %v", err)
	}
	_, err = s.GetSession(ctx, want.Hash)
	wantCode(t, "GetSession(deleted)", err, hookhub.ENOTFOUND)
	if err := s.DeleteSession(ctx, want.Hash); err != nil {
		t.Errorf("DeleteSession(deleted) = %v, want no error", err)
	}
}

func testSessionPurge(t *testing.T, s Store) {
	ctx := t.Context()
	b := setup(t, s)
	ended := newSession(t, s, b.token, now, now.Add(time.Hour))   // past its absolute end
	idle := newSession(t, s, b.token, now, now.Add(12*time.Hour)) // not seen for too long
	busy := newSession(t, s, b.token, now, now.Add(12*time.Hour))
	if err := s.TouchSession(ctx, busy.Hash, now.Add(100*time.Minute)); err != nil {
		t.Fatalf("TouchSession: %v", err)
	}

	at := now.Add(2 * time.Hour)
	n, err := s.PurgeSessions(ctx, at, at.Add(-30*time.Minute))
	if err != nil {
		t.Fatalf("PurgeSessions: %v", err)
	}
	if n != 2 {
		t.Errorf("PurgeSessions deleted %d sessions, want 2", n)
	}
	for _, se := range []*hookhub.Session{ended, idle} {
		_, err := s.GetSession(ctx, se.Hash)
		wantCode(t, "GetSession(purged)", err, hookhub.ENOTFOUND)
	}
	if _, err := s.GetSession(ctx, busy.Hash); err != nil {
		t.Errorf("GetSession(busy session) after purge: %v", err)
	}
}

func testGetToken(t *testing.T, s Store) {
	ctx := t.Context()
	a, other := setup(t, s), newTenant(t, s)
	got, err := s.GetToken(ctx, a.tenant.ID, a.token.ID)
	if err != nil {
		t.Fatalf("GetToken: %v", err)
	}
	if got.ID != a.token.ID || got.TenantID != a.tenant.ID || !bytes.Equal(got.Hash, a.token.Hash) || len(got.Scopes) != len(a.token.Scopes) {
		t.Errorf("GetToken = %+v, want %+v", got, a.token)
	}
	_, err = s.GetToken(ctx, other.ID, a.token.ID)
	wantCode(t, "GetToken(other tenant's token)", err, hookhub.ENOTFOUND)
	_, err = s.GetToken(ctx, a.tenant.ID, hookhub.NewID("tok"))
	wantCode(t, "GetToken(unknown)", err, hookhub.ENOTFOUND)
}
