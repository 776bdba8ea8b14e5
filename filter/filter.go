package filter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Limits on one filter, so that a saved filter stays cheap to run.
const (
	MaxSize       = 16 << 10 // bytes of JSON
	MaxConditions = 64       // operators on paths, all together
	MaxDepth      = 8        // nesting of $and, $or, $not and nested objects
	MaxList       = 256      // entries of one $in or $nin
	MaxRegex      = 256      // characters of one $regex
	maxPath       = 256      // characters of one path
)

// Error says what is wrong with a filter: where (Path, "" at the top), which
// operator (Op, "" when the problem is not an operator's) and why.
type Error struct {
	Path   string
	Op     string
	Reason string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Path != "" {
		fmt.Fprintf(&b, "at %q: ", e.Path)
	}
	if e.Op != "" {
		fmt.Fprintf(&b, "%s ", e.Op)
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Filter is a compiled filter; it is safe for concurrent use.
type Filter struct {
	root node
}

// node is one condition of a compiled filter.
type node interface {
	match(doc any) bool
}

// Compile checks src and returns the filter it describes. An empty source,
// null and {} compile to a filter that matches every event.
func Compile(src []byte) (*Filter, error) {
	if len(src) > MaxSize {
		return nil, &Error{Reason: fmt.Sprintf("must be at most %d bytes", MaxSize)}
	}
	src = bytes.TrimSpace(src)
	if len(src) == 0 || string(src) == "null" {
		return &Filter{root: all(nil)}, nil
	}
	var obj map[string]any
	if err := decode(src, &obj); err != nil || obj == nil {
		return nil, &Error{Reason: "must be a JSON object"}
	}
	c := compiler{}
	root, err := c.object("", obj, 0)
	if err != nil {
		return nil, err
	}
	return &Filter{root: root}, nil
}

// Match reports whether doc, a document decoded by Decode, passes the
// filter.
func (f *Filter) Match(doc any) bool { return f.root.match(doc) }

// Decode decodes JSON as Match expects it (objects as map[string]any, arrays
// as []any, numbers as float64).
func Decode(data []byte) (any, error) {
	var v any
	if err := decode(data, &v); err != nil {
		return nil, err
	}
	return v, nil
}

func decode(data []byte, v any) error { return json.Unmarshal(data, v) }

type compiler struct {
	conditions int
}

// object compiles a filter object found at prefix (the dotted path so far).
func (c *compiler) object(prefix string, obj map[string]any, depth int) (node, error) {
	if depth > MaxDepth {
		return nil, &Error{Path: prefix, Reason: fmt.Sprintf("nests deeper than %d levels", MaxDepth)}
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the first error is the same every time
	var nodes all
	var ops map[string]any // operators on prefix itself
	for _, k := range keys {
		v := obj[k]
		var n node
		var err error
		switch {
		case k == "$and" || k == "$or":
			n, err = c.logical(prefix, k, v, depth)
		case k == "$not":
			n, err = c.not(prefix, v, depth)
		case strings.HasPrefix(k, "$") && prefix == "":
			err = &Error{Op: k, Reason: "needs a path: {\"data.field\": {\"" + k + "\": …}}"}
		case strings.HasPrefix(k, "$"):
			if ops == nil {
				ops = map[string]any{}
			}
			ops[k] = v
			continue
		default:
			n, err = c.path(join(prefix, k), v, depth)
		}
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
	}
	if ops != nil {
		n, err := c.ops(prefix, ops)
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
	}
	if len(nodes) == 1 {
		return nodes[0], nil
	}
	return nodes, nil
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

func (c *compiler) logical(prefix, op string, v any, depth int) (node, error) {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, &Error{Path: prefix, Op: op, Reason: "needs a non-empty array of filters"}
	}
	nodes := make([]node, len(list))
	for i, item := range list {
		obj, ok := item.(map[string]any)
		if !ok {
			return nil, &Error{Path: prefix, Op: op, Reason: fmt.Sprintf("entry %d must be a filter object", i)}
		}
		n, err := c.object(prefix, obj, depth+1)
		if err != nil {
			return nil, err
		}
		nodes[i] = n
	}
	if op == "$and" {
		return all(nodes), nil
	}
	return anyOf(nodes), nil
}

func (c *compiler) not(prefix string, v any, depth int) (node, error) {
	obj, ok := v.(map[string]any)
	if !ok || len(obj) == 0 {
		return nil, &Error{Path: prefix, Op: "$not", Reason: "needs a non-empty filter object"}
	}
	n, err := c.object(prefix, obj, depth+1)
	if err != nil {
		return nil, err
	}
	return not{n}, nil
}

// path compiles the value v given for a path: a literal (equality), an
// object of operators, or an object of deeper paths.
func (c *compiler) path(path string, v any, depth int) (node, error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	obj, isObj := v.(map[string]any)
	if !isObj {
		return c.ops(path, map[string]any{"$eq": v})
	}
	if len(obj) == 0 {
		return nil, &Error{Path: path, Reason: "an empty object matches nothing: use $eq or $exist"}
	}
	return c.object(path, obj, depth+1)
}

func checkPath(path string) error {
	if len(path) > maxPath {
		return &Error{Path: path[:maxPath] + "…", Reason: fmt.Sprintf("path must be at most %d characters", maxPath)}
	}
	for seg := range strings.SplitSeq(path, ".") {
		if seg == "" {
			return &Error{Path: path, Reason: "path has an empty part"}
		}
	}
	return nil
}

// ops compiles an object of operators on one path; all must hold.
func (c *compiler) ops(path string, obj map[string]any) (node, error) {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	p := &pathNode{segs: strings.Split(path, ".")}
	for _, op := range keys {
		c.conditions++
		if c.conditions > MaxConditions {
			return nil, &Error{Path: path, Op: op, Reason: fmt.Sprintf("is past the limit of %d conditions in one filter", MaxConditions)}
		}
		t, err := compileOp(op, obj[op])
		if err != nil {
			return nil, &Error{Path: path, Op: op, Reason: err.Error()}
		}
		p.tests = append(p.tests, t)
	}
	return p, nil
}

// test is one operator with its operand: it sees the value at the path, and
// whether there is one.
type test func(v any, found bool) bool

func compileOp(op string, arg any) (test, error) {
	switch op {
	case "$eq":
		return func(v any, found bool) bool { return found && equalOrContains(v, arg) }, nil
	case "$neq":
		return func(v any, found bool) bool { return !found || !equalOrContains(v, arg) }, nil
	case "$gt", "$gte", "$lt", "$lte":
		return compareOp(op, arg)
	case "$in", "$nin":
		list, ok := arg.([]any)
		if !ok {
			return nil, fmt.Errorf("needs an array of values")
		}
		if len(list) > MaxList {
			return nil, fmt.Errorf("must have at most %d values", MaxList)
		}
		in := func(v any, found bool) bool {
			if !found {
				return false
			}
			for _, x := range list {
				if equalOrContains(v, x) {
					return true
				}
			}
			return false
		}
		if op == "$nin" {
			return func(v any, found bool) bool { return !in(v, found) }, nil
		}
		return in, nil
	case "$exist":
		want, ok := arg.(bool)
		if !ok {
			return nil, fmt.Errorf("needs true or false")
		}
		return func(_ any, found bool) bool { return found == want }, nil
	case "$regex":
		s, ok := arg.(string)
		if !ok {
			return nil, fmt.Errorf("needs a string")
		}
		if len(s) > MaxRegex {
			return nil, fmt.Errorf("must be at most %d characters", MaxRegex)
		}
		re, err := regexp.Compile(s)
		if err != nil {
			return nil, fmt.Errorf("is not a valid regular expression: %s", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		}
		return func(v any, found bool) bool {
			str, ok := v.(string)
			return found && ok && re.MatchString(str)
		}, nil
	}
	return nil, fmt.Errorf("is not a known operator (use $eq, $neq, $gt, $gte, $lt, $lte, $in, $nin, $exist, $regex)")
}

// compareOp orders numbers by value and strings by bytes (so RFC 3339
// times in UTC compare as times); values of other types never match.
func compareOp(op string, arg any) (test, error) {
	var ok func(c int) bool
	switch op {
	case "$gt":
		ok = func(c int) bool { return c > 0 }
	case "$gte":
		ok = func(c int) bool { return c >= 0 }
	case "$lt":
		ok = func(c int) bool { return c < 0 }
	default:
		ok = func(c int) bool { return c <= 0 }
	}
	switch a := arg.(type) {
	case float64:
		return func(v any, found bool) bool {
			n, isNum := v.(float64)
			if !found || !isNum {
				return false
			}
			switch {
			case n < a:
				return ok(-1)
			case n > a:
				return ok(1)
			}
			return ok(0)
		}, nil
	case string:
		return func(v any, found bool) bool {
			s, isStr := v.(string)
			return found && isStr && ok(strings.Compare(s, a))
		}, nil
	}
	return nil, fmt.Errorf("needs a number or a string")
}

// equalOrContains reports whether v equals want or, when v is an array and
// want is not, whether one of v's elements does (as MongoDB's equality).
func equalOrContains(v, want any) bool {
	if equal(v, want) {
		return true
	}
	list, ok := v.([]any)
	if !ok {
		return false
	}
	if _, wantList := want.([]any); wantList {
		return false
	}
	for _, x := range list {
		if equal(x, want) {
			return true
		}
	}
	return false
}

func equal(a, b any) bool {
	switch a := a.(type) {
	case nil:
		return b == nil
	case bool:
		bb, ok := b.(bool)
		return ok && a == bb
	case float64:
		bb, ok := b.(float64)
		return ok && a == bb
	case string:
		bb, ok := b.(string)
		return ok && a == bb
	case []any:
		bb, ok := b.([]any)
		if !ok || len(a) != len(bb) {
			return false
		}
		for i := range a {
			if !equal(a[i], bb[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		bb, ok := b.(map[string]any)
		if !ok || len(a) != len(bb) {
			return false
		}
		for k, x := range a {
			y, ok := bb[k]
			if !ok || !equal(x, y) {
				return false
			}
		}
		return true
	}
	return false
}

type pathNode struct {
	segs  []string
	tests []test
}

func (p *pathNode) match(doc any) bool {
	v, found := lookup(doc, p.segs)
	for _, t := range p.tests {
		if !t(v, found) {
			return false
		}
	}
	return true
}

// lookup follows segs into doc: object keys, and array indexes in decimal.
func lookup(doc any, segs []string) (any, bool) {
	v := doc
	for _, s := range segs {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[s]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(s)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

type all []node

func (a all) match(doc any) bool {
	for _, n := range a {
		if !n.match(doc) {
			return false
		}
	}
	return true
}

type anyOf []node

func (a anyOf) match(doc any) bool {
	for _, n := range a {
		if n.match(doc) {
			return true
		}
	}
	return false
}

type not struct{ n node }

func (n not) match(doc any) bool { return !n.n.match(doc) }

// None returns a filter that matches no document: what a stored filter that
// no longer compiles stands for.
func None() *Filter { return &Filter{root: anyOf(nil)} }
