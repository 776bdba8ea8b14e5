package inbound

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// DuplicateKey returns the path of the first member a JSON object in body
// names twice ("contact.email", "items[0].price"), and false when every
// object names each member once. encoding/json keeps the last of two
// members silently; a receiver that must not lose what its sender meant
// refuses such a body instead. body must be valid JSON.
func DuplicateKey(body []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	type frame struct {
		object bool
		keys   map[string]bool
		key    string // the member being read (object) …
		index  int    // … or the next item's index (array)
		path   string
	}
	var stack []*frame
	// child is the path of the value about to be read.
	child := func() string {
		if len(stack) == 0 {
			return ""
		}
		f := stack[len(stack)-1]
		if f.object {
			if f.path == "" {
				return f.key
			}
			return f.path + "." + f.key
		}
		return f.path + "[" + strconv.Itoa(f.index) + "]"
	}
	// done moves the enclosing array on after a value.
	done := func() {
		if len(stack) > 0 && !stack[len(stack)-1].object {
			stack[len(stack)-1].index++
		}
	}
	expectKey := func() bool {
		if len(stack) == 0 {
			return false
		}
		f := stack[len(stack)-1]
		return f.object && f.key == ""
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false // the end, or invalid JSON (checked elsewhere)
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, &frame{object: t == '{', keys: map[string]bool{}, path: child()})
			case '}', ']':
				stack = stack[:len(stack)-1]
				if len(stack) > 0 && stack[len(stack)-1].object {
					stack[len(stack)-1].key = ""
				}
				done()
			}
		default:
			if s, ok := tok.(string); ok && expectKey() {
				f := stack[len(stack)-1]
				f.key = s
				if f.keys[s] {
					return child(), true
				}
				f.keys[s] = true
				continue
			}
			if len(stack) > 0 && stack[len(stack)-1].object {
				stack[len(stack)-1].key = ""
			}
			done()
		}
	}
}
