package thiio

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/inbound"
)

// TestGuide checks that the user's guide the docs of this package and of
// package inbound point to exists and documents the contract: each status
// the door answers and the messages of the faults every kind shares; each
// field a Thiio rule names and each rule's message (TestRules's cases);
// the exception names of err.
func TestGuide(t *testing.T) {
	t.Parallel()
	var ref string
	for _, doc := range []string{"doc.go", "../inbound/doc.go"} {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		r := regexp.MustCompile(`docs/[a-z0-9_]+\.md`).FindString(string(b))
		if r == "" || ref != "" && r != ref {
			t.Fatalf("%s points to %q, want the one guide of the door and its kinds", doc, r)
		}
		ref = r
	}
	b, err := os.ReadFile("../" + ref)
	if err != nil {
		t.Fatalf("the package docs point to %s: %v", ref, err)
	}
	guide := string(b)

	for _, e := range []error{
		inbound.NotJSON(nil, nil), inbound.NotJSON([]byte("{"), errors.New("x")),
		inbound.RequireJSON(http.Header{"Content-Type": {"text/plain"}}),
		hookhub.Errorf(hookhub.ETOOLARGE, "too large"), hookhub.Invalid("event", "is required"),
		inbound.ErrInactive, inbound.ErrUnavailable, inbound.ErrInternal,
	} {
		if row := fmt.Sprintf("| `%d` |", inbound.Status(e)); !strings.Contains(guide, row) {
			t.Errorf("%s has no row %s for %q", ref, row, e)
		}
	}
	for _, m := range []string{
		inbound.Message(inbound.NotJSON(nil, nil)), inbound.ErrInactive.Message, inbound.ErrUnavailable.Message, inbound.ErrInternal.Message,
		"the Content-Type header must be application/json, not text/plain", "the request body must not be greater than",
		"application/problem+json", "no integration has this URL",
		ExceptionRequest, ExceptionInactive, ExceptionServer,
	} {
		if !strings.Contains(guide, m) {
			t.Errorf("%s does not say %q", ref, m)
		}
	}

	message := regexp.MustCompile(`^the (\S+) field (.+)$`)
	index := regexp.MustCompile(`\.[0-9]+(\.|$)`)
	for _, r := range rules {
		m := message.FindStringSubmatch(r.err)
		if m == nil {
			t.Fatalf("%s: %q is not a field's message", r.name, r.err)
		}
		field, reason := m[1], m[2]
		// "order.items.1.price" is documented as order.items.N.price.
		if !strings.Contains(guide, "`"+field) && !strings.Contains(guide, "`"+index.ReplaceAllString(field, ".N$1")) {
			t.Errorf("%s: %s names no field %s", r.name, ref, field)
		}
		if !strings.Contains(guide, reason) {
			t.Errorf("%s: %s does not say %q", r.name, ref, reason)
		}
	}
}
