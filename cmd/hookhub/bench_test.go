package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	hhbench "github.com/hookhub/hookhub/bench"
)

// TestMain lets the test binary stand in for the hookhub binary: started
// with HOOKHUB_TEST_AS_HOOKHUB=1 in its environment, it runs main (hookhub
// serve, tenant create, …) instead of the tests. The benchmark tests start
// it so when they cannot build a plain binary (see hookhubExecutable).
func TestMain(m *testing.M) {
	if os.Getenv("HOOKHUB_TEST_AS_HOOKHUB") == "1" {
		main()
		os.Exit(0)
	}
	if len(os.Args) > 1 && !strings.HasPrefix(os.Args[1], "-") {
		// Started as hookhub without the variable: running the tests here
		// would start more of them, and so on.
		fmt.Fprintf(os.Stderr, "%s: started with %q: a test binary runs as hookhub only with HOOKHUB_TEST_AS_HOOKHUB=1\n", os.Args[0], os.Args[1:])
		os.Exit(2)
	}
	code := m.Run()
	if builtDir != "" {
		os.RemoveAll(builtDir)
	}
	os.Exit(code)
}

// builtDir holds the hookhub binary hookhubExecutable built, if it did.
var builtDir string

// hookhubBinary is the executable the benchmark tests start as hookhub and
// the environment to start it with. Under the race detector the test
// binary is slow enough to change the figures and to take minutes, so a
// plain binary is built once (go is at hand wherever the tests are built;
// after go vet, as scripts/test runs it, this takes seconds); when that
// fails, or without the race detector, it is the test binary itself.
var hookhubBinary = sync.OnceValues(func() (string, []string) {
	env := []string{}
	for _, kv := range os.Environ() {
		// The tests set what they need; a developer's settings stay out.
		if !strings.HasPrefix(kv, "HOOKHUB_") {
			env = append(env, kv)
		}
	}
	if raceEnabled() {
		dir, err := os.MkdirTemp("", "hookhub-test-bin-")
		if err == nil {
			exe := filepath.Join(dir, "hookhub")
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			out, err := exec.CommandContext(ctx, "go", "build", "-o", exe, ".").CombinedOutput()
			if err == nil {
				builtDir = dir
				return exe, env
			}
			os.RemoveAll(dir)
			println("hookhub tests: go build failed, the nodes run the (race) test binary:", err.Error(), string(out))
		}
	}
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	return exe, append(env, "HOOKHUB_TEST_AS_HOOKHUB=1")
})

