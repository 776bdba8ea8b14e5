package inbound_test

import (
	"testing"

	"github.com/hookhub/hookhub/inbound"
)

// TestDuplicateKey: RFC 8259 (https://www.rfc-editor.org/rfc/rfc8259#section-4)
// says names within an object SHOULD be unique, and that receivers differ
// when they are not; hookhub names the member given twice.
func TestDuplicateKey(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		body string
		path string
	}{
		{`{"a": 1, "b": 2}`, ""},
		{`{"a": 1, "a": 2}`, "a"},
		{`{"contact": {"email": "a@x.com", "first_name": "A", "email": "b@x.com"}}`, "contact.email"},
		{`{"items": [{"price": 1}, {"price": 2, "price": 3}]}`, "items[1].price"},
		{`{"a": {"x": 1}, "b": {"x": 1}, "c": [{"x": 1}, {"x": 2}]}`, ""},
		{`{"a": [1, {"k": "k"}, "k"], "k": 1}`, ""},
		{`[{"a": 1}, {"a": 1, "b": [], "a": 2}]`, "[1].a"},
	} {
		path, dup := inbound.DuplicateKey([]byte(tt.body))
		if path != tt.path || dup != (tt.path != "") {
			t.Errorf("DuplicateKey(%s) = %q, %v; want %q", tt.body, path, dup, tt.path)
		}
	}
}
