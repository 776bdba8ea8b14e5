package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/hookhub/hookhub/server"
)

// TestHelp: every command's --help exits 0 (run returns nil) and prints its
// own flags on stdout, not serve's; serve's help lists every environment
// variable; the groups' --help lists their commands; version prints one.
func TestHelp(t *testing.T) {
	t.Parallel()
	var allEnv []string
	for _, s := range settings(&server.Config{}) {
		allEnv = append(allEnv, s.env)
	}
	tests := []struct {
		args    []string
		want    []string // in the help
		wantNot []string // not in it
	}{
		{[]string{"serve", "--help"}, append([]string{"--addr", "--allow-private-targets", "--workers", "--public-url"}, allEnv...), nil},
		{[]string{"serve", "-h"}, []string{"--addr", "HOOKHUB_ENCRYPTION_KEY"}, nil},
		{[]string{"tenant", "create", "--help"}, []string{"--name", "--db", "HOOKHUB_DB", "HOOKHUB_ENCRYPTION_KEY"}, []string{"--addr", "--workers", "--smtp-url", "HOOKHUB_WORKERS"}},
		{[]string{"migrate", "--help"}, []string{"--db", "--sqlite-sync", "HOOKHUB_DB"}, []string{"--addr", "--retry-scale", "--name"}},
		{[]string{"admin-token", "create", "--help"}, []string{"--name", "--db"}, []string{"--addr"}},
		{[]string{"tenant", "--help"}, []string{"create"}, []string{"--addr"}},
		{[]string{"admin-token", "--help"}, []string{"create"}, []string{"--addr"}},
		{[]string{"bench", "--help"}, []string{"--events", "--concurrency"}, []string{"--addr"}},
		{[]string{"--help"}, []string{"serve", "tenant create", "admin-token create", "migrate", "version"}, nil},
		{[]string{"version"}, []string{"hookhub ", "go1."}, nil},
		{[]string{"webhooks", "--help"}, []string{"list", "create", "recover"}, []string{"--addr"}},
		{[]string{"webhooks", "create", "--help"}, []string{"--url", "--events", "--server", "-o", "HOOKHUB_URL", "HOOKHUB_TOKEN"}, []string{"--addr", "--db"}},
		{[]string{"tenants", "--help"}, []string{"disable", "HOOKHUB_ADMIN_TOKEN"}, nil},
		{[]string{"login", "--help"}, []string{"--url", "--token", "--profile"}, []string{"--db"}},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), tt.args, getenv(nil), &out, &errOut); err != nil {
			t.Errorf("run(%q) = %v, want nil (exit 0)", tt.args, err)
			continue
		}
		help := out.String() + errOut.String()
		if tt.args[0] != "bench" && out.Len() == 0 {
			t.Errorf("run(%q) printed nothing on stdout", tt.args)
		}
		for _, w := range tt.want {
			if !strings.Contains(help, w) {
				t.Errorf("run(%q) help lacks %q:\n%s", tt.args, w, help)
			}
		}
		for _, w := range tt.wantNot {
			// A flag as PrintDefaults lists it ("  -addr value"), or a
			// variable or flag in the environment table.
			flagLine := regexp.MustCompile(`(?m)^  -` + regexp.QuoteMeta(strings.TrimLeft(w, "-")) + `( |$)`)
			if flagLine.MatchString(help) || strings.Contains(help, w+" ") {
				t.Errorf("run(%q) help lists %q, which it does not take:\n%s", tt.args, w, help)
			}
		}
	}
}
