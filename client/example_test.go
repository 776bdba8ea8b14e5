package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"

	"github.com/hookhub/hookhub/client"
)

// exampleServer starts a hookhub for an example and returns its URL and a
// function that stops it and removes its data.
func exampleServer() (string, func()) {
	dir, err := os.MkdirTemp("", "hookhub-example")
	if err != nil {
		log.Fatal(err)
	}
	base, stop, err := boot(dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		log.Fatal(err)
	}
	return base, func() { stop(); os.RemoveAll(dir) }
}

// exampleTenant starts a hookhub with a tenant, and returns a client of
// the tenant's.
func exampleTenant() (*client.Client, func()) {
	base, stop := exampleServer()
	acme, err := client.New(base, adminToken).CreateTenant(context.Background(), "Acme")
	if err != nil {
		log.Fatal(err)
	}
	return client.New(base, acme.Token), stop
}

// An operator makes a tenant with an admin token; the tenant registers a
// webhook and publishes an event with its own token.
func Example() {
	base, stop := exampleServer()
	defer stop()
	ctx := context.Background()

	admin := client.New(base, adminToken) // HOOKHUB_ADMIN_TOKEN
	acme, err := admin.CreateTenant(ctx, "Acme")
	if err != nil {
		log.Fatal(err)
	}

	c := client.New(base, acme.Token)
	w, err := c.CreateWebhook(ctx, client.WebhookCreate{
		Name: "CRM sync", URL: "http://127.0.0.1:9/hook", Events: []string{"contact.*"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(w.Name, w.State, w.Events)

	res, err := c.SendEvent(ctx, client.EventSend{Type: "contact.created", Data: json.RawMessage(`{"id": 42}`)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("deliveries:", res.Deliveries)
	// Output:
	// CRM sync active [contact.*]
	// deliveries: 1
}

// Errors carry the API's problem: its status, its detail and the fields at
// fault.
func ExampleError() {
	c, stop := exampleTenant()
	defer stop()
	ctx := context.Background()

	_, err := c.CreateWebhook(ctx, client.WebhookCreate{URL: "http://127.0.0.1:9/hook", Events: []string{"nope.nothing"}})
	var p *client.Error
	if errors.As(err, &p) {
		fmt.Println(p.Status)
		for _, f := range p.Fields {
			fmt.Println(f.Location)
		}
	}
	_, err = c.GetWebhook(ctx, 12345)
	fmt.Println(client.IsNotFound(err))
	// Output:
	// 422
	// body.events[0]
	// true
}

// A tenant's lists page with a cursor.
func ExampleClient_ListEvents() {
	c, stop := exampleTenant()
	defer stop()
	ctx := context.Background()
	for i := range 3 {
		if _, err := c.SendEvent(ctx, client.EventSend{Type: "contact.created", Data: json.RawMessage(fmt.Sprint(i))}); err != nil {
			log.Fatal(err)
		}
	}

	f := client.EventFilter{Type: "contact.created", ListOptions: client.ListOptions{Limit: 2}}
	for {
		page, err := c.ListEvents(ctx, f)
		if err != nil {
			log.Fatal(err)
		}
		for _, e := range page.Data {
			fmt.Println(e.Type, string(e.Data))
		}
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	// Output:
	// contact.created 2
	// contact.created 1
	// contact.created 0
}
