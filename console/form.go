package console

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
)

// formErrors are the problems of a sent form, by the name of the field
// they belong to, and those no field of the form shows.
type formErrors struct {
	Fields map[string][]string
	Other  []string
}

// For returns the problems of one field, for the template to show beside it.
func (e formErrors) For(field string) string { return strings.Join(e.Fields[field], "; ") }

// Any reports whether there is a problem.
func (e formErrors) Any() bool { return len(e.Fields) > 0 || len(e.Other) > 0 }

func (e *formErrors) add(field, reason string) {
	if e.Fields == nil {
		e.Fields = map[string][]string{}
	}
	e.Fields[field] = append(e.Fields[field], reason)
}

// problems turns an EINVALID error into a form's errors. The service names
// fields as the API does ("retry.schedule[2]"); a name loses its index,
// dots become underscores, and aliases renames what the form calls
// otherwise ("timeout_ms": "timeout"). Problems of a field that is not in
// fields are Other. ok is false for any other error, which the caller
// returns as it is.
func problems(err error, fields []string, aliases map[string]string) (e formErrors, ok bool) {
	p, ok := fieldsOf(err)
	if !ok {
		return e, false
	}
	for _, f := range p {
		name, reason := f.Field, f.Reason
		if base, idx, found := strings.Cut(name, "["); found {
			name = base
			// A reason that quotes its value names the entry already.
			if n, err := strconv.Atoi(strings.TrimSuffix(idx, "]")); err == nil && !strings.Contains(reason, `"`) {
				reason = fmt.Sprintf("entry %d: %s", n+1, reason)
			}
		}
		if a, ok := aliases[name]; ok {
			name = a
		}
		name = strings.ReplaceAll(name, ".", "_")
		if slices.Contains(fields, name) {
			e.add(name, reason)
		} else {
			e.Other = append(e.Other, f.Field+": "+reason)
		}
	}
	if !e.Any() {
		e.Other = append(e.Other, hookhub.ErrorMessage(err))
	}
	return e, true
}

func fieldsOf(err error) ([]hookhub.FieldError, bool) {
	var e *hookhub.Error
	if !errors.As(err, &e) || e.Code != hookhub.EINVALID {
		return nil, false
	}
	return e.Fields, true
}

// pageSize is how many items a list page shows.
const pageSize = 50

// pageOf reads a list's cursor (?before=<id>) and asks for one item more
// than a page shows, to learn whether there is another page.
func pageOf(r *http.Request) hookhub.Page {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	return hookhub.Page{Limit: pageSize + 1, Before: max(before, 0)}
}

// pager links a list page to the newest page and to older items.
type pager struct {
	Newest, Older string
}

// paged cuts items (asked for with pageOf, newest first) to a page and
// makes its links.
func paged[T any](r *http.Request, items []T, id func(T) int64) ([]T, pager) {
	var p pager
	if r.URL.Query().Get("before") != "" {
		p.Newest = withQuery(r.URL, "before", "")
	}
	if len(items) > pageSize {
		items = items[:pageSize]
		p.Older = withQuery(r.URL, "before", strconv.FormatInt(id(items[pageSize-1]), 10))
	}
	return items, p
}

// before keeps, of items listed newest first, a page below the cursor:
// paging for lists the store gives whole.
func before[T any](r *http.Request, items []T, id func(T) int64) []T {
	p := pageOf(r)
	out := make([]T, 0, min(len(items), p.Limit))
	for _, it := range items {
		if p.Before == 0 || id(it) < p.Before {
			out = append(out, it)
		}
		if len(out) == p.Limit {
			break
		}
	}
	return out
}

// withQuery returns u's path and query with key set to value ("" drops it).
func withQuery(u *url.URL, key, value string) string {
	q := u.Query()
	if value == "" {
		q.Del(key)
	} else {
		q.Set(key, value)
	}
	if len(q) == 0 {
		return u.Path
	}
	return u.Path + "?" + q.Encode()
}

// pathID reads a numeric id from the path; a malformed one is not found.
func pathID(r *http.Request, name string) (int64, error) {
	v := r.PathValue(name)
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		return 0, hookhub.Errorf(hookhub.ENOTFOUND, "%s %q not found", strings.TrimSuffix(name, "ID"), v)
	}
	return id, nil
}

// The date-time fields of filters (<input type="datetime-local">) have no
// zone. The script fills the form's tz field with the viewer's offset from
// UTC in minutes; without it, they are UTC, and the page says so.
const localLayout = "2006-01-02T15:04"

// zoneOf reads the tz field: the viewer's zone, UTC when absent.
func zoneOf(r *http.Request) *time.Location {
	v := r.FormValue("tz")
	m, err := strconv.Atoi(v)
	if err != nil || m < -14*60 || m > 14*60 || m == 0 {
		return time.UTC
	}
	return time.FixedZone(fmt.Sprintf("UTC%+d:%02d", m/60, abs(m%60)), m*60)
}

func abs(n int) int { return max(n, -n) }

// timeField reads a date-time field in the viewer's zone; "" is the zero
// time.
func timeField(r *http.Request, name string) (time.Time, error) {
	v := strings.TrimSpace(r.FormValue(name))
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{localLayout, localLayout + ":05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, zoneOf(r)); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, hookhub.Invalid(name, "must be a date and time like 2026-05-01T13:45")
}

// timeRange is a list's since/until filter, as typed.
type timeRange struct {
	Since, Until time.Time
	TZ           string // the tz field, kept in the page's links
	SinceText    string
	UntilText    string
}

func readRange(r *http.Request) (timeRange, error) {
	tr := timeRange{TZ: r.FormValue("tz"), SinceText: r.FormValue("since"), UntilText: r.FormValue("until")}
	var err error
	if tr.Since, err = timeField(r, "since"); err != nil {
		return tr, err
	}
	if tr.Until, err = timeField(r, "until"); err != nil {
		return tr, err
	}
	if !tr.Since.IsZero() && !tr.Until.IsZero() && !tr.Until.After(tr.Since) {
		return tr, hookhub.Invalid("until", "must be after since")
	}
	return tr, nil
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
