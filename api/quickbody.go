package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"

	"github.com/hookhub/hookhub/textcheck"
)

// The publish routes are the API's hot path. huma checks a body by decoding
// it twice, once into `any` to validate it against the schema and once into
// the struct; for these routes a quick check in Go takes the place of the
// first decode and the validation when the body has the common shape, and
// huma's own validation still answers every other body, so that each is
// answered as before.
//
// A quick route's body type embeds quickBody. Its operation skips huma's
// body validation (quickOp); jsonFormat decodes such a body with
// decodeQuick, which either checks and decodes it in one pass or keeps it
// for the handler, whose h.checkBody then validates it as huma would have.

// quickBody is embedded in a body type to let decodeQuick take it.
type quickBody struct {
	checked bool   // the quick check passed and the body is decoded
	raw     []byte // otherwise, a copy of the body for the full check
}

func (q *quickBody) quick() *quickBody { return q }

// quicker is a body type that embeds quickBody.
type quicker interface{ quick() *quickBody }

// The kinds of members the quick check knows.
const (
	kindOther   = iota // anything else: a body with this member is left to the full check
	kindString         // a string (not null), with an optional maxLength
	kindStrings        // an array of strings (not null)
	kindAny            // any JSON value
	kindArray          // an array of any values (not null)
)

type quickField struct {
	name     string
	kind     int
	maxLen   int // kindString: the schema's maxLength, or -1
	required bool
	index    int // the Go field it decodes into
}

// maxQuickFields is the most members a quick body may have.
const maxQuickFields = 16

// quickSchemas holds, for each quick body type, its members as the quick
// check knows them, derived from its schema when its route is registered.
var quickSchemas sync.Map // reflect.Type → []quickField

// quickOp makes op a quick route: huma skips its body validation, and a
// body in a content type huma cannot decode is refused as before
// (contentTypeFirst).
func (h *handlers) quickOp(api huma.API, op huma.Operation) huma.Operation {
	op.SkipValidateBody = true
	op.Middlewares = append(op.Middlewares, contentTypeFirst(api))
	return op
}

// learnQuick records what h.checkBody and decodeQuick need of the body of
// the quick route registered as POST path: the schema huma would have
// validated it against, and the quick check's view of it.
func (h *handlers) learnQuick(api huma.API, path string, body reflect.Type) {
	op := api.OpenAPI().Paths[path].Post
	s := op.RequestBody.Content["application/json"].Schema
	if h.quickSchemas == nil {
		h.quickSchemas = map[reflect.Type]*huma.Schema{}
	}
	h.quickSchemas[body] = s
	h.registry = api.OpenAPI().Components.Schemas
	if s.Ref != "" {
		s = h.registry.SchemaFromRef(s.Ref)
	}
	quickSchemas.LoadOrStore(body, quickFields(s, body))
}

// quickFields is the quick check's view of an object schema, decoded into
// Go type t: nil (never quick) unless it is an object without other
// properties. A member that decodes into a field of another Go type than
// its kind's is kindOther.
func quickFields(s *huma.Schema, t reflect.Type) []quickField {
	if s == nil || s.Type != "object" || s.AdditionalProperties != false || len(s.Properties) > maxQuickFields {
		return nil
	}
	var out []quickField
	for name, p := range s.Properties {
		f := quickField{name: name, kind: kindOf(p), maxLen: -1, index: -1}
		for i := range t.NumField() {
			if tag, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); tag == name && t.Field(i).IsExported() {
				f.index = i
			}
		}
		if f.index < 0 || t.Field(f.index).Type != goTypes[f.kind] {
			f.kind = kindOther
		}
		if p.MaxLength != nil {
			f.maxLen = *p.MaxLength
		}
		for _, r := range s.Required {
			f.required = f.required || r == name
		}
		out = append(out, f)
	}
	return out
}

// goTypes are the Go types each kind decodes into.
var goTypes = map[int]reflect.Type{
	kindString:  reflect.TypeFor[string](),
	kindStrings: reflect.TypeFor[[]string](),
	kindAny:     reflect.TypeFor[json.RawMessage](),
	kindArray:   reflect.TypeFor[[]json.RawMessage](),
}

// kindOf is the kind of a member's schema: kindOther unless the schema says
// nothing more than the kind (and a string's maxLength).
func kindOf(p *huma.Schema) int {
	b, err := json.Marshal(p)
	var m map[string]any
	if err != nil || json.Unmarshal(b, &m) != nil {
		return kindOther
	}
	delete(m, "description")
	typ, items := m["type"], m["items"]
	delete(m, "type")
	delete(m, "items")
	if typ == "string" {
		delete(m, "maxLength")
	}
	if len(m) > 0 {
		return kindOther
	}
	array := reflect.DeepEqual(typ, []any{"array", "null"}) || typ == "array"
	switch {
	case typ == nil && items == nil:
		return kindAny
	case typ == "string":
		return kindString
	case array && reflect.DeepEqual(items, map[string]any{}):
		return kindArray
	case array && reflect.DeepEqual(items, map[string]any{"type": "string"}):
		return kindStrings
	}
	return kindOther
}

