package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/hookhub/hookhub/client"
)

// clientCommand is one client command: name is "webhooks list".
type clientCommand func(ctx context.Context, x *cli, name string, args []string) error

// clientGroup runs "hookhub <group> <command> …" against a server.
func clientGroup(ctx context.Context, group string, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	g := clientGroups[group]
	cmds := map[string]command{}
	for name, c := range g.cmds {
		cmds[name] = func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
			return c(ctx, &cli{getenv: getenv, stdout: stdout, stderr: stderr}, group+" "+name, args)
		}
	}
	return subcommand(ctx, group, g.usage, args, getenv, stdout, stderr, cmds)
}

var clientGroups = map[string]struct {
	usage string
	cmds  map[string]clientCommand
}{
	"webhooks": {`usage: hookhub webhooks <command> [flags]

commands:
  list                     the tenant's webhooks (--name, --event, --state)
  get ID                   one webhook
  create --url --events    register a webhook; its secret is shown once
  update ID                change the settings named by flags (--state active re-activates)
  delete ID                delete a webhook and its unsent deliveries
  test ID                  send a webhook.test event to it
  recover ID --since T     send its failed deliveries since T again

Run "hookhub webhooks <command> --help" for its flags.`, map[string]clientCommand{
		"list": webhooksList, "get": webhooksGet, "create": webhooksCreate, "update": webhooksUpdate,
		"delete": webhooksDelete, "test": webhooksTest, "recover": webhooksRecover,
	}},
	"events": {`usage: hookhub events <command> [flags]

commands:
  send --type T --data JSON   publish an event
  list                        events, newest first (--type, --limit, --cursor)
  get ID                      one event with its data

Run "hookhub events <command> --help" for its flags.`, map[string]clientCommand{
		"send": eventsSend, "list": eventsList, "get": eventsGet,
	}},
	"deliveries": {`usage: hookhub deliveries <command> [flags]

commands:
  list           deliveries, newest first (--webhook, --event, --state, --limit, --cursor)
  get ID         one delivery
  retry ID       send it again now
  attempts ID    its tries, with each request and answer

Run "hookhub deliveries <command> --help" for its flags.`, map[string]clientCommand{
		"list": deliveriesList, "get": deliveriesGet, "retry": deliveriesRetry, "attempts": deliveriesAttempts,
	}},
	"tokens": {`usage: hookhub tokens <command> [flags]

commands:
  list                        the tenant's API tokens
  create --name --scopes S    make a token; its secret is shown once
  revoke ID                   revoke a token

Run "hookhub tokens <command> --help" for its flags.`, map[string]clientCommand{
		"list": tokensList, "create": tokensCreate, "revoke": tokensRevoke,
	}},
	"event-types": {`usage: hookhub event-types <command> [flags]

commands:
  list                      the catalogue: built-in types and the tenant's own
  put --name --description  define or redefine one of the tenant's event types
  delete NAME               delete one of the tenant's event types

Run "hookhub event-types <command> --help" for its flags.`, map[string]clientCommand{
		"list": eventTypesList, "put": eventTypesPut, "delete": eventTypesDelete,
	}},
	"tenants": {`usage: hookhub tenants <command> [flags]

The admin API: these commands act with HOOKHUB_ADMIN_TOKEN (or --token, or
the profile's token).

commands:
  list                 tenants by name (--name)
  get ID               one tenant
  create --name NAME   a tenant and its first token, printed as {"tenant_id", "token"}
  rename ID --name N   rename a tenant
  disable ID           its tokens stop working and its deliveries are held
  enable ID            undo disable
  delete ID            delete a tenant and all its data
  token ID             make a token for the tenant (--name, --scopes; every scope by default)

Run "hookhub tenants <command> --help" for its flags.`, map[string]clientCommand{
		"list": tenantsList, "get": tenantsGet, "create": tenantsCreate, "rename": tenantsRename,
		"disable": tenantsDisable, "enable": tenantsEnable, "delete": tenantsDelete, "token": tenantsToken,
	}},
}

