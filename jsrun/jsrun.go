package jsrun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/metrics"
	"strings"
	"time"

	"github.com/dop251/goja"
	"github.com/dop251/goja/ast"
	"github.com/dop251/goja/parser"
)

// Kinds of Error.
const (
	KindSyntax = "syntax"    // the source does not compile
	KindTime   = "time"      // the run took longer than Limits.Time
	KindMemory = "memory"    // the heap grew past Limits.Memory during the run
	KindOutput = "output"    // logs and result went past Limits.Output
	KindThrown = "exception" // the script threw, or overflowed its stack
	KindResult = "result"    // the handler returned something that is not JSON
)

// Error says why a source was refused or a run stopped. Line and Column
// (from 1) are set for syntax errors and, where known, for exceptions.
type Error struct {
	Kind    string
	Message string
	Line    int
	Column  int
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s (line %d, column %d)", e.Message, e.Line, e.Column)
	}
	return e.Message
}

// Limits bound one run.
type Limits struct {
	Time   time.Duration
	Output int   // bytes of logs and result
	Memory int64 // bytes the heap may grow by during the run
	Stack  int   // nested calls
}

// DefaultLimits are the limits of a run when the caller sets none.
func DefaultLimits() Limits {
	return Limits{Time: time.Second, Output: 64 << 10, Memory: 64 << 20, Stack: 512}
}

// MaxSource is the largest source accepted, in bytes.
const MaxSource = 64 << 10

// Program is a compiled source; it is safe for concurrent use.
type Program struct {
	prog  *goja.Program
	entry string
}

// Compile parses src (named name in messages) and checks that it declares
// the function entry at its top level.
func Compile(name, src, entry string) (*Program, error) {
	if len(src) > MaxSource {
		return nil, &Error{Kind: KindSyntax, Message: fmt.Sprintf("must be at most %d bytes", MaxSource)}
	}
	tree, err := parser.ParseFile(nil, name, src, 0)
	if err != nil {
		return nil, syntaxError(err)
	}
	if !declares(tree, entry) {
		return nil, &Error{Kind: KindSyntax, Message: fmt.Sprintf("must declare function %s(…) at its top level", entry)}
	}
	prog, err := goja.CompileAST(tree, false)
	if err != nil {
		return nil, syntaxError(err)
	}
	return &Program{prog: prog, entry: entry}, nil
}

func syntaxError(err error) *Error {
	var list parser.ErrorList
	var one *parser.Error
	var comp *goja.CompilerSyntaxError
	switch {
	case errors.As(err, &list) && len(list) > 0:
		return &Error{Kind: KindSyntax, Message: list[0].Message, Line: list[0].Position.Line, Column: list[0].Position.Column}
	case errors.As(err, &one):
		return &Error{Kind: KindSyntax, Message: one.Message, Line: one.Position.Line, Column: one.Position.Column}
	case errors.As(err, &comp) && comp.File != nil:
		p := comp.File.Position(comp.Offset)
		return &Error{Kind: KindSyntax, Message: comp.Message, Line: p.Line, Column: p.Column}
	}
	return &Error{Kind: KindSyntax, Message: err.Error()}
}

func declares(tree *ast.Program, name string) bool {
	for _, st := range tree.Body {
		if f, ok := st.(*ast.FunctionDeclaration); ok && f.Function.Name != nil && string(f.Function.Name.Name) == name {
			return true
		}
	}
	return false
}

// Func is a host function offered to scripts. Its arguments arrive as JSON
// values (map[string]any, []any, float64 or int64, string, bool, nil); its
// result goes back as JSON. An error is thrown in the script as an Error
// with the error's text, which the script may catch. ctx ends when the run
// does.
type Func func(ctx context.Context, args []any) (any, error)

// Input is one run: the JSON arguments of the entry function, the host
// functions on an object named Host ("hookhub"), and limits. The host
// object is a global and also the entry function's last argument.
type Input struct {
	Args   []json.RawMessage
	Host   string
	Funcs  map[string]Func
	Limits Limits
}

// Result is what a run produced, also when it failed: the entry function's
// return value as JSON ("null" for undefined), the lines logged, and how long
// it took.
type Result struct {
	Output   json.RawMessage
	Logs     []string
	Duration time.Duration
}

// Run calls the entry function with in.Args in a fresh runtime. The error,
// when not nil, is an *Error, or ctx's error when ctx ended first.
func (p *Program) Run(ctx context.Context, in Input) (*Result, error) {
	lim := in.Limits
	if lim == (Limits{}) {
		lim = DefaultLimits()
	}
	start := time.Now()
	r := &run{rt: goja.New(), lim: lim}
	res := &Result{}
	ctx, cancel := context.WithTimeout(ctx, lim.Time)
	defer cancel()
	r.ctx = ctx
	stop := r.watch(ctx)
	err := r.call(p, in, res)
	stop()
	res.Duration = time.Since(start)
	res.Logs = r.logs
	if err == nil {
		return res, nil
	}
	return res, r.explain(err)
}

// run is the state of one run.
type run struct {
	rt     *goja.Runtime
	ctx    context.Context
	lim    Limits
	logs   []string
	output int
}

// watch interrupts the runtime when ctx ends or the heap grows too much.
func (r *run) watch(ctx context.Context) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		metrics.Read(sample)
		base := sample[0].Value.Uint64()
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				if errors.Is(ctx.Err(), context.DeadlineExceeded) {
					r.rt.Interrupt(&Error{Kind: KindTime, Message: fmt.Sprintf("stopped after the time limit of %s", r.lim.Time)})
				} else {
					r.rt.Interrupt(ctx.Err())
				}
				return
			case <-tick.C:
				metrics.Read(sample)
				if now := sample[0].Value.Uint64(); now > base && int64(now-base) > r.lim.Memory {
					r.rt.Interrupt(&Error{Kind: KindMemory, Message: fmt.Sprintf("stopped: memory grew past the limit of %d MiB", r.lim.Memory>>20)})
					return
				}
			}
		}
	}()
	return func() { close(done); <-finished }
}

