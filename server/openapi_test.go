package server

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The validator is swagger-parser from npm, an implementation of its own
// that checks a document against the OpenAPI Initiative's JSON Schema of
// its version (3.1 here) and the rules a schema cannot say.
const validatorPackage = "@apidevtools/swagger-parser@12.1.0"

// TestOpenAPIValid has the independent validator check the documents
// /openapi.json and its 3.0 downgrade, as served.
func TestOpenAPIValid(t *testing.T) {
	t.Parallel()
	modules := validator(t)
	r := start(t, filepath.Join(t.TempDir(), "hookhub.db"))
	for _, path := range []string{"/openapi.json", "/openapi-3.0.json"} {
		status, doc := r.get(t, path)
		if status != 200 {
			t.Fatalf("GET %s: %d", path, status)
		}
		file := filepath.Join(t.TempDir(), "openapi.json")
		if err := os.WriteFile(file, doc, 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("node", filepath.Join("testdata", "validate-openapi.cjs"), file)
		cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("%s is not valid: %v\n%s", path, err, out)
		}
	}
}

// TestOpenAPIComplete checks that the document has a server, describes
// every operation, and has every surface's paths.
func TestOpenAPIComplete(t *testing.T) {
	t.Parallel()
	r := start(t, filepath.Join(t.TempDir(), "hookhub.db"))
	_, b := r.get(t, "/openapi.json")
	var doc struct {
		Servers []struct{ URL string }
		Paths   map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Servers) == 0 || doc.Servers[0].URL != r.base {
		t.Errorf("servers = %+v, want %s first", doc.Servers, r.base)
	}
	for _, path := range []string{
		"/v1/webhooks", "/v1/events",
		"/api/v2/{screenname}/webhooks", "/api/v2/{screenname}/webhooks/{id}", // SalesIQ
		"/api/v1/Webhook", "/api/v1/Webhook/{id}", "/api/v1/Agents/Webhook/SaveWebhook", // SuperOffice
		"/v2/webhooks", "/v2/webhooks/{id}", // Tilby
		"/in/{token}", "/api/Webhook/QueueProcess", // the inbound doors
		"/healthz", "/readyz", "/metrics",
	} {
		if doc.Paths[path] == nil {
			t.Errorf("no path %s", path)
		}
	}
	methods := map[string]bool{"get": true, "put": true, "post": true, "delete": true, "options": true, "head": true, "patch": true, "trace": true}
	for path, item := range doc.Paths {
		for method, raw := range item {
			if !methods[method] {
				continue
			}
			var op struct{ OperationID, Summary, Description string }
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatal(err)
			}
			if op.OperationID == "" || op.Summary == "" || strings.TrimSpace(op.Description) == "" {
				t.Errorf("%s %s: operationId %q, summary %q, description %q: all three are required", method, path, op.OperationID, op.Summary, op.Description)
			}
		}
	}
}

// validator returns the node_modules folder that has the validator,
// installing it with npm into the user's cache on first use. It skips t
// when node or npm cannot run, or fails it when CI=true.
func validator(t *testing.T) string {
	t.Helper()
	cannot := func(err error) {
		msg := "the OpenAPI validator cannot run (it needs node and npm, and the npm registry on first use): " + err.Error()
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s; it is required when CI=true", msg)
		}
		t.Skip(msg)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cannot(err)
	}
	dir := filepath.Join(cache, "hookhub", "openapi-validator")
	modules := filepath.Join(dir, "node_modules")
	if _, err := exec.LookPath("node"); err != nil {
		cannot(err)
	}
	if _, err := os.Stat(filepath.Join(modules, "@apidevtools", "swagger-parser", "package.json")); err == nil {
		return modules
	} else if !errors.Is(err, os.ErrNotExist) {
		cannot(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		cannot(err)
	}
	out, err := exec.Command("npm", "install", "--no-audit", "--no-fund", "--prefix", dir, validatorPackage).CombinedOutput()
	if err != nil {
		cannot(errors.New(strings.TrimSpace(string(out))))
	}
	return modules
}
