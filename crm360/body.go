package crm360

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
	"github.com/hookhub/hookhub/inbound"
	"github.com/hookhub/hookhub/textcheck"
)

// item is one entity of a body: its JSON, or for routes with Fields its
// flat fields (names in lower case).
type item struct {
	raw    json.RawMessage
	fields map[string]string
}

// MaxItems is the most entities a body in BatchMode holds.
const MaxItems = crm.MaxCRMOps

// Decode reads a body of p's route: one entity, or with BatchMode an
// array of them (or the platform's bulk format), into the operations of
// a change. Faults are EINVALID, naming the field ("email", or
// "[2].email" in a batch), EMEDIATYPE for a content type the route does
// not read.
func Decode(p *Params, header http.Header, body []byte) ([]crm.CRMOp, error) {
	items, err := p.Route.items(p, header, body)
	if err != nil {
		return nil, err
	}
	var ops []crm.CRMOp
	var pr hookhub.Problems
	for i, it := range items {
		got, err := p.Route.decode(it, p)
		var e *hookhub.Error
		switch {
		case err == nil:
			ops = append(ops, got...)
		case errors.As(err, &e) && e.Code == hookhub.EINVALID && p.BatchMode:
			for _, f := range e.Fields {
				pr.Add("["+strconv.Itoa(i)+"]."+f.Field, "%s", f.Reason)
			}
		default:
			return nil, err
		}
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	return ops, nil
}

// items splits a body into its entities.
func (r *Route) items(p *Params, header http.Header, body []byte) ([]item, error) {
	if r.Fields {
		if mt, _, _ := mime.ParseMediaType(header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
			form, err := url.ParseQuery(string(body))
			if err != nil {
				return nil, hookhub.Invalid(inbound.BodyField, "the form is malformed: %s", err.Error())
			}
			if e := textcheck.Values(form); e != nil {
				return nil, e.Invalid()
			}
			return []item{{fields: flat(form, p.Extra)}}, nil
		}
		if len(bytes.TrimSpace(body)) == 0 {
			return []item{{fields: flat(p.Extra, nil)}}, nil
		}
	} else if err := inbound.RequireJSON(header); err != nil {
		return nil, err
	}
	if e := textcheck.JSON(body); e != nil {
		return nil, e.Invalid()
	}
	if len(bytes.TrimSpace(body)) == 0 && r.Empty {
		return []item{{raw: json.RawMessage(`{}`)}}, nil
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, inbound.NotJSON(body, err)
	}
	raws, err := r.split(body, v, p.BatchMode)
	if err != nil {
		return nil, err
	}
	items := make([]item, len(raws))
	for i, raw := range raws {
		items[i].raw = raw
		if r.Fields {
			if items[i].fields, err = jsonFields(raw, p.Extra); err != nil {
				return nil, err
			}
		}
	}
	return items, nil
}

// split is the entities of a JSON body: the object itself, or in batch
// mode the array's elements.
func (r *Route) split(body []byte, v any, batch bool) ([]json.RawMessage, error) {
	_, isObject := v.(map[string]any)
	_, isArray := v.([]any)
	switch {
	case !batch && isObject:
		return []json.RawMessage{body}, nil
	case !batch && isArray:
		return nil, hookhub.Invalid(inbound.BodyField, "the body is an array; set BatchMode=true to send many %s at once", strings.ToLower(r.Entity)+"s")
	case !batch:
		return nil, hookhub.Invalid(inbound.BodyField, "the body must be a JSON object")
	}
	var list []json.RawMessage
	if isObject && r.ListKey != "" {
		var wrapper map[string]json.RawMessage
		_ = json.Unmarshal(body, &wrapper) // an object: checked above
		if raw, ok := wrapper[r.ListKey]; ok {
			body, isArray = raw, len(bytes.TrimSpace(raw)) > 0 && bytes.TrimSpace(raw)[0] == '['
		}
	}
	if !isArray {
		want := "a JSON array"
		if r.ListKey != "" {
			want += ` or {"` + r.ListKey + `": […]}`
		}
		return nil, hookhub.Invalid(inbound.BodyField, "with BatchMode=true the body must be %s", want)
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, inbound.NotJSON(body, err)
	}
	switch {
	case len(list) == 0:
		return nil, hookhub.Invalid(inbound.BodyField, "the batch is empty")
	case len(list) > MaxItems:
		return nil, hookhub.Invalid(inbound.BodyField, "the batch holds %d entities; at most %d", len(list), MaxItems)
	}
	return list, nil
}

// flat is a form's fields with lower-case names, the first value of each;
// the query's extra parameters fill those the form lacks.
func flat(form, extra url.Values) map[string]string {
	out := map[string]string{}
	for _, vs := range []url.Values{form, extra} {
		for k, v := range vs {
			if _, ok := out[strings.ToLower(k)]; !ok && len(v) > 0 {
				out[strings.ToLower(k)] = strings.TrimSpace(v[0])
			}
		}
	}
	return out
}

// jsonFields is a flat JSON object as fields: strings as they are,
// numbers and booleans written out.
func jsonFields(raw json.RawMessage, extra url.Values) (map[string]string, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, hookhub.Invalid(inbound.BodyField, "each entity must be a JSON object")
	}
	form := url.Values{}
	for k, v := range obj {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			s = string(bytes.TrimSpace(v))
			if strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[") {
				return nil, hookhub.Invalid(k, "must be a string or a number")
			}
			if s == "null" {
				s = ""
			}
		}
		form.Set(k, s)
	}
	return flat(form, extra), nil
}

