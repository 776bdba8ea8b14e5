package jsrun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func compile(t testing.TB, src string) *Program {
	t.Helper()
	p, err := Compile("test.js", src, "handler")
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return p
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src          string
		line, column int
		message      string
	}{
		{"function handler(w) {\n  return w +;\n}", 2, 13, "Unexpected token"},
		{"function handler(w) {\n  let a = 1;\n  let a = 2;\n}", 3, 7, "already been declared"},
		{"function other(w) { return w }", 0, 0, "must declare function handler"},
		{"var handler = function (w) { return w }", 0, 0, "must declare function handler"},
		{strings.Repeat(" ", MaxSource+1), 0, 0, "at most 65536 bytes"},
	}
	for _, tt := range tests {
		_, err := Compile("test.js", tt.src, "handler")
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindSyntax {
			t.Errorf("Compile(%.40q) = %v, want a syntax error", tt.src, err)
			continue
		}
		if e.Line != tt.line || e.Column != tt.column || !strings.Contains(e.Message, tt.message) {
			t.Errorf("Compile(%.40q) = %d:%d %q, want %d:%d …%q…", tt.src, e.Line, e.Column, e.Message, tt.line, tt.column, tt.message)
		}
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	p := compile(t, `function handler(w, extra) {
		console.log("got", w.eventType, {n: 1});
		w.payload.total = w.payload.items.reduce((s, i) => s + i.price, 0);
		w.headers["X-Extra"] = extra;
		return w;
	}`)
	res, err := p.Run(context.Background(), Input{Args: []json.RawMessage{
		json.RawMessage(`{"eventType": "order.created", "headers": {}, "payload": {"items": [{"price": 2}, {"price": 3.5}]}}`),
		json.RawMessage(`"yes"`),
	}})
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Headers map[string]string
		Payload struct{ Total float64 }
	}
	if err := json.Unmarshal(res.Output, &out); err != nil {
		t.Fatal(err)
	}
	if out.Payload.Total != 5.5 || out.Headers["X-Extra"] != "yes" {
		t.Errorf("output = %s", res.Output)
	}
	if len(res.Logs) != 1 || res.Logs[0] != `got order.created {"n":1}` {
		t.Errorf("logs = %q", res.Logs)
	}
	if res.Duration <= 0 {
		t.Errorf("duration = %v", res.Duration)
	}
}

func TestUndefinedResultIsNull(t *testing.T) {
	t.Parallel()
	res, err := compile(t, `function handler() {}`).Run(context.Background(), Input{})
	if err != nil || string(res.Output) != "null" {
		t.Fatalf("Run = %s, %v; want null", res.Output, err)
	}
}

