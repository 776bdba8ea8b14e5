package api

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"

	"github.com/hookhub/hookhub"
)

// The JSON shapes of the API (their schema names drop the JSON suffix)
// and the conversions between them and the core's types live in one file
// per resource (webhooks_json.go, events_json.go, …); this one holds what
// they share: lists, pages, time ranges, headers and bodies.

// listJSON is the shape of every list answer.
type listJSON[T any] struct {
	Data       []T    `json:"data"`
	NextCursor string `json:"next_cursor" doc:"Pass as cursor for the next page; empty when there is none."`
}

// IDParam is the numeric id in a route's path.
type IDParam struct {
	ID int64 `path:"id"`
}

// PageParams are the paging query parameters of every list. It, IDParam
// and TimeRange are exported only because huma reads the fields of embedded
// structs when they are exported.
type PageParams struct {
	Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"50" doc:"Most items in the page."`
	Cursor string `query:"cursor" doc:"The next_cursor of the previous page."`
	before int64
}

// Resolve checks the cursor once huma has read the parameters.
func (p *PageParams) Resolve(huma.Context) []error {
	if p.Cursor == "" {
		return nil
	}
	n, err := strconv.ParseInt(p.Cursor, 10, 64)
	if err != nil || n <= 0 {
		return []error{&huma.ErrorDetail{Location: "query.cursor", Message: "must be the next_cursor of a previous page"}}
	}
	p.before = n
	return nil
}

// page asks the store for one item more than the caller wants, to know
// whether there is a next page.
func (p *PageParams) page() hookhub.Page {
	return hookhub.Page{Limit: p.limit() + 1, Before: p.before}
}

func (p *PageParams) limit() int {
	if p.Limit <= 0 {
		return 50
	}
	return p.Limit
}

// pageOf converts a page of items, newest first (fetched with p.page, so
// one more than wanted when more follow), and sets the cursor when more
// follow.
func pageOf[S any, T any](p *PageParams, items []S, id func(S) int64, conv func(S) T) *struct{ Body listJSON[T] } {
	out := &struct{ Body listJSON[T] }{}
	if len(items) > p.limit() {
		items = items[:p.limit()]
		out.Body.NextCursor = strconv.FormatInt(id(items[len(items)-1]), 10)
	}
	out.Body.Data = make([]T, len(items))
	for i, it := range items {
		out.Body.Data[i] = conv(it)
	}
	return out
}

// all converts a whole list, which has no next page.
func all[S any, T any](items []S, conv func(S) T) *struct{ Body listJSON[T] } {
	out := &struct{ Body listJSON[T] }{Body: listJSON[T]{Data: make([]T, len(items))}}
	for i, it := range items {
		out.Body.Data[i] = conv(it)
	}
	return out
}

// TimeRange are the since/until query parameters of a list.
type TimeRange struct {
	Since time.Time `query:"since" doc:"Only items at or after this time (RFC 3339)."`
	Until time.Time `query:"until" doc:"Only items before this time (RFC 3339)."`
}

// timeOrNil is nil for the zero time, so that JSON says null.
func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// flatten joins each header's values with commas.
func flatten(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, vs := range h {
		out[k] = strings.Join(vs, ", ")
	}
	return out
}

// text returns a body as a string, or as base64 with its encoding when it
// is not UTF-8.
func text(b []byte) (string, string) {
	if utf8.Valid(b) {
		return string(b), ""
	}
	return base64.StdEncoding.EncodeToString(b), "base64"
}
