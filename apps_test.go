package hookhub_test

import (
	"testing"

	"github.com/hookhub/hookhub"
)

func TestTakesApp(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		apps []string
		app  string
		want bool
	}{
		{nil, "", true},
		{nil, "a", true},
		{[]string{"a", "b"}, "b", true},
		{[]string{"a", "b"}, "c", false},
		{[]string{"a"}, "", false}, // an event of no app reaches only webhooks without a limit
	} {
		w := &hookhub.Webhook{Events: []string{"conversation.*"}, Apps: tt.apps}
		if got := w.TakesApp(tt.app); got != tt.want {
			t.Errorf("Apps %q TakesApp(%q) = %t, want %t", tt.apps, tt.app, got, tt.want)
		}
		e := &hookhub.Event{Type: "conversation.created", AppID: tt.app}
		if got := w.Wants(e); got != tt.want {
			t.Errorf("Apps %q Wants(event of app %q) = %t, want %t", tt.apps, tt.app, got, tt.want)
		}
		e.Type = "contact.created"
		if w.Wants(e) {
			t.Errorf("Wants(%s) = true for a webhook of conversation.*", e.Type)
		}
	}
}

func TestCheckAppID(t *testing.T) {
	t.Parallel()
	for id, ok := range map[string]bool{
		"8000000000047": true, "shop-12_a.b": true, "": false, "a b": false, "a\nb": false,
		string(make([]byte, 129)): false, "\xff": false,
	} {
		if got := hookhub.CheckAppID(id) == ""; got != ok {
			t.Errorf("CheckAppID(%q) valid = %t, want %t", id, got, ok)
		}
	}
}

func TestParseScope(t *testing.T) {
	t.Parallel()
	catalog := hookhub.NewCatalog(hookhub.Product{ScopeAliases: map[string]hookhub.Scope{"Product.Hooks.Read": hookhub.ScopeWebhooksRead}})
	for name, want := range map[string]hookhub.Scope{
		"webhooks.read": hookhub.ScopeWebhooksRead, "Product.Hooks.Read": hookhub.ScopeWebhooksRead,
		"product.hooks.READ": hookhub.ScopeWebhooksRead, "Product.Hooks.Write": "", "WEBHOOKS.READ": "",
	} {
		got, ok := catalog.ParseScope(name)
		if got != want || ok != (want != "") {
			t.Errorf("ParseScope(%q) = %q, %t; want %q", name, got, ok, want)
		}
	}
}
