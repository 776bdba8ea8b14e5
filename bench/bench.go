package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Run starts hookhub (or uses Target), runs the benchmark c describes and
// reports what it measured. The report is returned as far as it got also
// with an error, when the run itself went wrong; missing deliveries are
// not an error but a figure of the report.
func Run(ctx context.Context, c Config) (*Report, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	r := &run{cfg: c, clock: newClock(), runID: randomHex(6), lists: true}
	rep, err := r.run(ctx)
	r.close()
	if rep != nil {
		rep.setCPUFigures()
	}
	if err != nil || !c.Ceiling {
		return rep, err
	}
	r.say("measuring the ceiling: the same load on an in-process server that stores nothing")
	ceil, err := runCeiling(ctx, c)
	rep.Ceiling = ceil
	if ceil != nil && ceil.DeliveriesPerS > 0 {
		rep.RatioToCeiling = rep.DeliveriesPerS / ceil.DeliveriesPerS
		// The harness (senders, receiver) does the same work in both runs;
		// what the ceiling run spent beyond it is the ceiling server's.
		ceil.CPUSeconds = max(0, ceil.HarnessCPUSeconds-rep.HarnessCPUSeconds)
	}
	return rep, err
}

// runCeiling runs c's load against the ceiling (see Config.Ceiling).
func runCeiling(ctx context.Context, c Config) (*Report, error) {
	token := randomHex(16)
	cs, err := startCeiling(token)
	if err != nil {
		return nil, err
	}
	defer cs.close()
	cc := c
	cc.Target, cc.Token, cc.Ceiling, cc.Purge = cs.URL(), token, false, false
	cc.Executable, cc.Env, cc.DB, cc.Nodes, cc.KillAfter, cc.CPUProfile = "", nil, "", 1, 0, ""
	r := &run{cfg: cc, clock: newClock(), runID: randomHex(6)}
	defer r.close()
	rep, err := r.run(ctx)
	if rep != nil {
		rep.Database, rep.Nodes = "ceiling", 1
	}
	return rep, err
}

// run is one benchmark under way, and what must be undone after it.
type run struct {
	cfg      Config
	clock    clock
	runID    string
	dir      string
	tally    *tally
	rcv      *receiver
	api      *api
	nodes    []*node
	webhooks []int64
	base     string // the API used for set-up and clean-up
	lists    bool   // time the API's list pages after the run

	dbURL       string    // the nodes' HOOKHUB_DB
	env         []string  // the environment of tenant create and the preload
	history     string    // the tenant of the preloaded history
	historyMade time.Time // when the history was made (its first row, or all of it in a purge run)
	crossing    time.Time // when the history becomes older than the retention, in a purge run
}

func (r *run) say(format string, args ...any) {
	if r.cfg.Progress != nil {
		fmt.Fprintf(r.cfg.Progress, "bench: "+format+"\n", args...)
	}
}