// --- webhooks ---

func webhookTable(ws []client.Webhook) func() table {
	return rowsOf([]string{"ID", "NAME", "STATE", "EVENTS", "URL", "FAILURES"}, ws, func(w client.Webhook) []string {
		return []string{itoa(w.ID), w.Name, w.State, strings.Join(w.Events, ","), w.URL, strconv.Itoa(w.ConsecutiveFailures)}
	})
}

func webhooksList(ctx context.Context, x *cli, name string, args []string) error {
	var f client.WebhookFilter
	if _, err := x.parse(name, "usage: hookhub webhooks list [flags]\n\nLists the tenant's webhooks.", args, nil, func(fs *flag.FlagSet) {
		fs.StringVar(&f.Name, "name", "", "only webhooks whose name contains this")
		fs.StringVar(&f.Event, "event", "", "only webhooks subscribed to this event type")
		fs.StringVar(&f.State, "state", "", "only webhooks in this state: active, stopped, too_many_errors")
	}); err != nil {
		return err
	}
	return run1(ctx, x, false, func(c *client.Client) (any, func() table, error) {
		ws, err := c.ListWebhooks(ctx, f)
		return ws, webhookTable(ws), err
	})
}

// oneByID runs a command on one object given by its numeric id.
func oneByID(ctx context.Context, x *cli, name, usage string, args []string, bind func(*flag.FlagSet), do func(c *client.Client, id int64) (any, func() table, error)) error {
	pos, err := x.parse(name, usage, args, []string{"ID"}, bind)
	if err != nil {
		return err
	}
	id, err := idArg(pos[0])
	if err != nil {
		return err
	}
	return run1(ctx, x, false, func(c *client.Client) (any, func() table, error) { return do(c, id) })
}

func webhooksGet(ctx context.Context, x *cli, name string, args []string) error {
	return oneByID(ctx, x, name, "usage: hookhub webhooks get ID [flags]", args, nil, func(c *client.Client, id int64) (any, func() table, error) {
		w, err := c.GetWebhook(ctx, id)
		return w, webhookTable(deref(w)), err
	})
}

func webhooksCreate(ctx context.Context, x *cli, name string, args []string) error {
	var w client.WebhookCreate
	var events list
	hs := headers{}
	if _, err := x.parse(name, "usage: hookhub webhooks create --url URL --events TYPES [flags]\n\nRegisters a webhook and prints it with its secret, shown this once.", args, nil, func(fs *flag.FlagSet) {
		fs.StringVar(&w.URL, "url", "", "where hookhub posts (required)")
		fs.Var(&events, "events", "event types, prefixes (contact.*) or *, comma-separated (required)")
		fs.StringVar(&w.Name, "name", "", "a name")
		fs.Var(hs, "header", "NAME=VALUE added to every request; repeat for more")
		fs.StringVar(&w.Secret, "secret", "", "the signing secret (whsec_…); made for you when absent")
		fs.Int64Var(&w.TimeoutMS, "timeout-ms", 0, "request timeout in milliseconds (default 5000)")
		fs.IntVar(&w.FailureThreshold, "failure-threshold", 0, "failures in a row that stop the webhook (default 9)")
		fs.StringVar(&w.ErrorsEmail, "errors-email", "", "told by e-mail when the webhook fails too often")
	}); err != nil {
		return err
	}
	w.Events, w.Headers = events, hs
	return run1(ctx, x, false, func(c *client.Client) (any, func() table, error) {
		got, err := c.CreateWebhook(ctx, w)
		return got, nil, err // JSON: the secret must be seen
	})
}

