package hookhub

import (
	"encoding/json"
	"strings"
	"time"
)

// EventType is an entry of the catalogue: a name of the form entity.action
// ("contact.created", "conversation.visitor.replied"), what it means, and an
// example of its data. Built-in types come with hookhub; a tenant adds its own.
type EventType struct {
	TenantID    string // "" for built-in types
	Name        string
	Description string
	Example     json.RawMessage
	CreatedAt   time.Time
	// Meta is data an adapter keeps to show the type in its product's
	// shape (Svix's schemas, archived, deprecated); the core does not
	// read it.
	Meta json.RawMessage
}

// TestEventType is the type of the event a "send test" action delivers.
const TestEventType = "webhook.test"

// builtin are the event types of every catalogue; products add theirs
// (NewCatalog).
var builtin = []EventType{
	{Name: TestEventType, Description: "A test event sent on request, to check a receiver."},
	{Name: "contact.created", Description: "A contact (lead) was created."},
	{Name: "contact.changed", Description: "A contact's fields changed."},
	{Name: "contact.deleted", Description: "A contact was deleted."},
	{Name: "sale.created", Description: "A sale was registered."},
	{Name: "sale.changed", Description: "A sale's fields changed."},
	{Name: "sale.sold", Description: "A sale was won."},
	{Name: "sale.lost", Description: "A sale was lost."},
	{Name: "sale.deleted", Description: "A sale was deleted."},
	{Name: "conversation.created", Description: "A visitor started a chat."},
	{Name: "conversation.attender.updated", Description: "The operator attending a chat changed."},
	{Name: "conversation.missed", Description: "A chat was missed."},
	{Name: "conversation.completed", Description: "A chat ended."},
	{Name: "conversation.rated", Description: "A visitor rated a chat."},
	{Name: "conversation.visitor.replied", Description: "A visitor replied in a chat."},
	{Name: "conversation.operator.replied", Description: "An operator replied in a chat."},
	{Name: "department.created", Description: "A department was created."},
	{Name: "department.updated", Description: "A department changed."},
	{Name: "department.deleted", Description: "A department was deleted."},
	{Name: "operator.created", Description: "An operator was added."},
	{Name: "operator.updated", Description: "An operator changed."},
	{Name: "operator.deleted", Description: "An operator was removed."},
	{Name: "operator.departments.associated", Description: "An operator was added to departments."},
	{Name: "operator.departments.dissociated", Description: "An operator was removed from departments."},
	{Name: "visitor.updated", Description: "A visitor's details changed."},
}

// CheckEventTypeName returns a reason when name is not a valid type name.
func CheckEventTypeName(name string) string {
	switch {
	case name == "":
		return "must not be empty"
	case len(name) > 128:
		return "must be at most 128 characters"
	case !isDottedWords(name):
		return "must be lower-case words joined by dots, like contact.created"
	}
	return ""
}

// isDottedWords reports whether s matches ^[a-z0-9_]+(\.[a-z0-9_]+)*$:
// words of lower-case letters, digits and underscores joined by single
// dots. It takes the place of that regexp, which cost a twentieth of a
// publish request's CPU in the API; the tests hold the two to the same
// answers.
func isDottedWords(s string) bool {
	inWord := false // the last byte was a word's
	for i := range len(s) {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '_':
			inWord = true
		case c == '.' && inWord:
			inWord = false
		default:
			return false
		}
	}
	return inWord
}

// CheckEventPattern returns a reason when p is not a valid subscription
// pattern: an exact type name, "*", or a prefix ending in ".*".
func CheckEventPattern(p string) string {
	if p == "*" {
		return ""
	}
	if prefix, ok := strings.CutSuffix(p, ".*"); ok {
		if r := CheckEventTypeName(prefix); r != "" {
			return "wildcard prefix " + r
		}
		return ""
	}
	return CheckEventTypeName(p)
}

// MatchEvent reports whether pattern subscribes to eventType. "*" matches
// every type; "conversation.*" matches "conversation.created" and
// "conversation.visitor.replied" but not "conversation" itself.
func MatchEvent(pattern, eventType string) bool {
	if pattern == "*" {
		return true
	}
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(eventType, prefix)
	}
	return pattern == eventType
}
