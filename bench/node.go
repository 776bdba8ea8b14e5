package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// node is one hookhub serve process the benchmark started.
type node struct {
	name    string
	url     string // base URL of its API
	debug   string // address of its profiler, when asked for
	logPath string
	cmd     *exec.Cmd
	logFile *os.File
	exited  chan struct{} // closed when the process has ended
	waitErr error         // how it ended, once exited is closed

	mu     sync.Mutex
	ended  bool  // stopped or killed on purpose
	killed bool  // by SIGKILL, mid-run
	start  usage // once ready
	last   usage // the latest reading
}

// nodeEnv is the environment of every process the benchmark starts: env,
// with the settings the benchmark needs put last, so that they win.
func nodeEnv(env []string, set map[string]string) []string {
	out := make([]string, 0, len(env)+len(set))
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := set[k]; !ok {
			out = append(out, kv)
		}
	}
	for k, v := range set {
		out = append(out, k+"="+v)
	}
	return out
}

// freeAddr returns a loopback address no one listens on, for now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// createTenant runs "hookhub tenant create" and returns its token. It also
// brings the database schema up to date before any node starts.
func createTenant(ctx context.Context, exe string, env []string, logPath string) (string, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return "", err
	}
	defer logFile.Close()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, exe, "tenant", "create", "--name", "bench")
	cmd.Env, cmd.Stdout, cmd.Stderr = env, &out, logFile
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("hookhub tenant create: %w (log in %s)", err, logPath)
	}
	var res struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || res.Token == "" {
		return "", fmt.Errorf("hookhub tenant create printed %q, not a token", out.String())
	}
	return res.Token, nil
}

// startNode starts "hookhub serve" and waits until it is ready.
func startNode(ctx context.Context, name, exe string, env []string, logPath string, profile bool) (*node, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	set := map[string]string{"HOOKHUB_ADDR": addr}
	n := &node{name: name, url: "http://" + addr, logPath: logPath, exited: make(chan struct{})}
	if profile {
		if n.debug, err = freeAddr(); err != nil {
			return nil, err
		}
		set["HOOKHUB_DEBUG_ADDR"] = n.debug
	}
	if n.logFile, err = os.Create(logPath); err != nil {
		return nil, err
	}
	n.cmd = exec.Command(exe, "serve")
	n.cmd.Env = nodeEnv(env, set)
	n.cmd.Stdout, n.cmd.Stderr = n.logFile, n.logFile
	n.cmd.SysProcAttr = childAttr()
	if err := n.cmd.Start(); err != nil {
		n.logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() {
		n.waitErr = n.cmd.Wait()
		n.logFile.Close()
		close(n.exited)
	}()
	if err := WaitReady(ctx, n.url, n.exited); err != nil {
		if errors.Is(err, ErrExited) { // n.waitErr is set
			err = fmt.Errorf("%w (%v)", err, n.waitErr)
		}
		err = fmt.Errorf("%s %w; its log is %s", n.name, err, n.logPath)
		n.stop(time.Second)
		return nil, err
	}
	n.start, _ = readUsage(n.cmd.Process.Pid)
	n.last = n.start
	return n, nil
}

// WaitReady waits until the hookhub at base answers /readyz with 200, for
// up to a minute. exited is closed if its process ends first (ErrExited).
func WaitReady(ctx context.Context, base string, exited <-chan struct{}) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := client.Get(base + "/readyz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-exited:
			return ErrExited
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return errors.New("was not ready after a minute")
		}
	}
}

// ErrExited is WaitReady's error for a process that ended before it was
// ready.
var ErrExited = errors.New("exited at start")

// sample reads the process's usage, while it runs.
func (n *node) sample() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ended {
		return
	}
	if u, err := readUsage(n.cmd.Process.Pid); err == nil {
		n.last = u
	}
}

// failed tells why a node ended that the benchmark did not end.
func (n *node) failed() error {
	select {
	case <-n.exited:
	default:
		return nil
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ended {
		return nil
	}
	return fmt.Errorf("%s exited by itself (%v); its log is %s", n.name, n.waitErr, n.logPath)
}

// kill ends the process at once, as a crash would.
func (n *node) kill() {
	n.sample()
	n.mu.Lock()
	n.ended, n.killed = true, true
	n.mu.Unlock()
	_ = n.cmd.Process.Signal(syscall.SIGKILL)
	<-n.exited
}

// stop asks the process to shut down, as an operator would, and kills it
// if it has not within grace.
func (n *node) stop(grace time.Duration) error {
	n.sample()
	n.mu.Lock()
	already := n.ended
	n.ended = true
	n.mu.Unlock()
	if already {
		<-n.exited
		return nil
	}
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.exited:
	case <-time.After(grace):
		_ = n.cmd.Process.Signal(syscall.SIGKILL)
		<-n.exited
		return fmt.Errorf("%s did not stop within %s of SIGTERM; killed it (log: %s)", n.name, grace, n.logPath)
	}
	if n.waitErr != nil {
		return fmt.Errorf("%s stopped with %w (log: %s)", n.name, n.waitErr, n.logPath)
	}
	return nil
}

// profile fetches a CPU profile of d from the node's profiler into path.
func (n *node) profile(ctx context.Context, d time.Duration, path string) error {
	url := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", n.debug, int(d/time.Second))
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("fetch CPU profile: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("fetch CPU profile: %s: %s", resp.Status, b)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return fmt.Errorf("write CPU profile: %w", err)
	}
	return f.Close()
}
