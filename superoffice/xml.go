package superoffice

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// This file maps XML bodies onto the same generic values a JSON body
// decodes to (map[string]any, []any, string, json.Number, bool, nil), and
// writes XML answers. The rules, in docs/superoffice.md: element names are
// the JSON member names; an array is an element whose children are its
// items (any name; "string" when hookhub writes one); a map's keys are
// element names, or <KeyValue><Key>…</Key><Value>…</Value></KeyValue>
// when a key is not a valid XML name; nil="true" (in any namespace, or
// none) is null. Free-form values (Properties) carry type="number",
// "boolean", "object", "array", "null" or "string" so that they come back
// as they went in; without it an element with children is an object, one
// with text a string, and an empty one (<fieldName/>) an empty object, as
// the seed's "fieldName": {} is most naturally written. Elsewhere an empty
// element is "". Input namespaces are ignored; answers declare xmlns:i
// (XML Schema instance) on the root and write null as i:nil="true", as
// .NET's DataContractSerializer does.

// node is an XML element.
type node struct {
	name     string
	attrs    map[string]string // by local name
	text     strings.Builder
	children []*node
}

// maxXMLDepth bounds the nesting of an XML body.
const maxXMLDepth = 64

// parseXML reads one XML document into its root element.
func parseXML(data []byte) (*node, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var stack []*node
	var root *node
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, describeXMLError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, fmt.Errorf("there is more than one root element (<%s> after </%s>)", t.Name.Local, root.name)
			}
			if len(stack) >= maxXMLDepth {
				return nil, fmt.Errorf("elements are nested more than %d deep", maxXMLDepth)
			}
			n := &node{name: t.Name.Local, attrs: map[string]string{}}
			for _, a := range t.Attr {
				if a.Name.Space != "xmlns" && a.Name.Local != "xmlns" {
					n.attrs[a.Name.Local] = a.Value
				}
			}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, errors.New("there is text outside the root element")
			}
		}
	}
	if root == nil {
		return nil, errors.New("there is no root element")
	}
	return root, nil
}

func describeXMLError(err error) error {
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Errorf("%s (line %d)", syn.Msg, syn.Line)
	}
	return err
}

// isNil reports whether the element says it is null (xsi:nil="true").
func (n *node) isNil() bool { return n.attrs["nil"] == "true" }

// value converts an element to a generic value; free says it is (inside)
// a free-form value, where an empty element without a type is {}.
func (n *node) value(free bool) (any, error) {
	if n.isNil() {
		return nil, nil
	}
	text := n.text.String()
	switch t := n.attrs["type"]; t {
	case "", "string":
		if t == "" && (len(n.children) > 0 || free && text == "") {
			return n.object(free)
		}
		if len(n.children) > 0 {
			return nil, fmt.Errorf("<%s> is a string and must not have child elements", n.name)
		}
		return text, nil
	case "number":
		s := strings.TrimSpace(text)
		if !json.Valid([]byte(s)) || s == "" || strings.ContainsAny(s[:1], `"[{tfn`) {
			return nil, fmt.Errorf("<%s> says it is a number, but %q is not one", n.name, s)
		}
		return json.Number(s), nil
	case "boolean":
		b, err := strconv.ParseBool(strings.TrimSpace(text))
		if err != nil {
			return nil, fmt.Errorf("<%s> says it is a boolean, but %q is not true or false", n.name, strings.TrimSpace(text))
		}
		return b, nil
	case "null":
		return nil, nil
	case "object":
		return n.object(free)
	case "array":
		return n.array(free)
	default:
		return nil, fmt.Errorf("<%s> has type %q; use number, boolean, string, object, array or null", n.name, t)
	}
}

// object converts an element's children to a map: one member per child,
// repeated names becoming arrays, KeyValue children giving their Key.
func (n *node) object(free bool) (map[string]any, error) {
	return n.members(func(string) bool { return free })
}

// document converts the root element's children, the body's members, to a
// map; Properties' value is free-form.
func (n *node) document() (map[string]any, error) {
	return n.members(func(name string) bool { return strings.EqualFold(name, "Properties") })
}

// members is object with free deciding, by a child's name, whether its
// value is free-form.
func (n *node) members(free func(name string) bool) (map[string]any, error) {
	out := make(map[string]any, len(n.children))
	for _, c := range n.children {
		key, v, err := c.member(free(c.name))
		if err != nil {
			return nil, err
		}
		if prev, ok := out[key]; ok {
			if arr, ok := prev.(repeated); ok {
				out[key] = append(arr, v)
			} else {
				out[key] = repeated{prev, v}
			}
			continue
		}
		out[key] = v
	}
	for k, v := range out {
		if arr, ok := v.(repeated); ok {
			out[k] = []any(arr)
		}
	}
	return out, nil
}

// repeated marks an array made of repeated elements while an object is read.
type repeated []any

