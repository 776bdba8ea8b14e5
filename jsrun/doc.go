// Package jsrun runs the JavaScript of transforms and script webhooks in a
// sandbox, with the goja interpreter (github.com/dop251/goja).
//
// Why goja: it is pure Go (hookhub stays one static binary without cgo, as
// with modernc.org/sqlite), it is the interpreter Convoy runs its
// transformations on, it is actively maintained, and it can be interrupted
// from another goroutine, which is what a time limit needs. V8 bindings
// (v8go) need cgo and a prebuilt V8; otto is ES5 only and slower; QuickJS
// through WebAssembly would add a runtime for little gain at this size.
//
// Compile parses a source once, reporting syntax errors with their line and
// column, and checks that it declares the entry function (handler). Run
// executes it in a fresh runtime each time, so nothing one run leaves in
// its globals reaches another run, nor another tenant.
//
// What the sandbox bounds, and how:
//   - no file, network, timer or module access: goja has none built in, and
//     jsrun adds only console.log and the host functions the caller passes
//     (hookhub.fetch, hookhub.publish, …), which do their own checks;
//   - time: the run is interrupted when Limits.Time has passed (wall time,
//     which includes the time host functions take; their context ends at
//     the same moment);
//   - output: logs and the JSON result together are at most Limits.Output
//     bytes; the run stops at the first byte over;
//   - call depth: at most Limits.Stack nested calls;
//   - memory, approximately: goja has no allocation limit, so a watchdog
//     samples the Go heap every few milliseconds and interrupts the run when
//     it has grown by more than Limits.Memory since the run began. The heap
//     is the process's, so concurrent work counts too, and one allocation
//     larger than the limit (a huge string.repeat) happens before the next
//     sample sees it. It stops runaway growth; it is not an exact quota.
//
// Every stop is an *Error with a Kind, so callers can record why.
package jsrun
