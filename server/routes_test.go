package server

import (
	"fmt"
	"io"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/hookhub/hookhub/hookhubtest/golden"
)

// TestPublishRoutesAnswers pins the whole answer (status, headers and
// body) of the server's handler to requests at and around the publish
// routes, which the outer mux takes by their exact patterns as well as by
// /v1/: every method, trailing slashes, paths to clean, other /v1/ paths.
// It also pins the routes they are counted under: the answers are those
// of before the exact patterns, and so are the counts, but for one thing:
// a redirect to the cleaned path /v1/events is now counted under
// "POST /v1/events", not "/v1/". go test -run TestPublishRoutesAnswers
// -update rewrites testdata/publish_routes.golden.
func TestPublishRoutesAnswers(t *testing.T) {
	t.Parallel()
	s, token := idle(t)
	const event, batch = `{"type":"contact.created","data":{"id":1}}`, `{"type":"contact.created","entities":[{"id":1}]}`
	var got strings.Builder
	for _, r := range []struct{ method, path, body string }{
		{"POST", "/v1/events", event},
		{"POST", "/v1/events/batch", batch},
		{"POST", "/v1/events/", event},
		{"POST", "/v1/events/batch/", batch},
		{"POST", "/v1//events", event},
		{"POST", "/v1/./events", event},
		{"POST", "/v1/events/../events", event},
		{"POST", "/v1/EVENTS", event},
		{"POST", "/v1/events?x=1", event},
		{"POST", "/v1/events%2Fbatch", batch},
		{"POST", "/v1", event},
		{"GET", "/v1/events/batch", ""},
		{"HEAD", "/v1/events/0", ""},
		{"PUT", "/v1/events", event},
		{"DELETE", "/v1/events/batch", ""},
		{"OPTIONS", "/v1/events", ""},
		{"GET", "/v1/nowhere", ""},
	} {
		var body io.Reader
		if r.body != "" {
			body = strings.NewReader(r.body)
		}
		req := httptest.NewRequest(r.method, r.path, body)
		req.Header.Set("Authorization", "Bearer "+token)
		if r.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, req)
		fmt.Fprintf(&got, "== %s %s\n%d\n", r.method, r.path, w.Code)
		names := slices.Sorted(func(yield func(string) bool) {
			for k := range w.Header() {
				if !yield(k) {
					return
				}
			}
		})
		for _, k := range names {
			fmt.Fprintf(&got, "%s: %s\n", k, strings.Join(w.Header()[k], ", "))
		}
		fmt.Fprintf(&got, "%s\n", strings.TrimSuffix(w.Body.String(), "\n"))
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, l := range strings.Split(rec.Body.String(), "\n") {
		if strings.HasPrefix(l, "hookhub_http_requests_total") {
			fmt.Fprintln(&got, l)
		}
	}
	golden.Compare(t, "testdata/publish_routes.golden", got.String())
}