func webhooksUpdate(ctx context.Context, x *cli, name string, args []string) error {
	var u client.WebhookUpdate
	var events list
	var set struct{ name, url, state string }
	return oneByID(ctx, x, name, "usage: hookhub webhooks update ID [flags]\n\nChanges the settings its flags name and leaves the others.", args, func(fs *flag.FlagSet) {
		fs.StringVar(&set.name, "name", "", "a new name")
		fs.StringVar(&set.url, "url", "", "a new URL")
		fs.Var(&events, "events", "new event types, comma-separated")
		fs.StringVar(&set.state, "state", "", "active (re-activates; held deliveries go out) or stopped")
	}, func(c *client.Client, id int64) (any, func() table, error) {
		u.Name, u.URL, u.State, u.Events = ptr(set.name), ptr(set.url), ptr(set.state), events
		w, err := c.UpdateWebhook(ctx, id, u)
		return w, webhookTable(deref(w)), err
	})
}

func webhooksDelete(ctx context.Context, x *cli, name string, args []string) error {
	return oneByID(ctx, x, name, "usage: hookhub webhooks delete ID [flags]", args, nil, func(c *client.Client, id int64) (any, func() table, error) {
		return done("deleted", id), nil, c.DeleteWebhook(ctx, id)
	})
}

func webhooksTest(ctx context.Context, x *cli, name string, args []string) error {
	return oneByID(ctx, x, name, "usage: hookhub webhooks test ID [flags]\n\nSends a webhook.test event to this webhook only.", args, nil, func(c *client.Client, id int64) (any, func() table, error) {
		r, err := c.TestWebhook(ctx, id)
		return r, nil, err
	})
}

func webhooksRecover(ctx context.Context, x *cli, name string, args []string) error {
	var since string
	return oneByID(ctx, x, name, "usage: hookhub webhooks recover ID --since TIME [flags]\n\nSends again the failed deliveries created since TIME.", args, func(fs *flag.FlagSet) {
		fs.StringVar(&since, "since", "", "RFC 3339 time, or a duration back from now like 24h (required)")
	}, func(c *client.Client, id int64) (any, func() table, error) {
		t, err := timeArg("--since", since)
		if err != nil {
			return nil, nil, err
		}
		n, err := c.RecoverWebhook(ctx, id, t)
		return map[string]int{"recovered": n}, nil, err
	})
}

// --- events ---

func eventTable(es []client.Event) func() table {
	return rowsOf([]string{"ID", "TYPE", "CREATED", "DATA"}, es, func(e client.Event) []string {
		return []string{itoa(e.ID), e.Type, e.CreatedAt.Local().Format(time.DateTime), clip(string(e.Data), 60)}
	})
}

func eventsSend(ctx context.Context, x *cli, name string, args []string) error {
	var e client.EventSend
	var data string
	if _, err := x.parse(name, "usage: hookhub events send --type TYPE --data JSON [flags]\n\nPublishes an event; it is stored with its deliveries before the answer.", args, nil, func(fs *flag.FlagSet) {
		fs.StringVar(&e.Type, "type", "", "the event type, like contact.created (required)")
		fs.StringVar(&data, "data", "", "the event's data, a JSON value (required)")
		fs.StringVar(&e.IdempotencyKey, "idempotency-key", "", "sending again with this key stores nothing")
		fs.StringVar(&e.EntityType, "entity-type", "", "what the event is about (contact)")
		fs.StringVar(&e.EntityID, "entity-id", "", "which one")
	}); err != nil {
		return err
	}
	if !json.Valid([]byte(data)) {
		return fmt.Errorf("--data must be JSON, like '{\"id\": 42}'")
	}
	e.Data = json.RawMessage(data)
	return run1(ctx, x, false, func(c *client.Client) (any, func() table, error) {
		r, err := c.SendEvent(ctx, e)
		return r, nil, err
	})
}

func pageFlags(fs *flag.FlagSet, o *client.ListOptions) {
	fs.IntVar(&o.Limit, "limit", 0, "most items (default 50)")
	fs.StringVar(&o.Cursor, "cursor", "", "the next_cursor of the previous page")
}