func (r *run) call(p *Program, in Input, res *Result) error {
	rt := r.rt
	rt.SetMaxCallStackSize(r.lim.Stack)
	if err := r.install(in); err != nil {
		return err
	}
	if _, err := rt.RunProgram(p.prog); err != nil {
		return err
	}
	entry, ok := goja.AssertFunction(rt.Get(p.entry))
	if !ok {
		return &Error{Kind: KindThrown, Message: p.entry + " is not a function"}
	}
	args := make([]goja.Value, len(in.Args))
	for i, a := range in.Args {
		v, err := r.fromJSON(a)
		if err != nil {
			return err
		}
		args[i] = v
	}
	if in.Host != "" {
		args = append(args, rt.Get(in.Host))
	}
	out, err := entry(goja.Undefined(), args...)
	if err != nil {
		return err
	}
	text, err := r.toJSON(out)
	if err != nil {
		return err
	}
	if err := r.spend(len(text)); err != nil {
		return err
	}
	res.Output = json.RawMessage(text)
	return nil
}

// install sets console.log and the host object.
func (r *run) install(in Input) error {
	rt := r.rt
	logf := func(call goja.FunctionCall) goja.Value {
		parts := make([]string, len(call.Arguments))
		for i, a := range call.Arguments {
			if s, ok := a.Export().(string); ok {
				parts[i] = s
			} else if text, err := r.toJSON(a); err == nil {
				parts[i] = text
			} else {
				parts[i] = a.String()
			}
		}
		line := strings.Join(parts, " ")
		if err := r.spend(len(line) + 1); err != nil {
			rt.Interrupt(err)
			return goja.Undefined()
		}
		r.logs = append(r.logs, line)
		return goja.Undefined()
	}
	console := rt.NewObject()
	if err := console.Set("log", logf); err != nil {
		return err
	}
	if err := rt.Set("console", console); err != nil {
		return err
	}
	if in.Host == "" {
		return nil
	}
	host := rt.NewObject()
	if err := host.Set("log", logf); err != nil {
		return err
	}
	for name, fn := range in.Funcs {
		if err := host.Set(name, r.wrap(fn)); err != nil {
			return err
		}
	}
	return rt.Set(in.Host, host)
}

func (r *run) wrap(fn Func) func(goja.FunctionCall) goja.Value {
	return func(call goja.FunctionCall) goja.Value {
		args := make([]any, len(call.Arguments))
		for i, a := range call.Arguments {
			text, err := r.toJSON(a)
			if err != nil {
				panic(r.rt.NewTypeError("argument %d is not JSON: %s", i+1, err))
			}
			if err := json.Unmarshal([]byte(text), &args[i]); err != nil {
				panic(r.rt.NewTypeError("argument %d is not JSON: %s", i+1, err))
			}
		}
		out, err := fn(r.ctx, args)
		if err != nil {
			panic(r.rt.NewGoError(err))
		}
		data, err := json.Marshal(out)
		if err != nil {
			panic(r.rt.NewGoError(fmt.Errorf("encode result: %w", err)))
		}
		v, err := r.fromJSON(data)
		if err != nil {
			panic(r.rt.NewGoError(err))
		}
		return v
	}
}

// spend counts n bytes of output against the limit.
func (r *run) spend(n int) error {
	r.output += n
	if r.output > r.lim.Output {
		return &Error{Kind: KindOutput, Message: fmt.Sprintf("stopped: output went past the limit of %d bytes", r.lim.Output)}
	}
	return nil
}

func (r *run) fromJSON(data []byte) (goja.Value, error) {
	parse, _ := goja.AssertFunction(r.rt.Get("JSON").ToObject(r.rt).Get("parse"))
	return parse(goja.Undefined(), r.rt.ToValue(string(data)))
}

// toJSON gives v as JSON text, "null" for undefined.
func (r *run) toJSON(v goja.Value) (string, error) {
	if v == nil || goja.IsUndefined(v) {
		return "null", nil
	}
	stringify, _ := goja.AssertFunction(r.rt.Get("JSON").ToObject(r.rt).Get("stringify"))
	out, err := stringify(goja.Undefined(), v)
	if err != nil {
		var ie *goja.InterruptedError
		if errors.As(err, &ie) {
			return "", err
		}
		return "", &Error{Kind: KindResult, Message: "the result is not JSON: " + err.Error()}
	}
	if goja.IsUndefined(out) {
		return "null", nil
	}
	return out.String(), nil
}

// explain turns what goja returned into an *Error (or ctx's error).
func (r *run) explain(err error) error {
	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		if e, ok := ie.Value().(*Error); ok {
			return e
		}
		if e, ok := ie.Value().(error); ok {
			return e
		}
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var so *goja.StackOverflowError
	if errors.As(err, &so) {
		return &Error{Kind: KindThrown, Message: fmt.Sprintf("stopped: more than %d nested calls", r.lim.Stack)}
	}
	var ex *goja.Exception
	if errors.As(err, &ex) {
		out := &Error{Kind: KindThrown, Message: ex.Value().String()}
		if st := ex.Stack(); len(st) > 0 {
			p := st[0].Position()
			out.Line, out.Column = p.Line, p.Column
		}
		return out
	}
	return &Error{Kind: KindThrown, Message: err.Error()}
}