// decodeQuick decodes data into a quick body v when the quick check finds
// the common shape: valid JSON holding only text that can be stored, an
// object of known members, each named exactly once as the schema spells it,
// with values of their kinds. Such a body is one huma's validation passes;
// its members are decoded from where the check found them, as
// encoding/json would decode them. Any other body is kept for h.checkBody.
func decodeQuick(data []byte, v quicker) {
	q := v.quick()
	fields, _ := quickSchemas.Load(reflect.TypeOf(v).Elem())
	f, _ := fields.([]quickField)
	var spans [maxQuickFields]span
	if f != nil && textcheck.JSON(data) == nil && quickShape(data, f, &spans) && json.Valid(data) && setQuick(v, data, f, &spans) {
		q.checked = true
		return
	}
	q.raw = append([]byte(nil), data...) // huma reuses its buffer
}

// span is where a member's value is in the body; end 0: not there.
type span struct{ start, end int }

// setQuick sets v's fields to the members' values in data, valid JSON.
func setQuick(v quicker, data []byte, fields []quickField, spans *[maxQuickFields]span) bool {
	st := reflect.ValueOf(v).Elem()
	for i, f := range fields {
		sp := spans[i]
		if sp.end == 0 {
			continue
		}
		val, dst := data[sp.start:sp.end], st.Field(f.index)
		switch f.kind {
		case kindString:
			str, ok := decodeString(val)
			if !ok {
				return false
			}
			dst.SetString(str)
		case kindAny:
			dst.SetBytes(bytes.Clone(val))
		case kindArray:
			dst.Set(reflect.ValueOf(elements(val, func(e []byte) (json.RawMessage, bool) { return bytes.Clone(e), true })))
		case kindStrings:
			strs := elements(val, decodeString)
			if strs == nil {
				return false
			}
			dst.Set(reflect.ValueOf(strs))
		}
	}
	return true
}

// decodeString decodes string s, valid JSON.
func decodeString(s []byte) (string, bool) {
	if bytes.IndexByte(s, '\\') < 0 {
		return string(s[1 : len(s)-1]), true
	}
	var out string
	return out, json.Unmarshal(s, &out) == nil
}

// elements decodes the values of array a, valid JSON, with decode; nil when
// one does not decode.
func elements[T any](a []byte, decode func([]byte) (T, bool)) []T {
	s := shape{b: a}
	s.byte('[')
	out := []T{}
	if s.byte(']') {
		return out
	}
	for {
		s.ws()
		start := s.i
		s.skip()
		v, ok := decode(a[start:s.i])
		if !ok {
			return nil
		}
		out = append(out, v)
		if !s.byte(',') {
			return out
		}
	}
}

// checkBody answers a quick body that decodeQuick kept as huma would have
// had it validated it: a body that does not decode (or holds text that
// cannot be stored) is 400, one that breaks the schema 422, with huma's
// messages; one that passes is decoded into body. It also refuses a
// content type contentTypeFirst found wanting.
func (h *handlers) checkBody(ctx context.Context, body quicker) error {
	if err, ok := ctx.Value(contentTypeKey{}).(error); ok {
		status := http.StatusBadRequest
		if errors.Is(err, huma.ErrUnknownContentType) {
			status = http.StatusUnsupportedMediaType
		}
		return huma.NewError(status, "validation failed", &huma.ErrorDetail{Location: "body", Message: err.Error()})
	}
	q := body.quick()
	if q.checked {
		return nil
	}
	raw := q.raw
	var parsed any
	if err := unmarshalJSON(raw, &parsed); err != nil {
		return huma.NewError(http.StatusBadRequest, "validation failed", &huma.ErrorDetail{Location: "body", Message: err.Error()})
	}
	res := &huma.ValidateResult{}
	pb := huma.NewPathBuffer(make([]byte, 0, 128), 0)
	pb.Push("body")
	huma.Validate(h.registry, h.quickSchemas[reflect.TypeOf(body).Elem()], pb, huma.ModeWriteToServer, parsed, res)
	if len(res.Errors) > 0 {
		return huma.NewError(http.StatusUnprocessableEntity, "validation failed", res.Errors...)
	}
	reflect.ValueOf(body).Elem().SetZero()
	if err := unmarshalJSON(raw, body); err != nil {
		return huma.NewError(http.StatusUnprocessableEntity, "validation failed", &huma.ErrorDetail{Location: "body", Message: err.Error()})
	}
	return nil
}

