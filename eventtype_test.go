package hookhub_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hookhub/hookhub"
)

// typeNameRE is the rule CheckEventTypeName used to check with a regexp;
// its hand-written check must keep to it exactly.
var typeNameRE = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)*$`)

// wantTypeNameReason is CheckEventTypeName as it was, with the regexp.
func wantTypeNameReason(name string) string {
	switch {
	case name == "":
		return "must not be empty"
	case len(name) > 128:
		return "must be at most 128 characters"
	case !typeNameRE.MatchString(name):
		return "must be lower-case words joined by dots, like contact.created"
	}
	return ""
}

var typeNameCases = []string{
	"", "a", "_", "0", "contact.created", "conversation.visitor.replied", "a.b.c.d", "x_1.y_2",
	"webhook.test", "123", "a..b", ".a", "a.", ".", "..", "A", "Contact.created", "contact.Created",
	"contact-created", "contact created", " contact", "contact ", "contact\n", "contact.\n",
	"a.b\n", "\na", "contact.*", "*", "é", "contacté.created", "\xff", "a\x00", "a/b", "a:b",
	"a.b.", "a.b..c", strings.Repeat("a", 128), strings.Repeat("a", 129),
	strings.Repeat("a.", 63) + "ab", strings.Repeat("a.", 64),
}

func TestCheckEventTypeName(t *testing.T) {
	for _, name := range typeNameCases {
		if got, want := hookhub.CheckEventTypeName(name), wantTypeNameReason(name); got != want {
			t.Errorf("CheckEventTypeName(%q) = %q, want %q", name, got, want)
		}
	}
	for name, want := range map[string]bool{"contact.created": true, "a_1.b_2": true, "a..b": false, "a.": false, "Contact": false, "a.b\n": false} {
		if got := hookhub.CheckEventTypeName(name) == ""; got != want {
			t.Errorf("CheckEventTypeName(%q) accepts: %v, want %v", name, got, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = hookhub.CheckEventTypeName("conversation.visitor.replied") }); n != 0 {
		t.Errorf("CheckEventTypeName allocates %v times, want 0", n)
	}
}

// FuzzEventTypeName holds CheckEventTypeName to the regexp it replaced.
func FuzzEventTypeName(f *testing.F) {
	for _, name := range typeNameCases {
		f.Add(name)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if got, want := hookhub.CheckEventTypeName(name), wantTypeNameReason(name); got != want {
			t.Errorf("CheckEventTypeName(%q) = %q, want %q", name, got, want)
		}
	})
}
