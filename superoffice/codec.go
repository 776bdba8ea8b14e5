package superoffice

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/textcheck"
)

// This file reads request bodies (JSON or XML) into generic values and
// picks the answer's media type.

// mediaType is an answer's format.
type mediaType struct {
	xml         bool
	contentType string
}

var (
	appJSON = mediaType{false, "application/json; charset=utf-8"}
	txtJSON = mediaType{false, "text/json; charset=utf-8"}
	appXML  = mediaType{true, "application/xml; charset=utf-8"}
	txtXML  = mediaType{true, "text/xml; charset=utf-8"}
)

// answerTypes are the media types an Accept header may name, with what
// each gives. The patch types of SuperOffice's list answer JSON.
var answerTypes = map[string]mediaType{
	"application/json":             appJSON,
	"text/json":                    txtJSON,
	"application/xml":              appXML,
	"text/xml":                     txtXML,
	"application/json-patch+json":  appJSON,
	"application/merge-patch+json": appJSON,
	"application/*":                appJSON,
	"text/*":                       txtJSON,
	"*/*":                          appJSON,
}

// negotiate picks the answer's media type from Accept: the acceptable type
// with the highest q, the first on a tie; JSON without an Accept header.
func negotiate(accept string) (mediaType, error) {
	if strings.TrimSpace(accept) == "" {
		return appJSON, nil
	}
	best, bestQ := mediaType{}, 0.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(v, 64); err != nil {
				continue
			}
		}
		if t, ok := answerTypes[mt]; ok && q > bestQ {
			best, bestQ = t, q
		}
	}
	if bestQ == 0 {
		return appJSON, hookhub.Errorf(hookhub.ENOTACCEPT,
			"cannot answer in %s; accept application/json, text/json, application/xml or text/xml", accept)
	}
	return best, nil
}

// body is a request body read into generic values.
type body struct {
	v   any  // nil for an empty body
	xml bool // it was XML
}

// readBody reads a request body as JSON or XML, by its Content-Type (by
// its first character when it has none), into generic values: an XML
// body's root element becomes an object.
func readBody(r *http.Request) (body, error) {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return body{}, err // *http.MaxBytesError, or the client went away
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a byte order mark
	if len(bytes.TrimSpace(data)) == 0 {
		return body{}, nil
	}
	if e := textcheck.JSON(data); e != nil { // an XML body is the XML decoder's to check
		return body{}, e.Invalid()
	}
	switch mediaTypeOf(r.Header.Get("Content-Type")) {
	case "application/x-www-form-urlencoded":
		return formBody(data)
	case "application/json-patch+json":
		return patchBody(data)
	}
	isXML, err := bodyIsXML(r.Header.Get("Content-Type"), data)
	if err != nil {
		return body{}, err
	}
	if isXML {
		root, err := parseXML(data)
		if err != nil {
			return body{}, badRequest("the body is not valid XML: %s", err.Error())
		}
		if root.isNil() {
			return body{xml: true}, nil
		}
		if len(root.children) == 0 && strings.TrimSpace(root.text.String()) != "" {
			return body{}, badRequest("the body must be an element with child elements, like <Webhook><Name>…</Name>…</Webhook>")
		}
		obj, err := root.document()
		if err != nil {
			return body{}, badRequest("the body is not a valid %s: %s", root.name, err.Error())
		}
		return body{obj, true}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return body{}, badRequest("the body is not valid JSON: %s", describeJSONError(err, data))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return body{}, badRequest("the body is not valid JSON: there is more after the first value (line %d)", line(data, dec.InputOffset()))
	}
	return body{v, false}, nil
}

// bodyIsXML tells an XML body from a JSON one by its Content-Type.
func bodyIsXML(contentType string, data []byte) (bool, error) {
	if strings.TrimSpace(contentType) == "" {
		return bytes.TrimSpace(data)[0] == '<', nil
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false, hookhub.Errorf(hookhub.EMEDIATYPE, "Content-Type %q is not a media type; send application/json or application/xml", contentType)
	}
	switch mt {
	case "application/json", "text/json", "application/merge-patch+json":
		return false, nil
	case "application/xml", "text/xml":
		return true, nil
	}
	return false, hookhub.Errorf(hookhub.EMEDIATYPE,
		"Content-Type %s is not accepted; send application/json, text/json, application/xml, text/xml, "+
			"application/x-www-form-urlencoded, application/json-patch+json or application/merge-patch+json", mt)
}

func describeJSONError(err error, data []byte) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Sprintf("%s (line %d)", syn.Error(), line(data, syn.Offset))
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "it ends too soon"
	}
	return err.Error()
}

func line(data []byte, offset int64) int {
	return 1 + bytes.Count(data[:min(int(offset), len(data))], []byte("\n"))
}

// badRequest is an EINVALID error about the body as a whole.
func badRequest(format string, args ...any) error {
	return hookhub.Errorf(hookhub.EINVALID, format, args...)
}

