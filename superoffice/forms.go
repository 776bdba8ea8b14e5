package superoffice

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/url"
	"strings"

	"github.com/hookhub/hookhub/textcheck"
)

// This file reads the two other bodies SuperOffice's Content-Type list
// names (https://devnet.superoffice.com/en/api/reference/restful/agent/Webhook_Agent/v1WebhookAgent_SaveWebhook.html):
// application/x-www-form-urlencoded and application/json-patch+json.

// mediaTypeOf is the media type of a Content-Type, "" when it has none.
func mediaTypeOf(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return mt
}

// formBody reads a form into the same generic values as an XML body (every
// scalar is text): Name=…&TargetUrl=…; a list as Events=a&Events=b (or
// Events[]=a); an object as Headers[X-Name]=value.
func formBody(data []byte) (body, error) {
	q, err := url.ParseQuery(string(bytes.TrimSpace(data)))
	if err != nil {
		return body{}, badRequest("the body is not a valid form (application/x-www-form-urlencoded): %s", err.Error())
	}
	if e := textcheck.Values(q); e != nil {
		return body{}, e.Invalid()
	}
	obj := map[string]any{}
	for k, vs := range q {
		name, sub, nested := strings.Cut(k, "[")
		sub = strings.TrimSuffix(sub, "]")
		switch {
		case nested && sub != "" && !isDigits(sub):
			m, _ := obj[name].(map[string]any)
			if m == nil {
				m = map[string]any{}
				obj[name] = m
			}
			m[sub] = vs[len(vs)-1]
		case nested || strings.EqualFold(name, "Events") || len(vs) > 1:
			list, _ := obj[name].([]any)
			for _, v := range vs {
				list = append(list, v)
			}
			obj[name] = list
		default:
			obj[name] = vs[0]
		}
	}
	return body{obj, true}, nil
}

func isDigits(s string) bool {
	return strings.Trim(s, "0123456789") == ""
}

// patchBody reads a JSON Patch (RFC 6902): add and replace of a member
// ("/Name") set it, remove sets it to null (left as it is), as a partial
// webhook whose absent members stay as they are. A body that is a JSON
// object is read as one, as SuperOffice answers and reads patch types as
// JSON.
func patchBody(data []byte) (body, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return body{}, badRequest("the body is not valid JSON: %s", describeJSONError(err, data))
	}
	ops, ok := v.([]any)
	if !ok {
		return body{v, false}, nil
	}
	obj := map[string]any{}
	for i, o := range ops {
		op, _ := o.(map[string]any)
		kind, _ := op["op"].(string)
		path, _ := op["path"].(string)
		name := strings.TrimPrefix(path, "/")
		if !strings.HasPrefix(path, "/") || name == "" || strings.Contains(name, "/") {
			return body{}, badRequest("operation %d of the JSON Patch: path %q must name a member of the Webhook, like /Name", i, path)
		}
		switch kind {
		case "add", "replace":
			obj[name] = op["value"]
		case "remove":
			obj[name] = nil
		default:
			return body{}, badRequest("operation %d of the JSON Patch: op %q is not accepted; use add, replace or remove", i, kind)
		}
	}
	return body{obj, false}, nil
}
