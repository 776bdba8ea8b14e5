package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	hhbench "github.com/hookhub/hookhub/bench"
	"github.com/hookhub/hookhub/postgres/pgtest"
	"github.com/hookhub/hookhub/secrets"
)

// The kill tests run hookhub serve as a process, under load, kill it with
// SIGKILL while its deliveries are in flight, start it again, and count per
// event what the receiver got: lost (never delivered), duplicated
// (delivered more than once: at-least-once allows it), and the time from
// the restart until the deliveries the kill cut short, and then every
// event, had been delivered. The lease is five minutes: the killed node's
// deliveries arriving within a minute of its restart shows that it took
// them back, not that their leases ran out.
const (
	killEvents   = 300
	killLease    = 5 * time.Minute
	killRecovery = time.Minute // the bound on recovery: far below the lease
)

// TestKillSQLite kills the one node of a SQLite database under load: when
// it starts again it takes back everything in flight at once.
func TestKillSQLite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"HOOKHUB_DB": filepath.Join(dir, "hookhub.db")}
	k := newKillRun(t, env)
	node := k.start(t, "node", nil)
	k.publish(t, []*killNode{node})

	k.waitArrived(t, killEvents/4)
	node.kill(t)
	killedAt := k.rcv.distinctNow()
	restarted := time.Now()
	node = k.start(t, "node", nil)
	ready := time.Since(restarted)
	all := k.waitAll(t, restarted)

	k.report(t, killedAt, node.tookBack(t), ready, all)
}

// TestKillPostgres kills one of two nodes on a PostgreSQL database under
// load: the other keeps delivering, and the killed one, started again
// under its node id, takes back its own deliveries in flight at once.
func TestKillPostgres(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"HOOKHUB_DB":             pgtest.NewDatabase(t),
		"HOOKHUB_ENCRYPTION_KEY": fmt.Sprintf("%x", secrets.GenerateKey()),
	}
	k := newKillRun(t, env)
	a := k.start(t, "node-a", map[string]string{"HOOKHUB_NODE_ID": "node-a"})
	b := k.start(t, "node-b", map[string]string{"HOOKHUB_NODE_ID": "node-b"})
	k.publish(t, []*killNode{a, b})

	k.waitArrived(t, killEvents/4)
	a.kill(t)
	killedAt := k.rcv.distinctNow()
	// Node b delivers on while node a is away.
	k.waitArrived(t, min(killedAt+killEvents/10, killEvents))
	restarted := time.Now()
	a = k.start(t, "node-a", map[string]string{"HOOKHUB_NODE_ID": "node-a"}) // on another port: the id is what counts
	ready := time.Since(restarted)
	all := k.waitAll(t, restarted)

	k.report(t, killedAt, a.tookBack(t), ready, all)
}

// killRun is one kill test: the receiver, the tenant, the nodes' settings.
type killRun struct {
	rcv   *killReceiver
	exe   string
	env   []string
	token string
	dir   string
	runs  map[string]int // starts of each node, for its log's name
}

func newKillRun(t *testing.T, env map[string]string) *killRun {
	k := &killRun{rcv: newKillReceiver(t), dir: t.TempDir(), runs: map[string]int{}}
	k.token = createTenant(t, env, "kill")
	exe, base := hookhubBinary()
	k.exe = exe
	k.env = append(slices.Clone(base), // shared with the other tests: copied before it grows
		"HOOKHUB_ALLOW_PRIVATE_TARGETS=true", // the receiver is on loopback
		"HOOKHUB_LEASE="+killLease.String(),
		"HOOKHUB_WORKERS=8", // few enough that a fraction of the load is in flight at any time
	)
	for key, v := range env {
		k.env = append(k.env, key+"="+v)
	}
	return k
}

// killNode is one hookhub serve process.
type killNode struct {
	name, addr, log string
	cmd             *exec.Cmd
	done            chan struct{}
}