func eventsList(ctx context.Context, x *cli, name string, args []string) error {
	var f client.EventFilter
	if _, err := x.parse(name, "usage: hookhub events list [flags]", args, nil, func(fs *flag.FlagSet) {
		fs.StringVar(&f.Type, "type", "", "only events of this type")
		pageFlags(fs, &f.ListOptions)
	}); err != nil {
		return err
	}
	return run1(ctx, x, false, func(c *client.Client) (any, func() table, error) {
		p, err := c.ListEvents(ctx, f)
		return p, eventTable(dataOf(p)), err
	})
}

func eventsGet(ctx context.Context, x *cli, name string, args []string) error {
	return oneByID(ctx, x, name, "usage: hookhub events get ID [flags]", args, nil, func(c *client.Client, id int64) (any, func() table, error) {
		e, err := c.GetEvent(ctx, id)
		return e, nil, err
	})
}

// --- deliveries ---

func deliveryTable(ds []client.Delivery) func() table {
	return rowsOf([]string{"ID", "EVENT", "WEBHOOK", "STATE", "TRIES", "STATUS", "UPDATED"}, ds, func(d client.Delivery) []string {
		return []string{itoa(d.ID), itoa(d.EventID), itoa(d.WebhookID), d.State, strconv.Itoa(d.Attempts), strconv.Itoa(d.LastStatus), d.UpdatedAt.Local().Format(time.DateTime)}
	})
}

func deliveriesList(ctx context.Context, x *cli, name string, args []string) error {
	var f client.DeliveryFilter
	if _, err := x.parse(name, "usage: hookhub deliveries list [flags]", args, nil, func(fs *flag.FlagSet) {
		fs.Int64Var(&f.WebhookID, "webhook", 0, "only this webhook's")
		fs.Int64Var(&f.EventID, "event", 0, "only this event's")
		fs.StringVar(&f.State, "state", "", "pending, in_flight, succeeded, failed or held")
		pageFlags(fs, &f.ListOptions)
	}); err != nil {
		return err
	}
	return run1(ctx, x, false, func(c *client.Client) (any, func() table, error) {
		p, err := c.ListDeliveries(ctx, f)
		return p, deliveryTable(dataOf(p)), err
	})
}

func deliveriesGet(ctx context.Context, x *cli, name string, args []string) error {
	return oneByID(ctx, x, name, "usage: hookhub deliveries get ID [flags]", args, nil, func(c *client.Client, id int64) (any, func() table, error) {
		d, err := c.GetDelivery(ctx, id)
		return d, deliveryTable(deref(d)), err
	})
}

func deliveriesRetry(ctx context.Context, x *cli, name string, args []string) error {
	wait := 30 * time.Second
	usage := "usage: hookhub deliveries retry ID [flags]\n\nMakes a delivery due now. One being sent right now is retried when that try ends."
	return oneByID(ctx, x, name, usage, args, func(fs *flag.FlagSet) {
		fs.DurationVar(&wait, "wait", wait, "how long to wait for a try under way to end before retrying (0: fail at once, as the API does)")
	}, func(c *client.Client, id int64) (any, func() table, error) {
		d, err := retryDelivery(ctx, c, id, wait, x.stderr)
		return d, deliveryTable(deref(d)), err
	})
}

// retryPoll is how often retryDelivery looks whether a try has ended.
const retryPoll = 100 * time.Millisecond

// retryDelivery retries delivery id. The API refuses (409) one being sent
// right now; a user asking from a shell wants it sent again all the same,
// so this asks again every retryPoll, for up to wait, while the delivery is
// in flight, saying so on stderr. Any other refusal, or one that outlasts
// wait, is returned.
func retryDelivery(ctx context.Context, c *client.Client, id int64, wait time.Duration, stderr io.Writer) (*client.Delivery, error) {
	deadline := time.Now().Add(wait)
	said, again := false, true
	for {
		d, err := c.RetryDelivery(ctx, id)
		if err == nil || wait <= 0 || !client.IsConflict(err) {
			return d, err
		}
		cur, gerr := c.GetDelivery(ctx, id)
		if gerr != nil {
			return d, err
		}
		if cur.State != "in_flight" {
			// The try may have ended between the two calls: ask once
			// more. A conflict of another kind (its webhook deleted)
			// comes back the same, and is the answer.
			if again {
				again = false
				continue
			}
			return d, err
		}
		again = true
		if time.Now().After(deadline) {
			return d, err
		}
		if !said {
			fmt.Fprintf(stderr, "hookhub: delivery %d is being sent right now; retrying when that try ends (up to --wait %s)\n", id, wait)
			said = true
		}
		// Asked again rather than waited on its state: a try whose node
		// died stays in flight until its lease runs out, and the API
		// takes the retry then.
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(retryPoll):
		}
	}
}

