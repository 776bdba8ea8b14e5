// Command hookhub runs the webhook service and its tools:
//
//	hookhub serve                 API, inbound endpoints, workers
//	hookhub tenant create --name  a tenant and its first token, as JSON
//	hookhub migrate               bring the database schema up to date
//	hookhub bench                 measure deliveries per second and latency
//
// Every flag can also be set with a HOOKHUB_* environment variable; a flag
// given on the command line wins.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // SuperOffice's SO-TimeZone zones, also where the system has no zoneinfo

	"github.com/hookhub/hookhub/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "hookhub:", err)
		}
		os.Exit(1)
	}
}

const usage = `usage: hookhub <command> [flags]

commands:
  serve           run the API, inbound endpoints, delivery workers and console
  tenant create   create a tenant and print {"tenant_id", "token"} as JSON
  migrate         bring the database schema up to date and exit
  bench           measure deliveries per second and latency (see hookhub bench -h)

Run "hookhub <command> -h" for the flags of a command.`

// run is main without the process: tests call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stderr)
	case "tenant":
		if len(args) < 2 || args[1] != "create" {
			return errors.New(`unknown tenant command: use "hookhub tenant create --name NAME"`)
		}
		return tenantCreate(ctx, args[2:], getenv, stdout, stderr)
	case "migrate":
		return migrate(ctx, args[1:], getenv, stderr)
	case "bench":
		return bench(ctx, args[1:], getenv, stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprintln(stdout, usage)
		return nil
	default:
		fmt.Fprintln(stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
}

// configFlags binds the server configuration to flags whose defaults come
// from the environment.
func configFlags(fs *flag.FlagSet, c *server.Config, getenv func(string) string) func() error {
	var errs []error
	env := func(name string, set func(string) error) {
		if v := getenv(name); v != "" {
			if err := set(v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
			}
		}
	}
	env("HOOKHUB_ADDR", func(v string) error { c.Addr = v; return nil })
	env("HOOKHUB_DB", func(v string) error { c.DB = v; return nil })
	env("HOOKHUB_ALLOW_PRIVATE_TARGETS", boolVar(&c.AllowPrivateTargets))
	env("HOOKHUB_RETRY_SCALE", floatVar(&c.RetryScale))
	env("HOOKHUB_SMTP_URL", func(v string) error { c.SMTPURL = v; return nil })
	env("HOOKHUB_MAIL_FROM", func(v string) error { c.MailFrom = v; return nil })
	env("HOOKHUB_ENCRYPTION_KEY", func(v string) error { c.EncryptionKey = v; return nil })
	env("HOOKHUB_MAX_BODY", int64Var(&c.MaxBody))
	env("HOOKHUB_RETENTION", durationVar(&c.Retention))
	env("HOOKHUB_WORKERS", intVar(&c.Workers))
	env("HOOKHUB_SQLITE_SYNC", func(v string) error { c.SQLiteSync = v; return nil })
	env("HOOKHUB_POLL_INTERVAL", durationVar(&c.PollInterval))
	env("HOOKHUB_PG_MAX_CONNS", intVar(&c.MaxConns))
	env("HOOKHUB_LEASE", durationVar(&c.Lease))
	env("HOOKHUB_DEBUG_ADDR", func(v string) error { c.DebugAddr = v; return nil })
	env("HOOKHUB_PUBLIC_URL", func(v string) error { c.PublicURL = v; return nil })
	env("HOOKHUB_SCRIPT_TIMEOUT", durationVar(&c.ScriptTimeout))

	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (HOOKHUB_ADDR)")
	fs.StringVar(&c.DB, "db", c.DB, "SQLite file path or postgres:// URL (HOOKHUB_DB)")
	fs.BoolVar(&c.AllowPrivateTargets, "allow-private-targets", c.AllowPrivateTargets, "deliver to loopback, private and link-local addresses (HOOKHUB_ALLOW_PRIVATE_TARGETS)")
	fs.Float64Var(&c.RetryScale, "retry-scale", c.RetryScale, "multiply every retry and queue delay (HOOKHUB_RETRY_SCALE)")
	fs.StringVar(&c.SMTPURL, "smtp-url", c.SMTPURL, "smtp://user:pass@host:port for e-mail; empty logs e-mails (HOOKHUB_SMTP_URL)")
	fs.StringVar(&c.MailFrom, "mail-from", c.MailFrom, "sender of e-mails (HOOKHUB_MAIL_FROM)")
	fs.Int64Var(&c.MaxBody, "max-body", c.MaxBody, "request body limit in bytes (HOOKHUB_MAX_BODY)")
	fs.DurationVar(&c.Retention, "retention", c.Retention, "how long attempts and events are kept (HOOKHUB_RETENTION)")
	fs.IntVar(&c.Workers, "workers", c.Workers, "delivery requests in flight at once (HOOKHUB_WORKERS)")
	fs.StringVar(&c.SQLiteSync, "sqlite-sync", c.SQLiteSync, "SQLite synchronous: NORMAL (survives a crash of hookhub) or FULL (survives power loss) (HOOKHUB_SQLITE_SYNC)")
	fs.IntVar(&c.MaxConns, "pg-max-conns", c.MaxConns, "PostgreSQL connections per node (HOOKHUB_PG_MAX_CONNS)")
	fs.DurationVar(&c.Lease, "lease", c.Lease, "how long a claimed delivery is held before another worker may take it; keep it above the longest webhook timeout (HOOKHUB_LEASE)")
	fs.StringVar(&c.DebugAddr, "debug-addr", c.DebugAddr, "serve /debug/pprof on this address, e.g. 127.0.0.1:6060; keep it private (HOOKHUB_DEBUG_ADDR)")
	fs.StringVar(&c.PublicURL, "public-url", c.PublicURL, "the base URL senders reach hookhub at, for integrations' URLs; default http://<addr> (HOOKHUB_PUBLIC_URL)")
	fs.DurationVar(&c.ScriptTimeout, "script-timeout", c.ScriptTimeout, "how long one transform or script run may take (HOOKHUB_SCRIPT_TIMEOUT)")
	fs.DurationVar(&c.PollInterval, "poll-interval", c.PollInterval, "how often the queue is checked without a wake-up (HOOKHUB_POLL_INTERVAL)")
	return func() error { return errors.Join(errs...) }
}

func boolVar(p *bool) func(string) error {
	return func(v string) (err error) { *p, err = strconv.ParseBool(v); return err }
}

func floatVar(p *float64) func(string) error {
	return func(v string) (err error) { *p, err = strconv.ParseFloat(v, 64); return err }
}

func intVar(p *int) func(string) error {
	return func(v string) (err error) { *p, err = strconv.Atoi(v); return err }
}

func int64Var(p *int64) func(string) error {
	return func(v string) (err error) { *p, err = strconv.ParseInt(v, 10, 64); return err }
}

func durationVar(p *time.Duration) func(string) error {
	return func(v string) (err error) { *p, err = time.ParseDuration(v); return err }
}

func logger(w io.Writer, getenv func(string) string) *slog.Logger {
	level := slog.LevelInfo
	if strings.EqualFold(getenv("HOOKHUB_LOG_LEVEL"), "debug") {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level}
	if strings.EqualFold(getenv("HOOKHUB_LOG_FORMAT"), "json") {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func parse(name string, args []string, getenv func(string) string, stderr io.Writer, extra func(*flag.FlagSet)) (server.Config, error) {
	c := server.Defaults()
	fs := flag.NewFlagSet("hookhub "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	envErr := configFlags(fs, &c, getenv)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if err := envErr(); err != nil {
		return c, err
	}
	return c, c.Validate()
}

func serve(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	c, err := parse("serve", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	log := logger(stderr, getenv)
	s, err := server.New(ctx, c, log)
	if err != nil {
		return err
	}
	return s.Run(ctx)
}

func tenantCreate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var name string
	c, err := parse("tenant create", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&name, "name", "", "the tenant's name (required)")
	})
	if err != nil {
		return err
	}
	if strings.TrimSpace(name) == "" {
		return errors.New("--name is required")
	}
	s, err := server.New(ctx, c, logger(stderr, getenv))
	if err != nil {
		return err
	}
	defer s.Close()
	t, token, err := s.Service().CreateTenant(ctx, name)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(map[string]string{"tenant_id": t.ID, "token": token})
}

func migrate(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	c, err := parse("migrate", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	store, err := server.OpenStore(ctx, c, logger(stderr, getenv))
	if err != nil {
		return err
	}
	fmt.Fprintln(stderr, "database schema is up to date")
	return store.Close()
}