type contentTypeKey struct{}

// contentTypeFirst is the middleware of a quick route that finds a content
// type huma cannot decode before huma reads the body. Without validation
// huma would refuse such a body 422; the handler refuses it as huma's
// validation did (h.checkBody), and huma reads the body as JSON meanwhile.
func contentTypeFirst(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		ct := ctx.Header("Content-Type")
		if ct == "" || ct == "application/json" {
			next(ctx)
			return
		}
		if err := api.Unmarshal(ct, []byte("{}"), new(any)); err != nil {
			next(huma.WithValue(asJSON{ctx}, contentTypeKey{}, err))
			return
		}
		next(ctx)
	}
}

// asJSON is a request whose body huma is to read as JSON.
type asJSON struct{ humaContext }

// humaContext names huma.Context for embedding: embedded as is, its field
// would hide its Context method.
type humaContext = huma.Context

func (c asJSON) Header(name string) string {
	if strings.EqualFold(name, "Content-Type") {
		return "application/json"
	}
	return c.humaContext.Header(name)
}

// quickShape reports whether data is an object of the fields' members, each
// at most once and spelled exactly, with values of their kinds, and all the
// required ones. Syntax it does not need to look at (inside a kindAny
// value) is left to the decoder.
func quickShape(data []byte, fields []quickField, spans *[maxQuickFields]span) bool {
	s := shape{b: data}
	if !s.byte('{') {
		return false
	}
	var seen uint16
	if !s.byte('}') {
		for {
			name, ok := s.plainString()
			if !ok || !s.byte(':') {
				return false
			}
			i := indexField(fields, name)
			if i < 0 || seen&(1<<i) != 0 {
				return false // unknown, in another case, or twice
			}
			seen |= 1 << i
			s.ws()
			start := s.i
			if !s.value(fields[i]) {
				return false
			}
			spans[i] = span{start, s.i}
			if s.byte('}') {
				break
			}
			if !s.byte(',') {
				return false
			}
		}
	}
	s.ws()
	if s.i != len(s.b) {
		return false
	}
	for i, f := range fields {
		if f.required && seen&(1<<i) == 0 {
			return false
		}
	}
	return true
}

func indexField(fields []quickField, name []byte) int {
	for i, f := range fields {
		if f.name == string(name) {
			return i
		}
	}
	return -1
}

// shape reads the parts of a JSON body quickShape looks at.
type shape struct {
	b []byte
	i int
}

func (s *shape) ws() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

// byte reads c after white space.
func (s *shape) byte(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// plainString reads a string without escapes and returns its text.
func (s *shape) plainString() ([]byte, bool) {
	if !s.byte('"') {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			return s.b[start : s.i-1], true
		case c == '\\' || c < 0x20:
			return nil, false
		}
		s.i++
	}
	return nil, false
}

// string reads a string, escapes and all, and returns the length of its
// text as sent, which is at least the number of characters it decodes to.
func (s *shape) string() (int, bool) {
	if !s.byte('"') {
		return 0, false
	}
	start := s.i
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '"':
			s.i++
			return s.i - 1 - start, true
		case '\\':
			s.i++
		}
		s.i++
	}
	return 0, false
}

// value reads the value of member f.
func (s *shape) value(f quickField) bool {
	switch f.kind {
	case kindString:
		n, ok := s.string()
		return ok && (f.maxLen < 0 || n <= f.maxLen)
	case kindStrings:
		if !s.byte('[') {
			return false
		}
		if s.byte(']') {
			return true
		}
		for {
			if _, ok := s.string(); !ok {
				return false
			}
			if s.byte(']') {
				return true
			}
			if !s.byte(',') {
				return false
			}
		}
	case kindAny:
		return s.skip()
	case kindArray:
		s.ws()
		return s.i < len(s.b) && s.b[s.i] == '[' && s.skip()
	}
	return false
}

// skip reads any one value: a string, or everything up to where its
// brackets balance, or a literal. Whether it is valid JSON is the
// decoder's to say.
func (s *shape) skip() bool {
	s.ws()
	if s.i >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '"':
		_, ok := s.string()
		return ok
	case '{', '[':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				if _, ok := s.string(); !ok {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			s.i++
			if depth == 0 {
				return true
			}
		}
		return false
	}
	start := s.i
	for s.i < len(s.b) && !strings.ContainsRune(",}] \t\n\r", rune(s.b[s.i])) {
		s.i++
	}
	return s.i > start
}