// member returns a child of an object as a key and a value.
func (n *node) member(free bool) (string, any, error) {
	if n.name == "KeyValue" || strings.HasPrefix(n.name, "KeyValueOf") {
		var key, val *node
		for _, c := range n.children {
			switch c.name {
			case "Key":
				key = c
			case "Value":
				val = c
			}
		}
		if key != nil {
			if val == nil {
				return key.text.String(), nil, nil
			}
			v, err := val.value(free)
			return key.text.String(), v, err
		}
	}
	v, err := n.value(free)
	return n.name, v, err
}

// array converts an element's children to items; an element with text
// and no children is an array of that one item.
func (n *node) array(free bool) ([]any, error) {
	if n.isNil() {
		return nil, nil
	}
	if len(n.children) == 0 {
		if s := strings.TrimSpace(n.text.String()); s != "" {
			return []any{s}, nil
		}
		return []any{}, nil
	}
	out := make([]any, len(n.children))
	for i, c := range n.children {
		v, err := c.value(free)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// xsi is the namespace of nil, declared as xmlns:i on an answer's root.
const xsi = "http://www.w3.org/2001/XMLSchema-instance"

// xmlWriter writes an XML answer.
type xmlWriter struct {
	b     bytes.Buffer
	depth int // open elements
}

func newXMLWriter() *xmlWriter {
	x := &xmlWriter{}
	x.b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	return x
}

// open starts an element; the root declares the prefix i for xsi.
func (x *xmlWriter) open(name string, attrs ...string) {
	if x.depth == 0 {
		attrs = append([]string{"xmlns:i", xsi}, attrs...)
	}
	x.depth++
	x.b.WriteByte('<')
	x.b.WriteString(name)
	for i := 0; i+1 < len(attrs); i += 2 {
		x.b.WriteString(" " + attrs[i] + `="`)
		_ = xml.EscapeText(&x.b, []byte(attrs[i+1]))
		x.b.WriteByte('"')
	}
	x.b.WriteByte('>')
}

func (x *xmlWriter) close(name string) {
	x.depth--
	x.b.WriteString("</" + name + ">")
}

// elem writes <name>text</name>.
func (x *xmlWriter) elem(name, text string, attrs ...string) {
	x.open(name, attrs...)
	_ = xml.EscapeText(&x.b, []byte(text))
	x.close(name)
}

// null writes <name i:nil="true"></name>.
func (x *xmlWriter) null(name string) { x.elem(name, "", "i:nil", "true") }

// strings writes an array of strings as <name><string>…</string>…</name>.
func (x *xmlWriter) strings(name string, items []string) {
	x.open(name)
	for _, s := range items {
		x.elem("string", s)
	}
	x.close(name)
}

// stringMap writes a map of strings, keys as element names.
func (x *xmlWriter) stringMap(name string, m map[string]string) {
	x.open(name)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if plainName(k) {
			x.elem(k, m[k])
			continue
		}
		x.open("KeyValue")
		x.elem("Key", k)
		x.elem("Value", m[k])
		x.close("KeyValue")
	}
	x.close(name)
}

// json writes a JSON value as a free-form element, with type attributes.
func (x *xmlWriter) json(name string, raw json.RawMessage) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("decode %s: %w", name, err)
	}
	x.value(name, v)
	return nil
}

func (x *xmlWriter) value(name string, v any) {
	keyed := !plainName(name)
	if keyed {
		x.open("KeyValue")
		x.elem("Key", name)
		name = "Value"
	}
	switch v := v.(type) {
	case nil:
		x.open(name, "type", "null")
		x.close(name)
	case string:
		if v == "" {
			x.elem(name, v, "type", "string") // an untyped empty element is {}
		} else {
			x.elem(name, v)
		}
	case json.Number:
		x.elem(name, v.String(), "type", "number")
	case bool:
		x.elem(name, strconv.FormatBool(v), "type", "boolean")
	case []any:
		x.open(name, "type", "array")
		for _, item := range v {
			x.value("item", item)
		}
		x.close(name)
	case map[string]any:
		x.open(name, "type", "object")
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			x.value(k, v[k])
		}
		x.close(name)
	}
	if keyed {
		x.close("KeyValue")
	}
}

// plainName reports whether a member can be written as an element of its
// name: a valid XML name that the reader does not take for a KeyValue pair
// (a member named KeyValue is written as one, with its name as the Key).
func plainName(s string) bool {
	return validXMLName(s) && s != "KeyValue" && !strings.HasPrefix(s, "KeyValueOf")
}

// validXMLName reports whether s can be an element name: a letter or _
// first, then letters, digits, '-', '_' and '.', not starting with "xml".
func validXMLName(s string) bool {
	if s == "" || strings.HasPrefix(strings.ToLower(s), "xml") {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r > 0x7f && r != 0xfffd:
		case i > 0 && (r == '-' || r == '.' || r >= '0' && r <= '9'):
		default:
			return false
		}
	}
	return true
}