func deliveriesAttempts(ctx context.Context, x *cli, name string, args []string) error {
	var o client.ListOptions
	return oneByID(ctx, x, name, "usage: hookhub deliveries attempts ID [flags]", args, func(fs *flag.FlagSet) { pageFlags(fs, &o) }, func(c *client.Client, id int64) (any, func() table, error) {
		p, err := c.ListAttempts(ctx, id, o)
		return p, rowsOf([]string{"ID", "TRY", "STARTED", "STATUS", "MS", "ERROR"}, dataOf(p), func(a client.Attempt) []string {
			return []string{itoa(a.ID), strconv.Itoa(a.Number), a.StartedAt.Local().Format(time.DateTime), strconv.Itoa(a.Response.Status), fmt.Sprintf("%.1f", a.DurationMS), clip(a.Error, 60)}
		}), err
	})
}

// --- tokens and event types ---

func tokenTable(ts []client.Token) func() table {
	return rowsOf([]string{"ID", "NAME", "SCOPES", "CREATED", "REVOKED"}, ts, func(t client.Token) []string {
		revoked := ""
		if t.RevokedAt != nil {
			revoked = t.RevokedAt.Local().Format(time.DateTime)
		}
		return []string{t.ID, t.Name, strings.Join(t.Scopes, ","), t.CreatedAt.Local().Format(time.DateTime), revoked}
	})
}

func tokensList(ctx context.Context, x *cli, name string, args []string) error {
	if _, err := x.parse(name, "usage: hookhub tokens list [flags]", args, nil, nil); err != nil {
		return err
	}
	return run1(ctx, x, false, func(c *client.Client) (any, func() table, error) {
		ts, err := c.ListTokens(ctx)
		return ts, tokenTable(ts), err
	})
}

func tokenFlags(fs *flag.FlagSet, t *client.TokenCreate, scopes *list, expires *string) {
	fs.StringVar(&t.Name, "name", "", "what the token is for")
	fs.Var(scopes, "scopes", "scopes, comma-separated (webhooks.read, events.publish, …)")
	fs.StringVar(expires, "expires", "", "when it stops working: RFC 3339, or a duration from now like 720h; never by default")
}

func tokensCreate(ctx context.Context, x *cli, name string, args []string) error {
	var t client.TokenCreate
	var scopes list
	var expires string
	if _, err := x.parse(name, "usage: hookhub tokens create --scopes SCOPES [flags]\n\nMakes a token of the tenant; its secret is shown this once.", args, nil, func(fs *flag.FlagSet) {
		tokenFlags(fs, &t, &scopes, &expires)
	}); err != nil {
		return err
	}
	t.Scopes = scopes
	if err := expiry(&t, expires); err != nil {
		return err
	}
	return run1(ctx, x, false, func(c *client.Client) (any, func() table, error) {
		tok, err := c.CreateToken(ctx, t)
		return tok, nil, err
	})
}

func expiry(t *client.TokenCreate, s string) error {
	if s == "" {
		return nil
	}
	d, err := time.ParseDuration(s)
	if err == nil {
		t.ExpiresAt = time.Now().Add(d)
		return nil
	}
	t.ExpiresAt, err = time.Parse(time.RFC3339, s)
	if err != nil {
		return fmt.Errorf("--expires must be an RFC 3339 time or a duration, not %q", s)
	}
	return nil
}

