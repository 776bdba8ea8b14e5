package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/hookhub/hookhub/client"
)

// The client commands (webhooks, events, deliveries, tokens, event-types,
// tenants, login, listen) talk to a running hookhub through package
// client. This file is what they share: finding the server and the token,
// flags, and printing.

// cli is one client command being run.
type cli struct {
	getenv         func(string) string
	stdout, stderr io.Writer

	url, token, profile, output string
}

// clientEnvironment is listed in the client commands' help.
const clientEnvironment = `
environment:
  HOOKHUB_URL           hookhub's base URL (--server); else the profile's
  HOOKHUB_TOKEN         the API token to act with (--token); else the profile's
  HOOKHUB_ADMIN_TOKEN   the admin token, for "hookhub tenants" (before HOOKHUB_TOKEN)
  HOOKHUB_PROFILE       the profile of "hookhub login" to use (--profile), default "default"
  XDG_CONFIG_HOME       where profiles are kept: $XDG_CONFIG_HOME/hookhub/profiles.json (else ~/.config)`

// parse reads the command's flags, its own (bind) and the shared ones, in
// any order among its arguments, and returns exactly nargs arguments.
func (x *cli) parse(name, usage string, args []string, argNames []string, bind func(fs *flag.FlagSet)) ([]string, error) {
	fs := newFlagSet(name, usage, args, x.stdout, x.stderr, func(w io.Writer) { fmt.Fprintln(w, clientEnvironment) })
	if bind != nil {
		bind(fs)
	}
	if fs.Lookup("url") == nil { // login's own --url
		fs.StringVar(&x.url, "server", "", "hookhub's base URL (HOOKHUB_URL)")
	}
	fs.StringVar(&x.token, "token", "", "the token to act with (HOOKHUB_TOKEN)")
	fs.StringVar(&x.profile, "profile", "", `the profile of "hookhub login" (HOOKHUB_PROFILE)`)
	fs.StringVar(&x.output, "o", "", "output: json or table; default a table on a terminal, JSON otherwise")
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != len(argNames) {
		want := "no arguments"
		if len(argNames) > 0 {
			want = strings.Join(argNames, " ")
		}
		return nil, fmt.Errorf("%s takes %s, not %q (see hookhub %s --help)", name, want, pos, name)
	}
	if x.output != "" && x.output != "json" && x.output != "table" {
		return nil, fmt.Errorf("-o must be json or table, not %q", x.output)
	}
	return pos, nil
}

// client returns a client of the server the flags, the environment or the
// profile name, with the admin token when admin.
func (x *cli) client(admin bool) (*client.Client, error) {
	p, err := x.resolve(admin)
	if err != nil {
		return nil, err
	}
	return client.New(p.URL, p.Token, client.WithUserAgent("hookhub-cli")), nil
}

// profile is where a client command goes and with which token.
type profile struct {
	URL   string `json:"url"`
	Token string `json:"token"`
}

// resolve finds the URL and token: flags first, then the environment, then
// the profile.
func (x *cli) resolve(admin bool) (profile, error) {
	p := profile{URL: x.url, Token: x.token}
	if p.URL == "" {
		p.URL = x.getenv("HOOKHUB_URL")
	}
	if p.Token == "" && admin {
		p.Token = x.getenv("HOOKHUB_ADMIN_TOKEN")
	}
	if p.Token == "" {
		p.Token = x.getenv("HOOKHUB_TOKEN")
	}
	if p.URL == "" || p.Token == "" {
		saved, err := x.loadProfile()
		if err != nil {
			return p, err
		}
		if p.URL == "" {
			p.URL = saved.URL
		}
		if p.Token == "" {
			p.Token = saved.Token
		}
	}
	if p.URL == "" || p.Token == "" {
		return p, errors.New(`no server: set HOOKHUB_URL and HOOKHUB_TOKEN, or run "hookhub login --url URL --token TOKEN"`)
	}
	return p, nil
}

func (x *cli) profileName() string {
	if x.profile != "" {
		return x.profile
	}
	if p := x.getenv("HOOKHUB_PROFILE"); p != "" {
		return p
	}
	return "default"
}

// profilesPath is the file of the profiles.
func (x *cli) profilesPath() (string, error) {
	dir := x.getenv("XDG_CONFIG_HOME")
	if dir == "" {
		if home := x.getenv("HOME"); home != "" {
			dir = filepath.Join(home, ".config")
		} else {
			var err error
			if dir, err = os.UserConfigDir(); err != nil {
				return "", fmt.Errorf("find the config folder: %w", err)
			}
		}
	}
	return filepath.Join(dir, "hookhub", "profiles.json"), nil
}

func (x *cli) readProfiles() (map[string]profile, string, error) {
	path, err := x.profilesPath()
	if err != nil {
		return nil, "", err
	}
	ps := map[string]profile{}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return ps, path, nil
	}
	if err != nil {
		return nil, path, fmt.Errorf("read profiles: %w", err)
	}
	if err := json.Unmarshal(b, &ps); err != nil {
		return nil, path, fmt.Errorf("read profiles %s: %w", path, err)
	}
	return ps, path, nil
}

func (x *cli) loadProfile() (profile, error) {
	ps, _, err := x.readProfiles()
	if err != nil {
		return profile{}, err
	}
	return ps[x.profileName()], nil
}

// saveProfile writes the profile, readable by the user only (it holds a
// token).
func (x *cli) saveProfile(p profile) (string, error) {
	ps, path, err := x.readProfiles()
	if err != nil {
		return "", err
	}
	ps[x.profileName()] = p
	b, err := json.MarshalIndent(ps, "", "  ")
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("save profile: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return "", fmt.Errorf("save profile: %w", err)
	}
	return path, nil
}

// table is a result as rows under a header.
type table struct {
	header []string
	rows   [][]string
}

// print writes v as JSON when asked, or when stdout is not a terminal;
// else the table tab makes of it.
func (x *cli) print(v any, tab func() table) error {
	if x.output == "json" || (x.output == "" && !isTerminal(x.stdout)) || tab == nil {
		enc := json.NewEncoder(x.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	t := tab()
	tw := tabwriter.NewWriter(x.stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(t.header, "\t"))
	for _, r := range t.rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// rowsOf makes a table of items, one row each.
func rowsOf[T any](header []string, items []T, row func(T) []string) func() table {
	return func() table {
		t := table{header: header}
		for _, it := range items {
			t.rows = append(t.rows, row(it))
		}
		return t
	}
}

// idArg reads a numeric id argument.
func idArg(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not an id (a positive number)", s)
	}
	return n, nil
}

// list is a flag that takes comma-separated values, or the flag again.
type list []string

func (l *list) String() string { return strings.Join(*l, ",") }

func (l *list) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// headers is a repeatable K=V flag.
type headers map[string]string

func (h headers) String() string { return "" }

func (h headers) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return fmt.Errorf("%q is not NAME=VALUE", v)
	}
	h[strings.TrimSpace(k)] = val
	return nil
}
