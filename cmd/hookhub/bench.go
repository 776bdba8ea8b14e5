package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	hhbench "github.com/hookhub/hookhub/bench" // named apart from the command's function bench
)

const benchUsage = `usage: hookhub bench [flags]

Starts hookhub (this executable, "serve") on a fresh SQLite database, or
--nodes processes on one PostgreSQL database (--db postgres://...), or uses
a running one (--target URL --token T); runs a loopback webhook receiver;
creates a tenant and --fanout webhooks; publishes --events events through
the API, in a burst from --concurrency senders or paced at --rate events a
second; waits until the receiver has every delivery (with --purge, also
for the retention purge of the --preload history, which runs during the
load); prints events
accepted/s, deliveries/s, publish-to-delivery latency, duplicates, missing,
and the peak RSS and CPU seconds of each hookhub process. HOOKHUB_*
variables in the environment reach the started nodes (HOOKHUB_WORKERS=256
hookhub bench). Exits 1 when a delivery is missing.

flags:`

// benchConfig reads the flags of "hookhub bench".
func benchConfig(args []string, getenv func(string) string, stderr io.Writer) (hhbench.Config, bool, error) {
	c := hhbench.Defaults()
	var asJSON bool
	fs := flag.NewFlagSet("hookhub bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, benchUsage)
		fs.PrintDefaults()
	}
	fs.IntVar(&c.Events, "events", c.Events, "events to publish")
	fs.IntVar(&c.Concurrency, "concurrency", c.Concurrency, "senders publishing at once, in a burst")
	fs.Float64Var(&c.Rate, "rate", c.Rate, "publish this many events a second, each at its time (open loop), instead of a burst")
	fs.IntVar(&c.Fanout, "fanout", c.Fanout, "webhooks each event goes to")
	fs.IntVar(&c.Payload, "payload", c.Payload, "bytes of each event's data")
	fs.IntVar(&c.MaxInFlight, "max-in-flight", c.MaxInFlight, "max_in_flight of each webhook")
	fs.DurationVar(&c.Timeout, "timeout", c.Timeout, "how long to wait for the deliveries once publishing ended")
	fs.StringVar(&c.DB, "db", c.DB, "a postgres:// URL to run on (its data stays); empty: a new SQLite database in a temp folder")
	fs.IntVar(&c.Nodes, "nodes", c.Nodes, "hookhub processes to start on --db, publishing to each in turn (PostgreSQL only when more than one)")
	fs.DurationVar(&c.Lease, "lease", c.Lease, "HOOKHUB_LEASE of the started nodes; 0: serve's default (10s with --kill-after)")
	fs.IntVar(&c.KillAfter, "kill-after", c.KillAfter, "SIGKILL the first node once this many events were accepted")
	fs.StringVar(&c.Dir, "dir", c.Dir, "where the logs (and the SQLite database, deleted after) go; empty: a new temp folder")
	fs.StringVar(&c.Target, "target", c.Target, "base URL of a running hookhub on this machine, started with --allow-private-targets, to measure instead")
	fs.StringVar(&c.Token, "token", getenv("HOOKHUB_TOKEN"), "with --target: a token of the tenant with every scope (HOOKHUB_TOKEN)")
	fs.StringVar(&c.CPUProfile, "cpuprofile", c.CPUProfile, "write a CPU profile of the (last) node to this file, taken from the first publish")
	fs.DurationVar(&c.ProfileDuration, "profile-duration", c.ProfileDuration, "how long the CPU profile covers")
	fs.BoolVar(&c.Ceiling, "ceiling", c.Ceiling, "then run the same load on an in-process server that accepts, signs and sends without storing, and print hookhub's ratio to it")
	fs.IntVar(&c.Preload, "preload", c.Preload, "first give the database this many finished deliveries (with events and attempts) of another tenant")
	fs.BoolVar(&c.Purge, "purge", c.Purge, "with --preload and --rate: the node's retention purge deletes the preloaded history during the steady load; report what it deleted, how long it took and the latency while it ran")
	fs.DurationVar(&c.PurgeAfter, "purge-after", c.PurgeAfter, "with --purge: the purge starts about this long after the node starts (within the steady load)")
	fs.BoolVar(&asJSON, "json", false, "print the report as one JSON object")
	if err := fs.Parse(args); err != nil {
		return c, false, err
	}
	if fs.NArg() > 0 {
		return c, false, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if c.KillAfter > 0 && c.Lease == 0 {
		c.Lease = hhbench.KillLease
	}
	return c, asJSON, nil
}

// bench is the "hookhub bench" command.
func bench(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, asJSON, err := benchConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	if c.Target == "" {
		if c.Executable, err = os.Executable(); err != nil {
			return fmt.Errorf("find the hookhub executable to start: %w", err)
		}
		c.Env = os.Environ()
	}
	c.Progress = stderr
	rep, err := hhbench.Run(ctx, c)
	if rep != nil {
		if asJSON {
			if e := json.NewEncoder(stdout).Encode(rep); e != nil {
				return e
			}
		} else if e := rep.WriteText(stdout); e != nil {
			return e
		}
	}
	if err != nil {
		return err
	}
	if rep.Missing > 0 || rep.PublishFailed > 0 {
		return fmt.Errorf("%d deliveries missing, %d events not accepted", rep.Missing, rep.PublishFailed)
	}
	return nil
}