func tokensRevoke(ctx context.Context, x *cli, name string, args []string) error {
	pos, err := x.parse(name, "usage: hookhub tokens revoke ID [flags]", args, []string{"ID"}, nil)
	if err != nil {
		return err
	}
	return run1(ctx, x, false, func(c *client.Client) (any, func() table, error) {
		return done("revoked", pos[0]), nil, c.RevokeToken(ctx, pos[0])
	})
}

func eventTypesList(ctx context.Context, x *cli, name string, args []string) error {
	if _, err := x.parse(name, "usage: hookhub event-types list [flags]", args, nil, nil); err != nil {
		return err
	}
	return run1(ctx, x, false, func(c *client.Client) (any, func() table, error) {
		ts, err := c.ListEventTypes(ctx)
		return ts, rowsOf([]string{"NAME", "BUILT-IN", "DESCRIPTION"}, ts, func(t client.EventType) []string {
			return []string{t.Name, strconv.FormatBool(t.BuiltIn), clip(t.Description, 70)}
		}), err
	})
}

func eventTypesPut(ctx context.Context, x *cli, name string, args []string) error {
	var t client.EventType
	var example string
	if _, err := x.parse(name, "usage: hookhub event-types put --name NAME [flags]", args, nil, func(fs *flag.FlagSet) {
		fs.StringVar(&t.Name, "name", "", "entity.action, like invoice.paid (required)")
		fs.StringVar(&t.Description, "description", "", "what it means")
		fs.StringVar(&example, "example", "", "an example of its data, JSON")
	}); err != nil {
		return err
	}
	if example != "" {
		if !json.Valid([]byte(example)) {
			return errors.New("--example must be JSON")
		}
		t.Example = json.RawMessage(example)
	}
	return run1(ctx, x, false, func(c *client.Client) (any, func() table, error) {
		got, err := c.PutEventType(ctx, t)
		return got, nil, err
	})
}

func eventTypesDelete(ctx context.Context, x *cli, name string, args []string) error {
	pos, err := x.parse(name, "usage: hookhub event-types delete NAME [flags]", args, []string{"NAME"}, nil)
	if err != nil {
		return err
	}
	return run1(ctx, x, false, func(c *client.Client) (any, func() table, error) {
		return done("deleted", pos[0]), nil, c.DeleteEventType(ctx, pos[0])
	})
}

// --- tenants (admin) ---

func tenantTable(ts []client.Tenant) func() table {
	return rowsOf([]string{"ID", "NAME", "DISABLED", "CREATED"}, ts, func(t client.Tenant) []string {
		return []string{t.ID, t.Name, strconv.FormatBool(t.Disabled), t.CreatedAt.Local().Format(time.DateTime)}
	})
}

func tenantsList(ctx context.Context, x *cli, name string, args []string) error {
	var filter string
	if _, err := x.parse(name, "usage: hookhub tenants list [flags]", args, nil, func(fs *flag.FlagSet) {
		fs.StringVar(&filter, "name", "", "only tenants whose name contains this")
	}); err != nil {
		return err
	}
	return run1(ctx, x, true, func(c *client.Client) (any, func() table, error) {
		ts, err := c.ListTenants(ctx, filter)
		return ts, tenantTable(ts), err
	})
}

// oneTenant runs an admin command on one tenant given by its id.
func oneTenant(ctx context.Context, x *cli, name, usage string, args []string, bind func(*flag.FlagSet), do func(c *client.Client, id string) (any, func() table, error)) error {
	pos, err := x.parse(name, usage, args, []string{"ID"}, bind)
	if err != nil {
		return err
	}
	return run1(ctx, x, true, func(c *client.Client) (any, func() table, error) { return do(c, pos[0]) })
}

func tenantsGet(ctx context.Context, x *cli, name string, args []string) error {
	return oneTenant(ctx, x, name, "usage: hookhub tenants get ID [flags]", args, nil, func(c *client.Client, id string) (any, func() table, error) {
		t, err := c.GetTenant(ctx, id)
		return t, tenantTable(deref(t)), err
	})
}

