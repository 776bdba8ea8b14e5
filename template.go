package hookhub

import (
	"regexp"
	"slices"
	"strings"
)

// placeholder is a personalisation variable in a message template:
// {{var:Name}}, spaces allowed inside the braces.
var placeholder = regexp.MustCompile(`\{\{\s*var:\s*([^{}\s]+)\s*\}\}`)

// FillTemplate replaces each {{var:Name}} of s with the value of Name in
// vars, passed through escape when it is not nil (html.EscapeString for
// an HTML body). Names are matched exactly, else in any case. It returns
// the text and the names vars lacks, in order of first use, without
// repeats; their placeholders are left as they were.
func FillTemplate(s string, vars map[string]string, escape func(string) string) (string, []string) {
	var missing []string
	out := placeholder.ReplaceAllStringFunc(s, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		v, ok := lookupVar(vars, name)
		if !ok {
			if !slices.Contains(missing, name) {
				missing = append(missing, name)
			}
			return m
		}
		if escape != nil {
			v = escape(v)
		}
		return v
	})
	return out, missing
}

// TemplateVars returns the names the placeholders of s use, in order of
// first use, without repeats.
func TemplateVars(s string) []string {
	var names []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		if !slices.Contains(names, m[1]) {
			names = append(names, m[1])
		}
	}
	return names
}

func lookupVar(vars map[string]string, name string) (string, bool) {
	if v, ok := vars[name]; ok {
		return v, true
	}
	for k, v := range vars {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}
