// Command hookhub runs the webhook service and its tools:
//
//	hookhub serve                      API, inbound endpoints, workers
//	hookhub tenant create --name       a tenant and its first token, as JSON
//	hookhub admin-token create --name  an admin token for /v1/tenants, as JSON
//	hookhub migrate                    bring the database schema up to date
//	hookhub bench                      measure deliveries per second and latency
//	hookhub version                    the version it was built from
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
	"runtime/debug"
	"strings"
	"syscall"
	_ "time/tzdata" // SuperOffice's SO-TimeZone zones, also where the system has no zoneinfo

	"github.com/hookhub/hookhub/gctune"
	"github.com/hookhub/hookhub/server"
	"github.com/hookhub/hookhub/service"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "hookhub:", err)
		os.Exit(1)
	}
}

const usage = `usage: hookhub <command> [flags]

commands:
  serve               run the API, inbound endpoints, delivery workers and console
  tenant create       create a tenant and print {"tenant_id", "token"} as JSON
  admin-token create  make an admin token for the admin API (/v1/tenants), printed as JSON
  migrate             bring the database schema up to date and exit
  bench               measure deliveries per second and latency
  version             print hookhub's version

client commands, against a running hookhub (HOOKHUB_URL and HOOKHUB_TOKEN,
or a profile saved by "hookhub login"); JSON when piped or with -o json:
  login               save a server's URL and a token in a profile
  webhooks            list, get, create, update, delete, test, recover
  events              send, list, get
  deliveries          list, get, retry, attempts
  tokens              list, create, revoke
  event-types         list, put, delete
  tenants             list, get, create, rename, disable, enable, delete, token (admin token)
  listen              stream matching deliveries to a local URL (--forward-to), for development

Run "hookhub <command> --help" for the flags of a command.`

// run is main without the process: tests call it. Asking for help is not
// an error: it prints the help on stdout and returns nil.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	err := dispatch(ctx, args, getenv, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func dispatch(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, stderr)
	case "tenant":
		return subcommand(ctx, "tenant", tenantUsage, args[1:], getenv, stdout, stderr, map[string]command{"create": tenantCreate})
	case "admin-token":
		return subcommand(ctx, "admin-token", adminTokenUsage, args[1:], getenv, stdout, stderr, map[string]command{"create": adminTokenCreate})
	case "migrate":
		return migrate(ctx, args[1:], getenv, stdout, stderr)
	case "bench":
		return bench(ctx, args[1:], getenv, stdout, stderr)
	case "webhooks", "events", "deliveries", "tokens", "event-types", "tenants":
		return clientGroup(ctx, args[0], args[1:], getenv, stdout, stderr)
	case "login":
		return login(ctx, args[1:], getenv, stdout, stderr)
	case "listen":
		return listenCmd(ctx, args[1:], getenv, stdout, stderr)
	case "version", "--version":
		return printVersion(stdout)
	case "-h", "--help", "-help", "help":
		fmt.Fprintln(stdout, usage)
		return nil
	default:
		fmt.Fprintln(stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
}

// command is one command of the program.
type command func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error

// subcommand runs one of a group's commands ("tenant create"), or prints
// the group's help.
func subcommand(ctx context.Context, group, help string, args []string, getenv func(string) string, stdout, stderr io.Writer, cmds map[string]command) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, help)
		return fmt.Errorf("no %s command given", group)
	}
	if wantsHelp(args[:1]) || args[0] == "help" {
		fmt.Fprintln(stdout, help)
		return nil
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintln(stderr, help)
		return fmt.Errorf("unknown %s command %q", group, args[0])
	}
	return cmd(ctx, args[1:], getenv, stdout, stderr)
}

const tenantUsage = `usage: hookhub tenant create --name NAME

Works on the database directly (the admin API, POST /v1/tenants, does the
same over HTTP).

commands:
  create   create a tenant and its first token (every scope), printed as {"tenant_id", "token"}

Run "hookhub tenant create --help" for its flags.`

const adminTokenUsage = `usage: hookhub admin-token create --name NAME

commands:
  create   make an admin token for the admin API (/v1/tenants) and print {"id", "token"}

Run "hookhub admin-token create --help" for its flags.`

// printVersion prints the module version and the commit it was built from.
func printVersion(w io.Writer) error {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		_, err := fmt.Fprintln(w, "hookhub (unknown version)")
		return err
	}
	v := info.Main.Version
	var rev, at, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	line := "hookhub " + v
	if rev != "" {
		line += " (" + rev[:min(12, len(rev))] + dirty + " " + at + ")"
	}
	_, err := fmt.Fprintln(w, line, info.GoVersion)
	return err
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

