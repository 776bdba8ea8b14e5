package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hookhub/hookhub/server"
)

// setting is one thing of server.Config an operator sets: a flag, an
// environment variable, or both. The table below is the one place that
// says which; flags, environment and help are made from it.
type setting struct {
	flag  string // "": the environment only (secrets, which would show in ps)
	env   string
	usage string
	db    bool       // the commands that only open the database (tenant create, migrate) take it too
	value flag.Value // nil: read elsewhere (the log settings), listed in help only
}

// settings returns the table, bound to c.
func settings(c *server.Config) []setting {
	return []setting{
		{"addr", "HOOKHUB_ADDR", "listen address", false, str(&c.Addr)},
		{"db", "HOOKHUB_DB", "SQLite file path (its folder is created) or postgres:// URL", true, str(&c.DB)},
		{"", "HOOKHUB_ENCRYPTION_KEY", "32 bytes, hex or base64, encrypting secrets at rest; unset with SQLite: a key file beside the database; required with PostgreSQL", true, str(&c.EncryptionKey)},
		{"sqlite-sync", "HOOKHUB_SQLITE_SYNC", "SQLite synchronous: NORMAL (survives a crash of hookhub) or FULL (survives power loss)", true, str(&c.SQLiteSync)},
		{"pg-max-conns", "HOOKHUB_PG_MAX_CONNS", "PostgreSQL connections per node", true, num(&c.MaxConns, strconv.Atoi)},
		{"allow-private-targets", "HOOKHUB_ALLOW_PRIVATE_TARGETS", "deliver to loopback, private and link-local addresses", false, boolean(&c.AllowPrivateTargets)},
		{"retry-scale", "HOOKHUB_RETRY_SCALE", "multiply every retry and queue delay (0.001 turns minutes into milliseconds)", false, num(&c.RetryScale, func(v string) (float64, error) { return strconv.ParseFloat(v, 64) })},
		{"smtp-url", "HOOKHUB_SMTP_URL", "smtp://user:pass@host:port for e-mail; empty: e-mails go to the log", false, str(&c.SMTPURL)},
		{"mail-from", "HOOKHUB_MAIL_FROM", "sender of e-mails", false, str(&c.MailFrom)},
		{"max-body", "HOOKHUB_MAX_BODY", "request body limit in bytes", false, num(&c.MaxBody, func(v string) (int64, error) { return strconv.ParseInt(v, 10, 64) })},
		{"retention", "HOOKHUB_RETENTION", "how long attempts and events are kept", false, num(&c.Retention, time.ParseDuration)},
		{"purge-interval", "HOOKHUB_PURGE_INTERVAL", "how often what is older than the retention is deleted (and once at start)", false, num(&c.PurgeInterval, time.ParseDuration)},
		{"workers", "HOOKHUB_WORKERS", "delivery requests in flight at once, per node", false, num(&c.Workers, strconv.Atoi)},
		{"poll-interval", "HOOKHUB_POLL_INTERVAL", "how often the queue is checked without a wake-up", false, num(&c.PollInterval, time.ParseDuration)},
		{"lease", "HOOKHUB_LEASE", "how long a claimed delivery is held before another worker may take it; keep it above the longest webhook timeout", false, num(&c.Lease, time.ParseDuration)},
		{"node-id", "HOOKHUB_NODE_ID", "this node's name in the leases it takes, so that it takes back its own at once when it starts again after a crash; default: host name and listen address; two nodes running at once must not share it", false, str(&c.NodeID)},
		{"public-url", "HOOKHUB_PUBLIC_URL", "the base URL senders and browsers reach hookhub at; default http://<addr>", false, str(&c.PublicURL)},
		{"script-timeout", "HOOKHUB_SCRIPT_TIMEOUT", "how long one transform or script run may take", false, num(&c.ScriptTimeout, time.ParseDuration)},
		{"debug-addr", "HOOKHUB_DEBUG_ADDR", "serve /debug/pprof on this address, e.g. 127.0.0.1:6060; keep it private", false, str(&c.DebugAddr)},
		{"", "HOOKHUB_ADMIN_TOKEN", "an admin token for the admin API (/v1/tenants), at least 24 characters; admin-token create makes others", false, str(&c.AdminToken)},
		{"", "HOOKHUB_LOG_FORMAT", "text (the default) or json", false, nil},
		{"", "HOOKHUB_LOG_LEVEL", "info (the default) or debug", false, nil},
	}
}

// configFlags reads c from the environment and binds the flags of the
// settings a command takes (all of them, or the database's only) to fs.
// The returned function reports bad environment values after parsing, so
// that a flag given on the command line wins over a bad variable.
func configFlags(fs *flag.FlagSet, c *server.Config, getenv func(string) string, dbOnly bool) func() error {
	var errs []error
	for _, s := range settings(c) {
		if s.value == nil || (dbOnly && !s.db) {
			continue
		}
		if v := getenv(s.env); v != "" {
			if err := s.value.Set(v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", s.env, err))
			}
		}
		if s.flag != "" {
			fs.Var(s.value, s.flag, s.usage+" ("+s.env+")")
		}
	}
	return func() error { return errors.Join(errs...) }
}

// writeEnvironment lists the environment variables of the settings, with
// their flags.
func writeEnvironment(w io.Writer, dbOnly bool) {
	fmt.Fprintln(w, "\nenvironment (a flag given wins over its variable):")
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	for _, s := range settings(&server.Config{}) {
		if dbOnly && !s.db {
			continue
		}
		f := "(no flag)"
		if s.flag != "" {
			f = "--" + s.flag
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", s.env, f, s.usage)
	}
	tw.Flush()
}

// newFlagSet returns a flag set whose help (-h, --help) goes to stdout and
// whose errors go to stderr, with usage text above the flags.
func newFlagSet(name, usage string, args []string, stdout, stderr io.Writer, after func(io.Writer)) *flag.FlagSet {
	fs := flag.NewFlagSet("hookhub "+name, flag.ContinueOnError)
	out := stderr
	if wantsHelp(args) {
		out = stdout
	}
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintln(out, strings.TrimSpace(usage))
		fmt.Fprintln(out, "\nflags:")
		fs.PrintDefaults()
		if after != nil {
			after(out)
		}
	}
	return fs
}

// wantsHelp reports whether args ask for help before any "--".
func wantsHelp(args []string) bool {
	i := slices.Index(args, "--")
	if i >= 0 {
		args = args[:i]
	}
	return slices.ContainsFunc(args, func(a string) bool { return a == "-h" || a == "-help" || a == "--help" || a == "--h" })
}

// value is a flag.Value over a pointer, parsed by parse.
type value[T any] struct {
	p     *T
	parse func(string) (T, error)
}

func (v value[T]) Set(s string) error {
	x, err := v.parse(s)
	if err != nil {
		return err
	}
	*v.p = x
	return nil
}

func (v value[T]) String() string {
	if v.p == nil { // the zero value flag.PrintDefaults compares with
		var zero T
		return fmt.Sprint(zero)
	}
	return fmt.Sprint(*v.p)
}

func str(p *string) flag.Value {
	return value[string]{p, func(s string) (string, error) { return s, nil }}
}

func num[T any](p *T, parse func(string) (T, error)) flag.Value { return value[T]{p, parse} }

// boolValue is a boolean flag: --allow-private-targets alone means true.
type boolValue struct{ value[bool] }

func (boolValue) IsBoolFlag() bool { return true }

func boolean(p *bool) flag.Value { return boolValue{value[bool]{p, strconv.ParseBool}} }