func tenantsCreate(ctx context.Context, x *cli, name string, args []string) error {
	var tenant string
	if _, err := x.parse(name, "usage: hookhub tenants create --name NAME [flags]\n\nMakes a tenant and its first token (every scope), shown this once.", args, nil, func(fs *flag.FlagSet) {
		fs.StringVar(&tenant, "name", "", "the tenant's name, unique among tenants (required)")
	}); err != nil {
		return err
	}
	return run1(ctx, x, true, func(c *client.Client) (any, func() table, error) {
		t, err := c.CreateTenant(ctx, tenant)
		return t, nil, err
	})
}

func tenantsRename(ctx context.Context, x *cli, name string, args []string) error {
	var to string
	return oneTenant(ctx, x, name, "usage: hookhub tenants rename ID --name NAME [flags]", args, func(fs *flag.FlagSet) {
		fs.StringVar(&to, "name", "", "the new name (required)")
	}, func(c *client.Client, id string) (any, func() table, error) {
		t, err := c.UpdateTenant(ctx, id, client.TenantUpdate{Name: &to})
		return t, tenantTable(deref(t)), err
	})
}

func tenantsDisable(ctx context.Context, x *cli, name string, args []string) error {
	return setDisabled(ctx, x, name, args, true)
}

func tenantsEnable(ctx context.Context, x *cli, name string, args []string) error {
	return setDisabled(ctx, x, name, args, false)
}

func setDisabled(ctx context.Context, x *cli, name string, args []string, disabled bool) error {
	return oneTenant(ctx, x, name, "usage: hookhub "+name+" ID [flags]", args, nil, func(c *client.Client, id string) (any, func() table, error) {
		t, err := c.UpdateTenant(ctx, id, client.TenantUpdate{Disabled: &disabled})
		return t, tenantTable(deref(t)), err
	})
}

func tenantsDelete(ctx context.Context, x *cli, name string, args []string) error {
	return oneTenant(ctx, x, name, "usage: hookhub tenants delete ID [flags]\n\nDeletes the tenant and all its data.", args, nil, func(c *client.Client, id string) (any, func() table, error) {
		return done("deleted", id), nil, c.DeleteTenant(ctx, id)
	})
}

func tenantsToken(ctx context.Context, x *cli, name string, args []string) error {
	var t client.TokenCreate
	var scopes list
	var expires string
	return oneTenant(ctx, x, name, "usage: hookhub tenants token ID [flags]\n\nMakes a token for the tenant (every scope unless --scopes), shown this once.", args, func(fs *flag.FlagSet) {
		tokenFlags(fs, &t, &scopes, &expires)
	}, func(c *client.Client, id string) (any, func() table, error) {
		t.Scopes = scopes
		if err := expiry(&t, expires); err != nil {
			return nil, nil, err
		}
		tok, err := c.CreateTenantToken(ctx, id, t)
		return tok, nil, err
	})
}

// --- helpers ---

// run1 makes the client, runs do and prints its result.
func run1(ctx context.Context, x *cli, admin bool, do func(c *client.Client) (any, func() table, error)) error {
	c, err := x.client(admin)
	if err != nil {
		return err
	}
	v, tab, err := do(c)
	if err != nil {
		return err
	}
	return x.print(v, tab)
}

// deref makes a one-row list of p, or none when nil.
func deref[T any](p *T) []T {
	if p == nil {
		return nil
	}
	return []T{*p}
}

func ptr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func done(what string, id any) map[string]any { return map[string]any{what: id} }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

// timeArg reads an RFC 3339 time, or a duration back from now.
func timeArg(flagName, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("%s is required", flagName)
	}
	if d, err := time.ParseDuration(s); err == nil {
		return time.Now().Add(-d), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s must be an RFC 3339 time or a duration like 24h, not %q", flagName, s)
	}
	return t, nil
}

// dataOf is a page's items, none when the page is nil.
func dataOf[T any](p *client.Page[T]) []T {
	if p == nil {
		return nil
	}
	return p.Data
}
