package api

import (
	"net/http/httptest"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
)

// TestWithValue checks that a request given a value by withValue still
// reaches its request and writer through humago.Unwrap (as the listen
// routes' endless middleware does), holds the value in its Context, as
// the request's context's values and cancellation, and answers the rest
// as the request it wraps.
func TestWithValue(t *testing.T) {
	type key struct{}
	type other struct{}
	r := httptest.NewRequest("POST", "/v1/events?x=1", nil)
	r.Header.Set("Idempotency-Key", "k")
	w := httptest.NewRecorder()
	op := &huma.Operation{Method: "POST", Path: "/v1/events"}
	base := humago.NewContext(op, r, w)
	ctx := withValue(withValue(base, other{}, "first"), key{}, "v")

	if gr, gw := humago.Unwrap(ctx); gr != r || gw != w {
		t.Errorf("humago.Unwrap = %p, %p; want the request %p and writer %p", gr, gw, r, w)
	}
	if v := ctx.Context().Value(key{}); v != "v" {
		t.Errorf("Value(key) = %v, want v", v)
	}
	if v := ctx.Context().Value(other{}); v != "first" {
		t.Errorf("Value(other) = %v, want first (the value given before)", v)
	}
	if ctx.Context().Done() != r.Context().Done() {
		t.Error("the context is not cancelled with the request's")
	}
	if ctx.Operation() != op || ctx.Header("Idempotency-Key") != "k" || ctx.URL().RawQuery != "x=1" {
		t.Error("the operation, header or URL is not the request's")
	}
	ctx.SetHeader("X-Test", "1")
	ctx.SetStatus(202)
	if w.Code != 202 || w.Header().Get("X-Test") != "1" || ctx.Status() != 202 || base.Status() != 202 {
		t.Errorf("status %d (ctx %d, base %d), X-Test %q: the answer does not reach the writer", w.Code, ctx.Status(), base.Status(), w.Header().Get("X-Test"))
	}
}
