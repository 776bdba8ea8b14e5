// Package textcheck finds request text that hookhub cannot store as it came:
// a NUL character (PostgreSQL refuses it in text; SQLite would keep it, so
// the two would differ), bytes that are not UTF-8 (Go's JSON decoder would
// quietly replace them with U+FFFD, and PostgreSQL refuses them), and JSON
// escapes of a lone UTF-16 surrogate such as \ud800 (which decode to U+FFFD
// too: the text stored would not be the text sent).
//
// Every surface runs its request text through here where it enters, before
// decoding, and refuses what is found with its own 4xx, naming the field.
package textcheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hookhub/hookhub"
)

// The reasons a text is refused, as the field errors say them.
const (
	NUL       = "contains a NUL character"
	BadUTF8   = "is not valid UTF-8"
	Surrogate = `contains an escaped lone surrogate (\ud800-\udfff), which is not a character`
)

// Reason is why s cannot be stored as it is, or "" when it can.
func Reason(s string) string {
	switch {
	case !utf8.ValidString(s):
		return BadUTF8
	case strings.IndexByte(s, 0) >= 0:
		return NUL
	}
	return ""
}

// Valid reports whether s can be stored as it is.
func Valid(s string) bool { return Reason(s) == "" }

// Error is a field whose text cannot be stored: the JSON path of a member
// ("contact.email", "items[2].name"), or the name of a parameter or header.
type Error struct {
	Field  string
	Reason string
	In     string // where the field is: "path", "query" or "header"; "" in a body
}

func (e *Error) Error() string { return e.Field + ": " + e.Reason }

// Invalid is e as the application's validation error, for the surfaces that
// render those in their own format.
func (e *Error) Invalid() *hookhub.Error { return hookhub.Invalid(e.Field, "%s", e.Reason) }

// Field returns an *Error for the named field when s cannot be stored, nil
// otherwise.
func Field(name, s string) *Error {
	if r := Reason(s); r != "" {
		return &Error{Field: name, Reason: r}
	}
	return nil
}

// Parse reads an Error back from its Error() text, for the places where only
// the message of an error travels (huma's body errors).
func Parse(msg string) (*Error, bool) {
	for _, r := range []string{NUL, BadUTF8, Surrogate} {
		if field, ok := strings.CutSuffix(msg, ": "+r); ok {
			return &Error{Field: field, Reason: r}, true
		}
	}
	return nil, false
}

// Values checks the names and values of a query or form; the field is the
// parameter's name (quoted when the name itself is at fault).
func Values(v url.Values) *Error {
	for name, vals := range v {
		if r := Reason(name); r != "" {
			return &Error{Field: quote(name), Reason: "(a parameter name) " + r}
		}
		for _, s := range vals {
			if e := Field(name, s); e != nil {
				return e
			}
		}
	}
	return nil
}

// Request checks the text of r that the surfaces read: the path's wildcards
// by their names once r is routed (the whole path before), the query's
// parameters, and the headers named.
func Request(r *http.Request, headers ...string) *Error {
	if e := Path(r); e != nil {
		return e
	}
	if e := Query(r); e != nil {
		return e
	}
	for _, h := range headers {
		for _, v := range r.Header.Values(h) {
			if e := Field(h, v); e != nil {
				e.In = "header"
				return e
			}
		}
	}
	return nil
}

// Path checks r's path: each wildcard of its pattern by name when r was
// routed, the path as a whole otherwise.
func Path(r *http.Request) *Error {
	names := Wildcards(r.Pattern)
	values := make([]string, len(names))
	for i, name := range names {
		values[i] = r.PathValue(name)
	}
	if r.Pattern == "" {
		names, values = []string{"path"}, []string{r.URL.Path}
	}
	for i, name := range names {
		if e := Field(name, values[i]); e != nil {
			e.In = "path"
			return e
		}
	}
	return nil
}