// parse reads the configuration of a command from the environment and
// its flags: every setting for serve, the database's for the others (dbOnly).
// extra adds the command's own flags.
func parse(name, help string, args []string, getenv func(string) string, stdout, stderr io.Writer, dbOnly bool, extra func(*flag.FlagSet)) (server.Config, error) {
	c := server.Defaults()
	fs := newFlagSet(name, help, args, stdout, stderr, func(w io.Writer) { writeEnvironment(w, dbOnly) })
	envErr := configFlags(fs, &c, getenv, dbOnly)
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

const serveUsage = `usage: hookhub serve [flags]

Runs the API, the inbound endpoints, the delivery workers and the console in
one process, on SQLite (a file path, the default) or PostgreSQL (--db
postgres://...). Every flag has an environment variable; some settings are
variables only.`

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, err := parse("serve", serveUsage, args, getenv, stdout, stderr, false, nil)
	if err != nil {
		return err
	}
	log := logger(stderr, getenv)
	// A node keeps little alive and allocates fast: collect after 12 MB
	// (40 on PostgreSQL) rather than every 8 (gctune), unless GOGC or
	// GOMEMLIMIT says otherwise.
	defer gctune.Start(gcHeadroom(c.DB)).Stop()
	s, err := server.New(ctx, c, log)
	if err != nil {
		return err
	}
	return s.Run(ctx)
}

// gcHeadroom is how far the heap may grow beyond what is alive before the
// collector runs, out of a node's memory budget of 100 MB at its peak
// (README, Speed). On SQLite the database's page caches take 34 MB of it
// on two cores, outside Go's heap: 12 MB of headroom cost 5-6 MB of peak
// memory in a burst and saved 3 % of the CPU per delivery; 16 MB saved
// about 5 % but took a node past 100 MB. PostgreSQL keeps its caches in
// its own processes, and a node on it spent four times as much of its
// CPU collecting (12 %): 40 MB saved 5-10 % of its CPU per delivery
// against 12 MB (seven alternated runs), for a peak of 84-86 MB; 48 MB
// saved no more.
func gcHeadroom(db string) uint64 {
	if server.IsPostgres(db) {
		return 40 << 20
	}
	return 12 << 20
}

const tenantCreateUsage = `usage: hookhub tenant create --name NAME [flags]

Creates a tenant and its first token (every scope) in the database and
prints {"tenant_id", "token"} as JSON. The token is shown once.`

func tenantCreate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return onDatabase(ctx, "tenant create", tenantCreateUsage, "the tenant's name, unique among tenants (required)", args, getenv, stdout, stderr,
		func(svc *service.Service, name string) (map[string]string, error) {
			t, token, err := svc.CreateTenant(ctx, name)
			if err != nil {
				return nil, err
			}
			return map[string]string{"tenant_id": t.ID, "token": token}, nil
		})
}

// onDatabase runs a command that takes --name and makes something with the
// service on the database, printing what act returns as JSON.
func onDatabase(ctx context.Context, name, help, nameUsage string, args []string, getenv func(string) string, stdout, stderr io.Writer,
	act func(svc *service.Service, name string) (map[string]string, error)) error {
	var named string
	c, err := parse(name, help, args, getenv, stdout, stderr, true, func(fs *flag.FlagSet) {
		fs.StringVar(&named, "name", "", nameUsage)
	})
	if err != nil {
		return err
	}
	if strings.TrimSpace(named) == "" {
		return errors.New("--name is required")
	}
	s, err := server.New(ctx, c, logger(stderr, getenv))
	if err != nil {
		return err
	}
	defer s.Close()
	out, err := act(s.Service(), named)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(out)
}

const adminTokenCreateUsage = `usage: hookhub admin-token create --name NAME [flags]

Makes an admin token in the database and prints {"id", "token"} as JSON. An
admin token manages tenants over the admin API (/v1/tenants) and reaches
nothing else. The token is shown once. HOOKHUB_ADMIN_TOKEN given to serve
is another way to have one.`

func adminTokenCreate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return onDatabase(ctx, "admin-token create", adminTokenCreateUsage, "what the token is for (required)", args, getenv, stdout, stderr,
		func(svc *service.Service, name string) (map[string]string, error) {
			t, token, err := svc.CreateAdminToken(ctx, name)
			if err != nil {
				return nil, err
			}
			return map[string]string{"id": t.ID, "token": token}, nil
		})
}

const migrateUsage = `usage: hookhub migrate [flags]

Brings the database's schema up to date and exits (serve does it at start
too).`

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, err := parse("migrate", migrateUsage, args, getenv, stdout, stderr, true, nil)
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
