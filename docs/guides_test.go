// Package docs_test runs the guides' examples (README.md and docs/*.md)
// against a real hookhub, so that they stay true.
package docs_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hookhub/hookhub/hookhubtest"
	"github.com/hookhub/hookhub/server"
)

// A guide marks each shell example that calls hookhub (a ```sh block with
// curl or the hookhub command) with an HTML comment on the line before it,
// which readers do not see:
//
//	<!-- run -->                        the test runs it
//	<!-- run, expect: `"Success":true` `"id":` -->
//	                                    … and its output has these texts
//	<!-- not run: why -->               it is not run (it starts a server of its own, names ids of another set-up, …)
//
// The run blocks of a guide are run in order, in one bash, from the
// repository's root, as a reader pastes them: against a fresh hookhub
// serving with --allow-private-targets, with the hookhub command built
// from this tree on the PATH and the database of that server in
// HOOKHUB_DB. localhost:8080 is that server; port 9000 (the guides'
// receivers) is a free port. curl fails on an HTTP error (--fail-with-body),
// and so does the block.

type block struct {
	line   int    // of the opening fence
	text   string // the commands
	run    bool
	marked bool
	expect []string
}

var (
	runMark    = regexp.MustCompile("^<!-- run(?:, expect: (.*))? -->$")
	notRunMark = regexp.MustCompile(`^<!-- not run: .+ -->$`)
	expectText = regexp.MustCompile("`([^`]+)`")
	// callsHookhub: a shell example that the marks must cover.
	callsHookhub = regexp.MustCompile(`(^|[\s(/])(curl|hookhub) `)
)

// blocks reads a guide's ```sh blocks, with their marks.
func blocks(t *testing.T, path string) []block {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []block
	var cur *block
	prev := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && line == "```sh":
			cur = &block{line: n}
			if m := runMark.FindStringSubmatch(prev); m != nil {
				cur.run, cur.marked = true, true
				for _, e := range expectText.FindAllStringSubmatch(m[1], -1) {
					cur.expect = append(cur.expect, e[1])
				}
			} else if notRunMark.MatchString(prev) {
				cur.marked = true
			} else if strings.HasPrefix(prev, "<!-- run") || strings.HasPrefix(prev, "<!-- not run") {
				t.Errorf("%s:%d: mark %q is neither <!-- run --> nor <!-- run, expect: `…` --> nor <!-- not run: why -->", path, n-1, prev)
			}
		case cur != nil && line == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.text += line + "\n"
		}
		prev = line
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// guides are the files whose examples run.
func guides(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	return append([]string{"../README.md"}, docs...)
}

// TestGuidesMarked: every shell example that calls hookhub says whether
// it runs, so that a new one is not left out silently.
func TestGuidesMarked(t *testing.T) {
	runs := 0
	for _, g := range guides(t) {
		for _, b := range blocks(t, g) {
			if !b.marked && callsHookhub.MatchString(b.text) {
				t.Errorf("%s:%d: a shell example calls hookhub without <!-- run --> or <!-- not run: why --> on the line before it", g, b.line)
			}
			if b.run {
				runs++
			}
		}
	}
	// The guides that make webhooks or send to hookhub run some of theirs.
	for _, g := range []string{"../README.md", "crm360.md", "inbound.md", "salesiq.md", "superoffice.md", "svix.md", "tilby.md"} {
		n := 0
		for _, b := range blocks(t, g) {
			if b.run {
				n++
			}
		}
		if n == 0 {
			t.Errorf("%s runs none of its examples", g)
		}
	}
}

// need finds a program the examples use; without it the test skips, or
// fails under CI.
func need(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the guides' examples need %s: %v", name, err)
		}
		t.Skipf("the guides' examples need %s: %v", name, err)
	}
}

// buildHookhub builds the hookhub command of this tree into dir.
func buildHookhub(t *testing.T, dir string) {
	t.Helper()
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "hookhub"), "./cmd/hookhub")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/hookhub: %v\n%s", err, out)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestGuides runs each guide's run blocks against a server of its own.
func TestGuides(t *testing.T) {
	for _, p := range []string{"bash", "curl", "python3"} {
		need(t, p)
	}
	bin := t.TempDir()
	buildHookhub(t, bin)
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range guides(t) {
		var run []block
		for _, b := range blocks(t, g) {
			if b.run {
				run = append(run, b)
			}
		}
		if len(run) == 0 {
			continue
		}
		t.Run(filepath.Base(g), func(t *testing.T) { runGuide(t, g, root, bin, run) })
	}
}

func runGuide(t *testing.T, guide, root, bin string, run []block) {
	srv := hookhubtest.NewServer(t, hookhubtest.ServerOptions{Config: func(c *server.Config) {
		c.AllowPrivateTargets = true // as the guides serve
	}})
	addr := strings.TrimPrefix(srv.URL, "http://")
	receiver := strconv.Itoa(freePort(t))
	subst := strings.NewReplacer("localhost:8080", addr, "127.0.0.1:8080", addr,
		"127.0.0.1:9000", "127.0.0.1:"+receiver, "localhost:9000", "127.0.0.1:"+receiver,
		"receiver.py 9000", "receiver.py "+receiver, "http.server 9000", "http.server --bind 127.0.0.1 "+receiver,
		"./hookhub ", "hookhub ")
	outs := t.TempDir()
	var script strings.Builder
	script.WriteString("set -Eeo pipefail\n")
	script.WriteString("curl() { command curl --fail-with-body \"$@\"; }\n") // an HTTP error fails the block
	script.WriteString("trap 'echo \"failed: $GUIDE_BLOCK\" >&2' ERR\n")
	for i, b := range run {
		fmt.Fprintf(&script, "GUIDE_BLOCK=%s\necho >&2 \"run: $GUIDE_BLOCK\"\n{\n%s} >%s\necho >&2 \"ok: $GUIDE_BLOCK\"\n",
			strconv.Quote(fmt.Sprintf("%s:%d", filepath.Base(guide), b.line)), subst.Replace(b.text), filepath.Join(outs, strconv.Itoa(i)))
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script.String())
	cmd.Dir = root
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"HOOKHUB_DB="+srv.Config.DB, "HOOKHUB_ENCRYPTION_KEY="+srv.Config.EncryptionKey,
		"HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "HOOKHUB_URL=", "HOOKHUB_TOKEN=")
	// A file, not a pipe: receivers the examples start in the background
	// keep it open after bash ends. They stay in bash's process group, and
	// are stopped with it when the test ends.
	logPath := filepath.Join(outs, "log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	err = cmd.Wait()
	log, _ := os.ReadFile(logPath)
	for i, b := range run {
		out, _ := os.ReadFile(filepath.Join(outs, strconv.Itoa(i)))
		if err != nil {
			t.Logf("%s:%d output:\n%s", guide, b.line, out)
		}
		for _, e := range b.expect {
			if !bytes.Contains(out, []byte(e)) && bytes.Contains(log, fmt.Appendf(nil, "ok: %s:%d", filepath.Base(guide), b.line)) {
				t.Errorf("%s:%d: the output has no %s:\n%s", guide, b.line, e, out)
			}
		}
	}
	if err != nil {
		t.Fatalf("the examples of %s failed (%v):\n%s", guide, err, log)
	}
}