func (r *run) run(ctx context.Context) (*Report, error) {
	c := r.cfg
	rep := &Report{
		Mode: "burst", Concurrency: c.Concurrency, Events: c.Events, Fanout: c.Fanout,
		Payload: c.Payload, Database: "sqlite", Nodes: c.Nodes, Preload: c.Preload,
	}
	if c.Rate > 0 {
		rep.Mode, rep.Rate, rep.Concurrency = "rate", c.Rate, 0
	}
	if c.Purge {
		rep.Mode = "purge"
	}
	switch {
	case c.Target != "":
		rep.Database, rep.Nodes = "target", 0
	case isPostgres(c.DB):
		rep.Database = "postgres"
	}

	r.tally = newTally(c.Events, c.Fanout)
	var err error
	if r.rcv, err = startReceiver(r.tally, r.clock); err != nil {
		return nil, err
	}
	token := c.Token
	urls := []string{c.Target}
	if c.Target == "" {
		if token, err = r.startNodes(ctx); err != nil {
			return nil, err
		}
		urls = urls[:0]
		for _, n := range r.nodes {
			urls = append(urls, n.url)
		}
		rep.Dir = r.dir
	}
	// Set-up, the check that the queue is empty and clean-up go to the
	// last node: the one never killed.
	r.base = urls[len(urls)-1]
	conns := c.Concurrency
	if c.Rate > 0 {
		conns = 256
	}
	r.api = newAPI(token, conns)
	if r.webhooks, err = r.api.createWebhooks(ctx, r.base, c.Fanout, c.MaxInFlight, r.rcv.URL); err != nil {
		return nil, err
	}
	r.say("%d webhook(s) to the receiver at %s; publishing %d events", c.Fanout, r.rcv.URL(0), c.Events)

	for _, n := range r.nodes {
		n.mu.Lock()
		n.start, _ = readUsage(n.cmd.Process.Pid)
		n.mu.Unlock()
	}
	harnessStart := selfCPU()
	began := r.clock.now()
	// A node that ends by itself ends the run.
	runCtx, stopRun := context.WithCancelCause(ctx)
	defer stopRun(nil)
	watchCtx, stopWatch := context.WithCancel(runCtx)
	defer stopWatch()
	go func() {
		if err := r.watch(watchCtx); err != nil {
			stopRun(err)
		}
	}()
	ctx = runCtx

	var profiled sync.WaitGroup
	var profileErr error
	if c.CPUProfile != "" {
		profiled.Go(func() { profileErr = r.nodes[len(r.nodes)-1].profile(ctx, c.ProfileDuration, c.CPUProfile) })
	}

	p := newPublisher(r.api, c, r.clock, r.tally, r.runID, urls)
	if c.KillAfter > 0 {
		var once sync.Once
		p.onAccept = func(n int64) {
			if n >= int64(c.KillAfter) {
				once.Do(func() {
					victim := r.nodes[0]
					p.setLive(urls[1:])
					victim.kill()
					rep.Killed = victim.name
					r.say("killed %s (SIGKILL) after %d events were accepted", victim.name, n)
				})
			}
		}
	}
	pubErr := p.run(ctx)
	published := r.clock.now()
	r.say("published in %.2f s; waiting for deliveries", float64(published-began)/1e9)

	// Wait for every delivery, then for the queue to empty, so that the
	// duplicates a killed node leaves behind arrive and are counted.
	deadline := time.Now().Add(c.Timeout)
	rep.Complete = pubErr == nil && waitFor(ctx, deadline, 2*time.Millisecond, func() bool { return r.tally.waiting() == 0 })
	if rep.Complete {
		rep.Drained = waitFor(ctx, deadline, 50*time.Millisecond, func() bool {
			queued, err := r.api.queued(ctx, r.base)
			return err == nil && !queued
		})
	}
	stopWatch()
	if err := context.Cause(runCtx); err != nil && !errors.Is(err, context.Canceled) {
		pubErr = err // a node failed: that explains the rest
	} else if pubErr == nil && ctx.Err() != nil {
		pubErr = ctx.Err()
	}
	ended := r.clock.now()
	rep.HarnessCPUSeconds = seconds(selfCPU() - harnessStart)
	profiled.Wait()
	if profileErr != nil {
		pubErr = errors.Join(pubErr, profileErr)
	} else if c.CPUProfile != "" {
		rep.CPUProfile = c.CPUProfile
	}

	n := r.tally.counts()
	rep.Accepted, rep.PublishFailed, rep.PublishRetries = n.Accepted, int(p.failed.Load()), int(p.retries.Load())
	rep.PublishMaxOpen = int(p.maxFlight.Load())
	if last := p.lastAnswer.Load(); last > began {
		rep.AcceptedPerS = float64(n.Accepted) / (float64(last-began) / 1e9)
	}
	var answers []int64
	for _, a := range p.answers {
		if a > 0 {
			answers = append(answers, a)
		}
	}
	slices.Sort(answers)
	rep.Publish = latencyOf(answers)
	rep.Expected = n.Accepted * c.Fanout
	rep.Deliveries, rep.Received, rep.Duplicates = n.Distinct, n.Received, n.Duplicates
	rep.Missing, rep.Unexpected, rep.Malformed = n.Missing, n.Unexpected, n.Malformed
	if n.LastFirst > began {
		rep.DeliveriesPerS = float64(n.Distinct) / (float64(n.LastFirst-began) / 1e9)
	}
	rep.Latency = latencyOf(n.Latencies)
	rep.ElapsedSeconds = float64(ended-began) / 1e9

	if c.Purge && pubErr == nil && rep.Complete {
		if rep.Purge, err = r.checkPurge(ctx, began, published); err != nil {
			pubErr = err
		}
	}
	if r.lists && pubErr == nil && rep.Complete {
		if rep.Lists, err = r.measureLists(ctx); err != nil {
			pubErr = err
		}
	}
	if err := r.api.deleteWebhooks(context.WithoutCancel(ctx), r.base, r.webhooks); err == nil {
		r.webhooks = nil
	}
	for _, nd := range r.nodes {
		nd.sample()
		nd.mu.Lock()
		nr := NodeReport{
			Name: nd.name, PID: nd.cmd.Process.Pid, PeakRSS: nd.last.PeakRSS,
			CPUSeconds: seconds(nd.last.CPU - nd.start.CPU), Killed: nd.killed, Log: nd.logPath,
		}
		nd.mu.Unlock()
		rep.NodeReports = append(rep.NodeReports, nr)
		rep.PeakRSS += nr.PeakRSS
		rep.CPUSeconds += nr.CPUSeconds
	}
	return rep, pubErr
}