func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// benchRun parses args as "hookhub bench" does and runs the benchmark
// with hookhub started from hookhubBinary.
func benchRun(t *testing.T, args ...string) *hhbench.Report {
	t.Helper()
	c, _, err := benchConfig(append(args, "--dir", t.TempDir()), getenv(nil), testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	c.Executable, c.Env = hookhubBinary()
	c.Progress = testWriter{t}
	rep, err := hhbench.Run(context.Background(), c)
	if err != nil {
		t.Fatalf("bench: %v", err)
	}
	var text bytes.Buffer
	rep.WriteText(&text)
	t.Logf("report:\n%s", text.String())
	return rep
}

// checkComplete fails t unless every event was accepted once and reached
// every webhook, and the figures hang together. Nothing is asserted about
// speed.
func checkComplete(t *testing.T, rep *hhbench.Report, events, fanout int) {
	t.Helper()
	if !rep.Complete || !rep.Drained {
		t.Errorf("complete = %v, drained = %v, want both", rep.Complete, rep.Drained)
	}
	if rep.Accepted != events || rep.PublishFailed != 0 {
		t.Errorf("accepted %d, given up %d; want %d accepted", rep.Accepted, rep.PublishFailed, events)
	}
	if rep.Expected != events*fanout || rep.Deliveries != events*fanout {
		t.Errorf("deliveries %d of %d expected, want %d", rep.Deliveries, rep.Expected, events*fanout)
	}
	if rep.Missing != 0 || rep.Unexpected != 0 || rep.Malformed != 0 {
		t.Errorf("missing %d, unexpected %d, malformed %d; want none", rep.Missing, rep.Unexpected, rep.Malformed)
	}
	if rep.Received != rep.Deliveries+rep.Duplicates {
		t.Errorf("received %d != deliveries %d + duplicates %d", rep.Received, rep.Deliveries, rep.Duplicates)
	}
	l := rep.Latency
	if l.Min < 0 || l.P50 < l.Min || l.P95 < l.P50 || l.P99 < l.P95 || l.Max < l.P99 {
		t.Errorf("latency %+v: want 0 <= min <= p50 <= p95 <= p99 <= max", l)
	}
	if rep.DeliveriesPerS <= 0 || rep.AcceptedPerS <= 0 {
		t.Errorf("deliveries/s %g, accepted/s %g; want both positive", rep.DeliveriesPerS, rep.AcceptedPerS)
	}
}

// TestBench runs the benchmark on SQLite, in a burst and paced, and checks
// that it counts right: every delivery once, none missed, none twice.
func TestBench(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		args           []string
		events, fanout int
	}{
		{"burst", []string{"--events", "300", "--concurrency", "8", "--fanout", "2"}, 300, 2},
		{"rate", []string{"--events", "100", "--rate", "400", "--fanout", "2", "--payload", "100"}, 100, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep := benchRun(t, tt.args...)
			checkComplete(t, rep, tt.events, tt.fanout)
			if rep.Duplicates != 0 {
				t.Errorf("duplicates = %d, want 0", rep.Duplicates)
			}
			if len(rep.NodeReports) != 1 || rep.NodeReports[0].PeakRSS <= 0 || rep.PeakRSS != rep.NodeReports[0].PeakRSS {
				t.Errorf("node reports %+v, peak RSS %d: want one node, its peak RSS read", rep.NodeReports, rep.PeakRSS)
			}
		})
	}
}

// TestBenchTarget runs the command against a hookhub already running, and
// reads its JSON report.
func TestBenchTarget(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"HOOKHUB_DB":                    filepath.Join(t.TempDir(), "hookhub.db"),
		"HOOKHUB_ADDR":                  "127.0.0.1:0",
		"HOOKHUB_ALLOW_PRIVATE_TARGETS": "true",
	}
	token := createTenant(t, env, "bench")
	hh := startServe(t, env)
	var out bytes.Buffer
	args := []string{"bench", "--target", hh.base, "--events", "50", "--concurrency", "4", "--json"}
	if err := run(context.Background(), args, getenv(map[string]string{"HOOKHUB_TOKEN": token}), &out, testWriter{t}); err != nil {
		t.Fatalf("hookhub bench: %v\n%s", err, out.String())
	}
	var rep hhbench.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("hookhub bench --json printed %q: %v", out.String(), err)
	}
	checkComplete(t, &rep, 50, 1)
	if rep.Database != "target" || rep.NodeReports != nil {
		t.Errorf("database %q, node reports %v; want target and none", rep.Database, rep.NodeReports)
	}
	// The benchmark's webhooks are gone.
	var list struct{ Data []json.RawMessage }
	hh.do(t, "GET", "/v1/webhooks", token, nil, 200, &list)
	if len(list.Data) != 0 {
		t.Errorf("%d webhooks left behind", len(list.Data))
	}
}

func TestBenchErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--nodes", "2"}, "more than one node needs a postgres:// database"},
		{[]string{"--events", "0"}, "events must be between 1"},
		{[]string{"--payload", "10"}, "payload must be between"},
		{[]string{"--target", "http://127.0.0.1:1"}, "a target needs a token"},
		{[]string{"--db", "postgres://x/y", "--nodes", "2", "--events", "10", "--kill-after", "10"}, "kill-after must be between 1 and events-1"},
		{[]string{"--kill-after", "5"}, "kill-after needs at least two nodes"},
		{[]string{"extra"}, "unexpected arguments: extra"},
		{[]string{"--rate", "200", "--purge"}, "purge deletes the preloaded history: give preload"},
		{[]string{"--events", "100", "--rate", "200", "--preload", "10", "--purge"}, "purge-after (5s) must be shorter"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		err := run(context.Background(), append([]string{"bench"}, tt.args...), getenv(nil), &out, &out)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("bench %q = %v, want an error containing %q", tt.args, err, tt.want)
		}
	}
}