// Query checks r's query parameters. A query that does not parse is left to
// the handlers, which read it the same lenient way.
func Query(r *http.Request) *Error {
	q, _ := url.ParseQuery(r.URL.RawQuery)
	e := Values(q)
	if e != nil {
		e.In = "query"
	}
	return e
}

// Wildcards are the names of the {wildcards} of a ServeMux pattern or an
// OpenAPI path.
func Wildcards(pattern string) []string {
	var out []string
	for {
		_, rest, ok := strings.Cut(pattern, "{")
		if !ok {
			return out
		}
		name, after, ok := strings.Cut(rest, "}")
		if !ok {
			return out
		}
		out = append(out, strings.TrimSuffix(name, "..."))
		pattern = after
	}
}

// JSON finds the first string of body, member name or value, that cannot be
// stored as it came: a raw byte that is not UTF-8, an escaped NUL (\u0000)
// or an escaped lone surrogate. It looks at the raw bytes, before a decoder
// has replaced anything. A body that is not valid JSON is nil here: the
// decoder that reads it next says what is wrong with it.
//
// The field is the member's path: names joined with dots, array elements by
// index ("order.items[0].name"); "body" for a top-level string.
func JSON(body []byte) *Error {
	if utf8.Valid(body) && !suspectEscape(body) {
		return nil // nothing to find: the common case, without walking the body
	}
	return walkJSON(body)
}

// walkJSON is JSON's walk of the whole body, which names the field.
func walkJSON(body []byte) *Error {
	if !json.Valid(body) {
		return nil
	}
	s := scanner{b: body}
	s.value("")
	return s.err
}

// suspectEscape reports whether body holds a \u escape that may be a NUL
// (\u0000) or a surrogate (\ud800-\udfff, paired or not). It may say yes
// where there is none (a "\\u0000" is an escaped backslash), never no where
// there is one: JSON walks the body when it says yes.
func suspectEscape(body []byte) bool {
	for {
		i := bytes.Index(body, []byte(`\u`))
		if i < 0 {
			return false
		}
		hex := body[i+2:]
		if len(hex) >= 4 && string(hex[:4]) == "0000" {
			return true
		}
		if len(hex) >= 2 && (hex[0] == 'd' || hex[0] == 'D') && strings.IndexByte("89abcdefABCDEF", hex[1]) >= 0 {
			return true
		}
		body = hex
	}
}

// JSONField is JSON for a body that is one field of a larger request (a
// form parameter holding JSON): paths are prefixed with name.
func JSONField(name string, body []byte) *Error {
	e := JSON(body)
	if e != nil {
		if e.Field == "body" {
			e.Field = name
		} else if strings.HasPrefix(e.Field, "[") {
			e.Field = name + e.Field
		} else {
			e.Field = name + "." + e.Field
		}
	}
	return e
}

