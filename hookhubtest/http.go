package hookhubtest

import (
	"io"
	"net/http"
	"testing"
)

// Do sends req with client (http.DefaultClient when nil) and returns the
// answer's status and whole body. A request that gets no answer fails t.
func Do(t testing.TB, client *http.Client, req *http.Request) (int, []byte) {
	t.Helper()
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read the answer: %v", req.Method, req.URL, err)
	}
	return resp.StatusCode, b
}