// fields reads an object's members by name, ignoring case as SuperOffice
// does; it reports a member of the wrong type under its documented name.
type fields struct {
	m   map[string]any // lower-case name → value
	p   *hookhub.Problems
	xml bool // read from XML, where every scalar is text and an empty element is ""
}

// objectFields checks that v is an object and returns its members.
func objectFields(v any, isXML bool, what string, p *hookhub.Problems) (*fields, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, badRequest("the body must be %s object, not %s", what, kindOf(v))
	}
	f := &fields{m: make(map[string]any, len(obj)), p: p, xml: isXML}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the same member wins each time when two differ only in case
	for _, k := range keys {
		if _, dup := f.m[strings.ToLower(k)]; !dup {
			f.m[strings.ToLower(k)] = obj[k]
		}
	}
	return f, nil
}

// get returns a member; nil when absent or null.
func (f *fields) get(name string) any { return f.m[strings.ToLower(name)] }

// str reads a string member.
func (f *fields) str(name string) *string {
	switch v := f.get(name).(type) {
	case nil:
		return nil
	case string:
		return &v
	default:
		f.p.Add(name, "must be a string, not %s", kindOf(v))
		return nil
	}
}

// integer reads a whole number, given as a number or as a string of digits.
func (f *fields) integer(name string) *int64 {
	v := f.get(name)
	var s string
	switch v := v.(type) {
	case nil:
		return nil
	case json.Number:
		s = v.String()
	case string:
		s = strings.TrimSpace(v)
		if s == "" && f.xml {
			return nil // <WebhookId/>
		}
	default:
		f.p.Add(name, "must be a whole number, not %s", kindOf(v))
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		f.p.Add(name, "must be a whole number of at least 0, not %q", s)
		return nil
	}
	return &n
}

// stringList reads an array of strings; present reports whether it was
// given (not absent or null).
func (f *fields) stringList(name string) (out []string, present bool) {
	switch v := f.get(name).(type) {
	case nil:
		return nil, false
	case []any:
		out = make([]string, 0, len(v))
		for i, item := range v {
			s, ok := item.(string)
			if !ok {
				f.p.Add(fmt.Sprintf("%s[%d]", name, i), "must be a string, not %s", kindOf(item))
				continue
			}
			out = append(out, strings.TrimSpace(s))
		}
		return out, true
	case map[string]any:
		// XML: <Events><string>…</string></Events> reads as an object whose
		// members are the items.
		if items, ok := xmlItems(v); ok {
			f.m[strings.ToLower(name)] = items
			return f.stringList(name)
		}
		f.p.Add(name, "must be an array of strings, not an object")
	case string:
		if !f.xml {
			f.p.Add(name, "must be an array of strings, not a string")
			break
		}
		// XML: <Events>contact.created</Events>, or <Events/> for none.
		if s := strings.TrimSpace(v); s != "" {
			return []string{s}, true
		}
		return []string{}, true
	default:
		f.p.Add(name, "must be an array of strings, not %s", kindOf(v))
	}
	return nil, true
}

// xmlItems returns the items of an XML array read as an object: one member
// (the item element's name) whose value is the item or the list of items.
func xmlItems(obj map[string]any) ([]any, bool) {
	if len(obj) != 1 {
		return nil, len(obj) == 0
	}
	for _, v := range obj {
		if arr, ok := v.([]any); ok {
			return arr, true
		}
		return []any{v}, true
	}
	return nil, false
}

// stringMap reads an object of strings.
func (f *fields) stringMap(name string) (out map[string]string, present bool) {
	switch v := f.get(name).(type) {
	case nil:
		return nil, false
	case map[string]any:
		out = make(map[string]string, len(v))
		for k, item := range v {
			s, ok := item.(string)
			if !ok {
				f.p.Add(name+"."+k, "must be a string, not %s", kindOf(item))
				continue
			}
			out[k] = s
		}
		return out, true
	case string:
		if f.xml && strings.TrimSpace(v) == "" {
			return map[string]string{}, true // <Headers/>
		}
		f.p.Add(name, "must be an object of names and string values, not a string")
		return nil, true
	default:
		f.p.Add(name, "must be an object of names and string values, not %s", kindOf(v))
		return nil, true
	}
}

// object reads an object member as JSON; nil when absent or null.
func (f *fields) object(name string) json.RawMessage {
	switch v := f.get(name).(type) {
	case nil:
		return nil
	case map[string]any:
		b, err := json.Marshal(v)
		if err != nil {
			f.p.Add(name, "cannot be encoded as JSON: %s", err.Error())
			return nil
		}
		return b
	case string:
		if f.xml && strings.TrimSpace(v) == "" {
			return json.RawMessage("{}") // <Properties/>
		}
		f.p.Add(name, "must be an object, not a string")
		return nil
	default:
		f.p.Add(name, "must be an object, not %s", kindOf(v))
		return nil
	}
}

// kindOf names a generic value's JSON type for an error message.
func kindOf(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number (" + v.String() + ")"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
