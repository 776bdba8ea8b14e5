package svix

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
)

// listOut is Svix's ListResponse: a page of data, the iterator that asks
// for the next one (null when there is none) and whether this is the last.
type listOut[T any] struct {
	Data     []T     `json:"data"`
	Iterator *string `json:"iterator"`
	Done     bool    `json:"done"`
}

// page reads limit (1 to 250, default 50) and iterator from the query.
type page struct {
	limit    int
	iterator string
}

func readPage(q url.Values) (page, error) {
	p := page{limit: 50, iterator: q.Get("iterator")}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 250 {
			return p, hookhub.Invalid("query.limit", "must be a whole number from 1 to 250")
		}
		p.limit = n
	}
	return p, nil
}

// list makes a page of items, fetched with one more than the limit to
// tell whether more follow; id gives an item's iterator.
func list[T any](items []T, limit int, id func(T) string) listOut[T] {
	out := listOut[T]{Data: items, Done: len(items) <= limit}
	if !out.Done {
		out.Data = items[:limit]
	}
	if out.Data == nil {
		out.Data = []T{}
	}
	if n := len(out.Data); n > 0 {
		it := id(out.Data[n-1])
		out.Iterator = &it
	}
	return out
}

// optional is a field of a PATCH body: Set when the body names it, Null
// when it names it as null.
type optional[T any] struct {
	Set, Null bool
	V         T
}

func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		return nil
	}
	return json.Unmarshal(b, &o.V)
}

// ts renders a time as Svix does: RFC 3339 in UTC.
func ts(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// parseID reads the number after prefix ("ep_12" → 12); anything else is
// ENOTFOUND for what.
func parseID(s, prefix, what string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimPrefix(s, prefix), 10, 64)
	if !strings.HasPrefix(s, prefix) || err != nil || n <= 0 {
		return 0, hookhub.Errorf(hookhub.ENOTFOUND, "%s %s not found", what, s)
	}
	return n, nil
}

// parseTime reads an RFC 3339 time from the query; "" is the zero time.
func parseTime(q url.Values, name string) (time.Time, error) {
	v := q.Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, hookhub.Invalid("query."+name, "must be an RFC 3339 time")
	}
	return t, nil
}