// startNodes creates the tenant and starts the nodes; it returns the
// tenant's token.
func (r *run) startNodes(ctx context.Context) (string, error) {
	c := r.cfg
	r.dir = c.Dir
	if r.dir == "" {
		d, err := os.MkdirTemp("", "hookhub-bench-")
		if err != nil {
			return "", err
		}
		r.dir = d
	} else if err := os.MkdirAll(r.dir, 0o755); err != nil {
		return "", err
	}
	set := map[string]string{
		"HOOKHUB_DB":                    c.DB,
		"HOOKHUB_ALLOW_PRIVATE_TARGETS": "true",
	}
	if c.DB == "" {
		set["HOOKHUB_DB"] = filepath.Join(r.dir, "hookhub.db")
	}
	if isPostgres(c.DB) && lookup(c.Env, "HOOKHUB_ENCRYPTION_KEY") == "" {
		set["HOOKHUB_ENCRYPTION_KEY"] = randomHex(32) // every node the same
	}
	if c.Lease > 0 {
		set["HOOKHUB_LEASE"] = c.Lease.String()
	}
	env := nodeEnv(c.Env, set)
	r.dbURL, r.env = set["HOOKHUB_DB"], env
	r.say("logs in %s", r.dir)
	token, err := createTenant(ctx, c.Executable, env, filepath.Join(r.dir, "tenant-create.log"))
	if err != nil {
		return "", err
	}
	if c.Preload > 0 {
		if err := r.preload(ctx); err != nil {
			return "", err
		}
	}
	if c.Purge {
		more, crossing := purgeSettings(c, r.historyMade, time.Now())
		for k, v := range more {
			set[k] = v
		}
		env, r.crossing = nodeEnv(c.Env, set), crossing
		r.say("the preloaded history becomes older than the retention (%s) in %s; the node purges every %s",
			set["HOOKHUB_RETENTION"], time.Until(crossing).Round(time.Millisecond), c.PurgeAfter)
	}
	for i := range c.Nodes {
		name := fmt.Sprintf("node-%d", i+1)
		n, err := startNode(ctx, name, c.Executable, env, filepath.Join(r.dir, name+".log"), i == c.Nodes-1 && c.CPUProfile != "")
		if err != nil {
			return "", err
		}
		r.nodes = append(r.nodes, n)
		r.say("%s ready at %s (pid %d)", name, n.url, n.cmd.Process.Pid)
	}
	return token, nil
}

// watch samples the nodes' usage while the benchmark runs, and ends the
// run when a node ends that the benchmark did not end.
func (r *run) watch(ctx context.Context) error {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		for _, n := range r.nodes {
			if err := n.failed(); err != nil {
				return err
			}
			n.sample()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// close undoes what the run set up: webhooks, nodes, receiver.
func (r *run) close() {
	if r.api != nil && len(r.webhooks) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = r.api.deleteWebhooks(ctx, r.base, r.webhooks)
		cancel()
	}
	var wg sync.WaitGroup
	for _, n := range r.nodes {
		wg.Go(func() {
			if err := n.stop(20 * time.Second); err != nil {
				r.say("%v", err)
			}
		})
	}
	wg.Wait()
	if r.rcv != nil {
		_ = r.rcv.close()
	}
	if r.cfg.DB == "" && r.dir != "" {
		// The SQLite database is the run's only, and large; the logs stay.
		for _, suffix := range []string{"", "-wal", "-shm"} {
			_ = os.Remove(filepath.Join(r.dir, "hookhub.db"+suffix))
		}
	}
}

// waitFor checks done every period until it is true, the deadline passes
// or ctx ends, and reports whether done came true.
func waitFor(ctx context.Context, deadline time.Time, period time.Duration, done func() bool) bool {
	for {
		if done() {
			return true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false
		}
		time.Sleep(period)
	}
}

// lookup returns the value of key in env, the last one when it is given
// more than once, as exec does.
func lookup(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