func TestHostFunctions(t *testing.T) {
	t.Parallel()
	p := compile(t, `function handler(ev, hookhub) {
		hookhub.log("publishing", ev.type);
		const r = hookhub.publish("contact.tagged", {id: ev.data.id, n: 2});
		let caught = "";
		try { hookhub.fail() } catch (e) { caught = e.message }
		return {published: r, caught: caught};
	}`)
	var got []any
	res, err := p.Run(context.Background(), Input{
		Args: []json.RawMessage{json.RawMessage(`{"type": "contact.created", "data": {"id": 7}}`)},
		Host: "hookhub",
		Funcs: map[string]Func{
			"publish": func(_ context.Context, args []any) (any, error) {
				got = args
				return map[string]any{"id": 99}, nil
			},
			"fail": func(context.Context, []any) (any, error) { return nil, fmt.Errorf("no such contact") },
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Output) != `{"published":{"id":99},"caught":"no such contact"}` {
		t.Errorf("output = %s", res.Output)
	}
	if fmt.Sprint(got) != "[contact.tagged map[id:7 n:2]]" {
		t.Errorf("publish got %v", got)
	}
	if len(res.Logs) != 1 || res.Logs[0] != "publishing contact.created" {
		t.Errorf("logs = %q", res.Logs)
	}
}

func TestStops(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		limits    Limits
		kind      string
		message   string
	}{
		{"infinite loop", `function handler() { for (;;) {} }`,
			Limits{Time: 50 * time.Millisecond, Output: 1 << 10, Memory: 1 << 30, Stack: 100}, KindTime, "time limit of 50ms"},
		{"loop at top level", `for (;;) {}; function handler() {}`,
			Limits{Time: 50 * time.Millisecond, Output: 1 << 10, Memory: 1 << 30, Stack: 100}, KindTime, "time limit"},
		{"logs", `function handler() { for (;;) console.log("spam spam spam") }`,
			Limits{Time: time.Minute, Output: 1 << 10, Memory: 1 << 30, Stack: 100}, KindOutput, "limit of 1024 bytes"},
		{"result", `function handler() { return "x".repeat(2000) }`,
			Limits{Time: time.Minute, Output: 1 << 10, Memory: 1 << 30, Stack: 100}, KindOutput, "limit of 1024 bytes"},
		{"memory", `function handler() { const a = []; for (;;) a.push(new Array(100000).fill(1)) }`,
			Limits{Time: time.Minute, Output: 1 << 10, Memory: 32 << 20, Stack: 100}, KindMemory, "limit of 32 MiB"},
		{"recursion", `function handler() { return handler() }`,
			Limits{Time: time.Minute, Output: 1 << 10, Memory: 1 << 30, Stack: 100}, KindThrown, "more than 100 nested calls"},
		{"throw", "function handler() {\n  throw new Error('boom')\n}",
			DefaultLimits(), KindThrown, "Error: boom"},
		{"cycle", `function handler() { const a = {}; a.a = a; return a }`,
			DefaultLimits(), KindResult, "not JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := compile(t, tt.src).Run(context.Background(), Input{Limits: tt.limits})
			var e *Error
			if !errors.As(err, &e) || e.Kind != tt.kind || !strings.Contains(e.Message, tt.message) {
				t.Fatalf("Run = %v, want %s error …%q…", err, tt.kind, tt.message)
			}
			if res == nil || res.Duration <= 0 {
				t.Fatalf("result = %+v, want the run's duration", res)
			}
		})
	}
}

func TestThrownErrorHasPosition(t *testing.T) {
	t.Parallel()
	_, err := compile(t, "function handler() {\n  null.x;\n}").Run(context.Background(), Input{})
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindThrown || e.Line != 2 {
		t.Fatalf("Run = %#v, want a TypeError on line 2", err)
	}
}

func TestNoOutsideAccess(t *testing.T) {
	t.Parallel()
	res, err := compile(t, `function handler() {
		return [typeof require, typeof fetch, typeof process, typeof setTimeout, typeof XMLHttpRequest, typeof Deno, typeof hookhub];
	}`).Run(context.Background(), Input{})
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Output) != `["undefined","undefined","undefined","undefined","undefined","undefined","undefined"]` {
		t.Fatalf("globals = %s", res.Output)
	}
}

func TestRunsDoNotShareGlobals(t *testing.T) {
	t.Parallel()
	p := compile(t, `var seen = globalThis.seen || 0; function handler() { globalThis.seen = seen + 1; return globalThis.seen }`)
	for range 2 {
		res, err := p.Run(context.Background(), Input{})
		if err != nil || string(res.Output) != "1" {
			t.Fatalf("Run = %s, %v; want 1 each time", res.Output, err)
		}
	}
}

func TestContextEnds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := compile(t, `function handler() { for (;;) {} }`).Run(ctx, Input{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
}

// BenchmarkRun measures one run of a small transform: a fresh runtime,
// the arguments in, the result out.
func BenchmarkRun(b *testing.B) {
	p := compile(b, `function handler(w) { w.headers["X-Env"] = "prod"; w.payload = {kind: w.eventType, data: w.payload}; return w }`)
	in := Input{Args: []json.RawMessage{json.RawMessage(`{"method": "POST", "url": "https://example.com/hook", "eventType": "contact.created", "headers": {}, "payload": {"id": 42, "name": "Ada", "email": "ada@example.com"}}`)}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Run(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}

func TestCache(t *testing.T) {
	t.Parallel()
	var c Cache
	a, err := c.Compile("t.js", "function handler() {}", "handler")
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := c.Compile("t.js", "function handler() {}", "handler"); b != a {
		t.Error("the same source compiled twice")
	}
	if _, err := c.Compile("t.js", "function handler( {}", "handler"); err == nil {
		t.Error("a bad source compiled")
	}
}