// decodeJSON reads an entity into v, naming the field of a wrong type.
func decodeJSON(raw json.RawMessage, v any) error {
	if path, dup := inbound.DuplicateKey(raw); dup {
		return hookhub.Invalid(path, "is given twice in the body; name each member once")
	}
	err := json.Unmarshal(raw, v)
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return hookhub.Invalid(inbound.BodyField, "the body must be a JSON object")
		}
		what := kindName(typ.Type.Kind().String())
		if typ.Type == amountType {
			what = "a decimal number"
		}
		return hookhub.Invalid(field, "must be %s, not %s", what, typ.Value)
	}
	return hookhub.Invalid(inbound.BodyField, "the body could not be read: %s", err.Error())
}

func kindName(k string) string {
	switch {
	case strings.HasPrefix(k, "int"), strings.HasPrefix(k, "uint"), strings.HasPrefix(k, "float"):
		return "a number"
	case k == "string":
		return "a string"
	case k == "bool":
		return "true or false"
	case k == "slice":
		return "an array"
	case k == "struct", k == "map":
		return "an object"
	}
	return k
}

// text is a value sent as a string or a number (ids, which Shopify sends
// as numbers above 2^53, and CRM360's ids sent either way); it keeps the
// digits exactly.
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*t = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = text(strings.TrimSpace(s))
	case len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9'):
		*t = text(b)
	default:
		return &json.UnmarshalTypeError{Value: string(b), Type: stringType}
	}
	return nil
}

// flag is a boolean sent as true/false, "true"/"false", "1"/"0" or 1/0.
type flag bool

func (f *flag) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(bytes.TrimSpace(b)), `"`)
	if s == "null" || s == "" {
		*f = false
		return nil
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		return &json.UnmarshalTypeError{Value: string(b), Type: boolType}
	}
	*f = flag(v)
	return nil
}

// amount is a decimal number sent as a number or a string holding one
// (Shopify's "199.00").
type amount crm.Decimal

func (a *amount) UnmarshalJSON(b []byte) error {
	var d crm.Decimal
	if err := d.UnmarshalJSON(b); err != nil {
		return &json.UnmarshalTypeError{Value: string(bytes.TrimSpace(b)), Type: amountType}
	}
	*a = amount(d)
	return nil
}

func (a amount) decimal() crm.Decimal { return crm.Decimal(a) }

// parseTime reads a time written in RFC 3339, as "2006-01-02 15:04:05"
// (UTC), or as Unix seconds or milliseconds.
func parseTime(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n > 1e11 {
			return time.UnixMilli(n).UTC(), nil
		}
		return time.Unix(n, 0).UTC(), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, hookhub.Invalid(field, "must be a time such as 2026-03-14T12:30:00+01:00, or Unix seconds, not %q", s)
}

// need adds "is required" for each named field whose value is empty.
func need(pr *hookhub.Problems, fields ...string) {
	for i := 0; i+1 < len(fields); i += 2 {
		if strings.TrimSpace(fields[i+1]) == "" {
			pr.Add(fields[i], "is required")
		}
	}
}

// errorf is an EINVALID error about one field.
func errorf(field, format string, args ...any) error {
	return hookhub.Invalid(field, format, args...)
}

var (
	stringType = reflect.TypeOf("")
	boolType   = reflect.TypeOf(true)
	amountType = reflect.TypeOf(amount(""))
)