// start starts a node and waits until it is ready.
func (k *killRun) start(t *testing.T, name string, env map[string]string) *killNode {
	t.Helper()
	k.runs[name]++
	n := &killNode{name: name, log: filepath.Join(k.dir, fmt.Sprintf("%s.%d.log", name, k.runs[name])), done: make(chan struct{})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	n.addr = ln.Addr().String()
	ln.Close()
	logFile, err := os.Create(n.log)
	if err != nil {
		t.Fatal(err)
	}
	n.cmd = exec.Command(k.exe, "serve")
	n.cmd.Env = append(append([]string{}, k.env...), "HOOKHUB_ADDR="+n.addr)
	for key, v := range env {
		n.cmd.Env = append(n.cmd.Env, key+"="+v)
	}
	n.cmd.Stdout, n.cmd.Stderr = logFile, logFile
	if err := n.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() { _ = n.cmd.Wait(); logFile.Close(); close(n.done) }()
	t.Cleanup(func() { n.kill(t) })
	if err := hhbench.WaitReady(t.Context(), "http://"+n.addr, n.done); err != nil {
		t.Fatalf("%s %v:\n%s", name, err, readFile(n.log))
	}
	return n
}

// kill ends the process at once, as a crash would.
func (n *killNode) kill(t *testing.T) {
	select {
	case <-n.done:
		return
	default:
	}
	if err := n.cmd.Process.Kill(); err != nil {
		t.Errorf("kill %s: %v", n.name, err)
	}
	<-n.done
}

// tookBack is how many deliveries the node's log says it took back when
// it started.
func (n *killNode) tookBack(t *testing.T) int {
	t.Helper()
	m := regexp.MustCompile(`took back what this node held.* deliveries=(\d+)`).FindStringSubmatch(readFile(n.log))
	if m == nil {
		return 0
	}
	v, _ := strconv.Atoi(m[1])
	return v
}

func readFile(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

// publish creates the webhook and publishes the events, to the nodes in
// turn, each carrying its number.
func (k *killRun) publish(t *testing.T, nodes []*killNode) {
	t.Helper()
	hh := &hookhub{base: "http://" + nodes[0].addr}
	hh.do(t, "POST", "/v1/webhooks", k.token, map[string]any{
		"url": k.rcv.srv.URL + "/hook", "events": []string{"*"},
		"retry": map[string]any{"schedule_seconds": []float64{1, 1, 1, 1, 1}},
	}, http.StatusCreated, nil)
	// Eight senders at once, so that publishing outruns delivering.
	var wg sync.WaitGroup
	errs := make(chan error, killEvents)
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < killEvents; i += 8 {
				body := strings.NewReader(fmt.Sprintf(`{"type": "contact.created", "data": {"seq": %d}}`, i))
				req, _ := http.NewRequest("POST", "http://"+nodes[i%len(nodes)].addr+"/v1/events", body)
				req.Header.Set("Authorization", "Bearer "+k.token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusAccepted {
					errs <- fmt.Errorf("publish event %d: %s", i, resp.Status)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func (k *killRun) waitArrived(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for k.rcv.distinctNow() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d events arrived after a minute, want %d", k.rcv.distinctNow(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitAll waits until every event arrived, up to killRecovery after the
// restart, and returns how long after the restart the last one came, and
// the last of those the kill had cut short.
func (k *killRun) waitAll(t *testing.T, restarted time.Time) recovery {
	t.Helper()
	for k.rcv.distinctNow() < killEvents && time.Since(restarted) < killRecovery {
		time.Sleep(5 * time.Millisecond)
	}
	since := func(at time.Time) time.Duration { return max(0, at.Sub(restarted)) }
	return recovery{all: since(k.rcv.lastFirst()), cut: since(k.rcv.cutDelivered())}
}

// recovery is how long after the restart every event had been delivered,
// and every event whose request the kill had cut short.
type recovery struct{ all, cut time.Duration }

// report logs the figures, and fails the test for a lost event, a
// recovery beyond the bound, or a restart that took nothing back (then
// nothing was in flight at the kill, and the test proved nothing). Time is
// not asserted otherwise.
func (k *killRun) report(t *testing.T, killedAt, took int, ready time.Duration, rec recovery) {
	t.Helper()
	lost, dups, cut := k.rcv.tally()
	t.Logf("kill test: %d events, %d delivered when the node was killed, %d requests cut short by the kill; "+
		"the restarted node took back %d deliveries; ready %.2f s after the restart; the cut-short events delivered %.2f s after it, "+
		"every event %.2f s after it (lease %s); lost %d, duplicated %d",
		killEvents, killedAt, cut, took, ready.Seconds(), rec.cut.Seconds(), rec.all.Seconds(), killLease, len(lost), dups)
	if t.Failed() || len(lost) > 0 {
		for name, runs := range k.runs {
			for i := 1; i <= runs; i++ {
				path := filepath.Join(k.dir, fmt.Sprintf("%s.%d.log", name, i))
				t.Logf("log of %s:\n%s", filepath.Base(path), readFile(path))
			}
		}
	}
	if took == 0 {
		t.Errorf("the restarted node took back no deliveries: it held none when it was killed")
	}
	if len(lost) > 0 {
		t.Errorf("%d events never delivered within %s of the restart (lease %s): %v", len(lost), killRecovery, killLease, lost)
	}
}

// killReceiver counts the deliveries of each event by its number: a
// delivery counts when the receiver answered it, that is when the sender
// was still there to hear the answer. A request whose sender was killed
// while the receiver took its time is not a delivery: the sender never
// learnt that it arrived, and must send it again.
type killReceiver struct {
	srv      *httptest.Server
	mu       sync.Mutex
	count    map[int]int
	requests int               // every request, answered or not
	last     time.Time         // when an event was last delivered for the first time
	first    map[int]time.Time // when each event was first delivered
	cut      map[int]bool      // events with a request cut short by the sender's end
}

func newKillReceiver(t *testing.T) *killReceiver {
	r := &killReceiver{count: map[int]int{}, first: map[int]time.Time{}, cut: map[int]bool{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var m struct {
			Data struct {
				Seq *int `json:"seq"`
			} `json:"data"`
		}
		if err := json.NewDecoder(req.Body).Decode(&m); err != nil || m.Data.Seq == nil {
			http.Error(w, "no data.seq", http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.requests++
		r.mu.Unlock()
		// A receiver that takes its time keeps deliveries in flight.
		select {
		case <-time.After(200 * time.Millisecond):
		case <-req.Context().Done(): // the sender is gone
			r.mu.Lock()
			r.cut[*m.Data.Seq] = true
			r.mu.Unlock()
			return
		}
		r.mu.Lock()
		r.count[*m.Data.Seq]++
		if r.count[*m.Data.Seq] == 1 {
			r.last = time.Now()
			r.first[*m.Data.Seq] = r.last
		}
		r.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *killReceiver) distinctNow() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.count)
}

// cutDelivered is when the last of the events whose requests the kill cut
// short was delivered after all; zero if one was not.
func (r *killReceiver) cutDelivered() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	var last time.Time
	for seq := range r.cut {
		at, ok := r.first[seq]
		if !ok {
			return time.Time{}
		}
		if at.After(last) {
			last = at
		}
	}
	return last
}

func (r *killReceiver) lastFirst() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

// tally returns the events that were never delivered, the number of extra
// deliveries, and the requests whose sender was gone before the answer.
func (r *killReceiver) tally() (lost []int, dups, unanswered int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	answered := 0
	for i := range killEvents {
		n := r.count[i]
		answered += n
		switch {
		case n == 0:
			lost = append(lost, i)
		case n > 1:
			dups += n - 1
		}
	}
	return lost, dups, r.requests - answered
}
