package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/hookhub/hookhub/client"
)

const loginUsage = `usage: hookhub login --url URL --token TOKEN [--profile NAME]

Checks the token against the server and saves both in a profile of the
user's config folder ($XDG_CONFIG_HOME/hookhub/profiles.json, readable by
the user only), so that the client commands find them. A tenant's token
is checked by listing its webhooks, an admin token by listing tenants.`

func login(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	x := &cli{getenv: getenv, stdout: stdout, stderr: stderr}
	var admin bool
	if _, err := x.parse("login", loginUsage, args, nil, func(fs *flag.FlagSet) {
		fs.StringVar(&x.url, "url", "", "hookhub's base URL, like http://127.0.0.1:8080 (required)")
		fs.BoolVar(&admin, "admin", false, "the token is an admin token")
	}); err != nil {
		return err
	}
	if x.url == "" || x.token == "" {
		return errors.New("--url and --token are required")
	}
	c := client.New(x.url, x.token, client.WithUserAgent("hookhub-cli"))
	var err error
	if admin {
		_, err = c.ListTenants(ctx, "")
	} else {
		_, err = c.ListWebhooks(ctx, client.WebhookFilter{})
	}
	if err != nil {
		return fmt.Errorf("check the token: %w", err)
	}
	path, err := x.saveProfile(profile{URL: x.url, Token: x.token})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "saved profile %q in %s\n", x.profileName(), path)
	return nil
}
