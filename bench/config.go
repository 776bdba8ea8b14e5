package bench

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Config says what to run and how much. Start from Defaults.
type Config struct {
	Events      int           // events to publish
	Concurrency int           // senders publishing at once, in a burst (ignored with Rate)
	Rate        float64       // events a second, paced; 0 publishes in a burst
	Fanout      int           // webhooks every event goes to
	Payload     int           // bytes of each event's data
	MaxInFlight int           // max_in_flight of each webhook
	Timeout     time.Duration // how long to wait for deliveries once publishing ended

	// Where hookhub is. With Target set, the hookhub at that base URL is
	// measured with Token (a token with every scope); it must run on this
	// machine with private targets allowed, for its deliveries to reach the
	// loopback receiver. Otherwise Nodes processes of Executable are
	// started with "serve" on DB.
	Target     string
	Token      string
	Executable string        // the hookhub binary; required without Target
	Env        []string      // environment of the started processes (HOOKHUB_* settings reach serve)
	DB         string        // a postgres:// URL; empty: a new SQLite file in Dir
	Nodes      int           // processes sharing DB (PostgreSQL only when more than one)
	Lease      time.Duration // HOOKHUB_LEASE of the started processes; 0 leaves serve's default
	KillAfter  int           // SIGKILL the first node once this many events were accepted; 0 never
	Dir        string        // where the SQLite database and the logs go; empty: a new temp folder

	CPUProfile      string        // write a CPU profile of the first node here
	ProfileDuration time.Duration // how long the CPU profile covers, from the first publish

	Progress io.Writer // a line at each step; nil says nothing

	// Ceiling runs the same load, after hookhub's run, against an
	// in-process server that accepts, signs and sends as hookhub does but
	// stores nothing, and reports hookhub's ratio to it: a figure that
	// says more than deliveries/s about hookhub, since the machine, the
	// load and the receiver are the same in both.
	Ceiling bool

	// Preload gives the database this many finished deliveries of another
	// tenant, with their events and attempts, before hookhub starts: the
	// history months of use leave, to show whether hookhub stays as fast
	// as its tables grow.
	Preload int

	// Purge measures a retention purge of the preloaded history during
	// the steady load (Rate): the history is made all at one time, and the
	// node is started with a retention and a purge interval
	// (HOOKHUB_RETENTION, HOOKHUB_PURGE_INTERVAL) that make its second
	// purge, about PurgeAfter after it starts, delete the whole history.
	// The report tells what the purge deleted, how long it took, when it
	// ran, whether the history is gone, and the latency of the deliveries
	// of the events published while it ran.
	Purge      bool
	PurgeAfter time.Duration
}

// Defaults are the figures the benchmark is usually quoted at: a burst of
// 20,000 events from 32 senders to one webhook.
func Defaults() Config {
	return Config{
		Events:          20000,
		Concurrency:     32,
		Fanout:          1,
		Payload:         1024,
		MaxInFlight:     256,
		Timeout:         5 * time.Minute,
		Nodes:           1,
		ProfileDuration: 10 * time.Second,
		PurgeAfter:      5 * time.Second,
	}
}

// KillLease is the lease "hookhub bench --kill-after" gives the nodes when
// none is asked for: above the webhooks' 5 s timeout, and short, so that the
// killed node's claims come back soon.
const KillLease = 10 * time.Second

// minPayload is the size of the smallest data an event can carry: its
// sequence number and send time, without padding.
const minPayload = len(`{"seq":1000000000,"sent":1000000000000000000,"pad":""}`)

// Validate says, in plain sentences, what is wrong with c.
func (c Config) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Events < 1 || c.Events > 100_000_000 {
		add("events must be between 1 and 100000000, not %d", c.Events)
	}
	if c.Rate < 0 {
		add("rate must not be negative, not %g", c.Rate)
	}
	if c.Rate == 0 && (c.Concurrency < 1 || c.Concurrency > 10000) {
		add("concurrency must be between 1 and 10000, not %d", c.Concurrency)
	}
	if c.Fanout < 1 || c.Fanout > 1000 {
		add("fanout must be between 1 and 1000, not %d", c.Fanout)
	}
	if c.Payload < minPayload || c.Payload > 512<<10 {
		add("payload must be between %d and %d bytes, not %d", minPayload, 512<<10, c.Payload)
	}
	if c.MaxInFlight < 1 || c.MaxInFlight > 1000 {
		add("max in flight must be between 1 and 1000, not %d", c.MaxInFlight)
	}
	if c.Timeout <= 0 {
		add("timeout must be positive, not %s", c.Timeout)
	}
	if c.Target != "" {
		if c.Token == "" {
			add("a target needs a token: pass the token of a tenant with every scope")
		}
		if !strings.HasPrefix(c.Target, "http://") && !strings.HasPrefix(c.Target, "https://") {
			add("target must be an http:// or https:// URL, not %q", c.Target)
		}
		if c.DB != "" || c.Nodes > 1 || c.KillAfter > 0 || c.CPUProfile != "" {
			add("with a target, hookhub is not started: db, nodes, kill-after and cpuprofile do not apply")
		}
	} else {
		if c.Executable == "" {
			add("the hookhub executable to start must be named")
		}
		if c.Nodes < 1 || c.Nodes > 64 {
			add("nodes must be between 1 and 64, not %d", c.Nodes)
		}
		if c.Nodes > 1 && !isPostgres(c.DB) {
			add("more than one node needs a postgres:// database")
		}
	}
	if c.Preload < 0 || c.Preload > 100_000_000 {
		add("preload must be between 0 and 100000000, not %d", c.Preload)
	}
	if c.Preload > 0 && c.Target != "" {
		add("preload writes to the database of a hookhub this benchmark starts, not a target")
	}
	if c.Ceiling && c.Target != "" {
		add("the ceiling is measured beside a hookhub this benchmark starts, not a target")
	}
	if c.KillAfter < 0 || (c.KillAfter > 0 && c.KillAfter >= c.Events) {
		add("kill-after must be between 1 and events-1, not %d", c.KillAfter)
	}
	if c.KillAfter > 0 && c.Nodes < 2 {
		add("kill-after needs at least two nodes, so that one is left")
	}
	if c.Purge {
		load := time.Duration(float64(c.Events) / c.Rate * float64(time.Second))
		switch {
		case c.Preload < 1:
			add("purge deletes the preloaded history: give preload a number of deliveries")
		case c.Rate == 0:
			add("purge is measured during a steady load: give a rate")
		case c.Target != "" || c.KillAfter > 0:
			add("purge needs the hookhub this benchmark starts, none killed: no target, no kill-after")
		case c.PurgeAfter < time.Second:
			add("purge-after must be at least 1s (the node's shortest purge interval), not %s", c.PurgeAfter)
		case c.PurgeAfter >= load:
			add("the steady load lasts %s (events/rate): purge-after (%s) must be shorter, for the purge to start during it", load.Round(time.Millisecond), c.PurgeAfter)
		}
	}
	if c.CPUProfile != "" && c.ProfileDuration < time.Second {
		add("the CPU profile must cover at least 1s, not %s", c.ProfileDuration)
	}
	return errors.Join(errs...)
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}