// scanner walks JSON already known to be valid.
type scanner struct {
	b   []byte
	i   int
	err *Error
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// value reads one value at path.
func (s *scanner) value(path string) {
	s.ws()
	if s.err != nil || s.i >= len(s.b) {
		return
	}
	switch s.b[s.i] {
	case '{':
		s.i++
		for s.err == nil {
			s.ws()
			if s.b[s.i] == '}' {
				s.i++
				return
			}
			if s.b[s.i] == ',' {
				s.i++
				s.ws()
			}
			name, reason := s.str()
			member := name
			if reason != "" {
				member = quote(name)
			}
			if path != "" {
				member = path + "." + member
			}
			if reason != "" {
				s.err = &Error{Field: member, Reason: "(a member name) " + reason}
				return
			}
			s.ws()
			s.i++ // ':'
			s.value(member)
		}
	case '[':
		s.i++
		for n := 0; s.err == nil; n++ {
			s.ws()
			if s.b[s.i] == ']' {
				s.i++
				return
			}
			if s.b[s.i] == ',' {
				s.i++
			}
			s.value(path + "[" + strconv.Itoa(n) + "]")
		}
	case '"':
		if _, reason := s.str(); reason != "" {
			if path == "" {
				path = "body"
			}
			s.err = &Error{Field: path, Reason: reason}
		}
	default: // a number, true, false or null
		for s.i < len(s.b) && !strings.ContainsRune(",]} \t\n\r", rune(s.b[s.i])) {
			s.i++
		}
	}
}

// str reads the string at s.i: its text as decoded (for naming a member)
// and the reason it cannot be stored, if any.
func (s *scanner) str() (string, string) {
	s.i++ // '"'
	var text strings.Builder
	reason := ""
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return text.String(), reason
		case c == '\\':
			if s.b[s.i+1] != 'u' {
				text.WriteByte(unescape(s.b[s.i+1]))
				s.i += 2
				continue
			}
			r := hex4(s.b[s.i+2 : s.i+6])
			s.i += 6
			switch {
			case r == 0:
				reason = first(reason, NUL)
				text.WriteByte(0)
			case r >= 0xd800 && r < 0xdc00:
				if s.i+6 <= len(s.b) && s.b[s.i] == '\\' && s.b[s.i+1] == 'u' {
					if lo := hex4(s.b[s.i+2 : s.i+6]); lo >= 0xdc00 && lo < 0xe000 {
						s.i += 6
						text.WriteRune(0x10000 + (r-0xd800)<<10 + (lo - 0xdc00))
						continue
					}
				}
				reason = first(reason, Surrogate)
			case r >= 0xdc00 && r < 0xe000:
				reason = first(reason, Surrogate)
			default:
				text.WriteRune(r)
			}
		default:
			r, n := utf8.DecodeRune(s.b[s.i:])
			if r == utf8.RuneError && n == 1 {
				reason = first(reason, BadUTF8)
			}
			text.Write(s.b[s.i : s.i+n])
			s.i += n
		}
	}
	return text.String(), reason
}

func first(had, reason string) string {
	if had != "" {
		return had
	}
	return reason
}

func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 't':
		return '\t'
	case 'r':
		return '\r'
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	}
	return c // '"', '\\', '/'
}

func hex4(b []byte) rune {
	n, _ := strconv.ParseUint(string(b), 16, 32) // valid JSON: four hex digits
	return rune(n)
}

// quote names a field whose name is itself at fault, readably and as valid
// UTF-8.
func quote(name string) string { return fmt.Sprintf("%+q", name) }

// Stored finds the first string reachable from v (through pointers,
// structs' exported fields, slices, arrays and maps, keys included) that
// cannot be stored as it is; the field is its Go path ("Contact.Email").
// It is for checks that what a decoder accepted holds only storable text;
// json.RawMessage and []byte are checked as JSON text when they are JSON.
func Stored(v any) *Error {
	e := stored(reflect.ValueOf(v), "", 0)
	if e != nil {
		e.Field = strings.TrimPrefix(e.Field, ".")
	}
	return e
}

var rawMessage = reflect.TypeFor[json.RawMessage]()

func stored(v reflect.Value, path string, depth int) *Error {
	if depth > 64 || !v.IsValid() {
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		return Field(path, v.String())
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return stored(v.Elem(), path, depth+1)
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				if e := stored(v.Field(i), path+"."+f.Name, depth+1); e != nil {
					return e
				}
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type() == rawMessage || v.Type().Elem().Kind() == reflect.Uint8 {
			if v.Kind() == reflect.Slice && json.Valid(v.Bytes()) {
				return JSONField(path, v.Bytes())
			}
			return nil
		}
		for i := range v.Len() {
			if e := stored(v.Index(i), path+"["+strconv.Itoa(i)+"]", depth+1); e != nil {
				return e
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if e := stored(it.Key(), path+"(key)", depth+1); e != nil {
				return e
			}
			if e := stored(it.Value(), path+"["+quote(fmt.Sprint(it.Key()))+"]", depth+1); e != nil {
				return e
			}
		}
	}
	return nil
}
