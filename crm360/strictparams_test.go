package crm360_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/hookhub/hookhub/crm360"
)

// TestQueryFaults posts QueueProcess calls to a real server: a parameter
// given twice is refused rather than one of its values picked, and the
// messages name the real range and the real problem.
func TestQueryFaults(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	base := "CustomerName=FTS+Services&DatabaseAlias=Prod&ExternalPlatform=Shopify&ExternalEntity=Customer&ExternalAction=Insert"
	for _, tt := range []struct {
		name, query string
		want        []string
		not         string
	}{
		{"SourceId twice", base + "&SourceId=1&SourceId=2", []string{"SourceId", "given 2 times"}, ""},
		{"SourceId in two spellings", base + "&SourceId=1&sourceid=1", []string{"SourceId", "given 2 times"}, ""},
		{"SourceId 0", base + "&SourceId=0", []string{"SourceId", "1 or more"}, "0 or more"},
		{"SourceId 10^30", base + "&SourceId=1000000000000000000000000000000", []string{"SourceId", "too large"}, "whole number"},
		{"BrandId negative", base + "&SourceId=1&BrandId=-1", []string{"BrandId", "0 or more"}, ""},
		{"e-mail twice in the body", "", []string{"email", "twice"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"id": 1, "email": "a@example.com"}`
			if tt.query == "" {
				// Shopify's customer with its e-mail twice: refused, not the last one kept.
				a := e.queue(t, call{platform: "Shopify", entity: "Customer", action: "Insert", body: `{"id": 1, "email": "a@example.com", "email": "b@example.com"}`})
				if a.status == 200 || a.status == 202 {
					t.Fatalf("a body with email twice = %d %s, want it refused", a.status, a.raw)
				}
				for _, w := range tt.want {
					if !strings.Contains(a.raw, w) {
						t.Errorf("answer %s does not say %q", a.raw, w)
					}
				}
				return
			}
			req, _ := http.NewRequest("POST", e.base+crm360.Path+"?"+tt.query, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+e.token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 400 && resp.StatusCode != 422 {
				t.Errorf("%s = %d %s, want it refused", tt.query, resp.StatusCode, b)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(b), w) {
					t.Errorf("answer %s does not say %q", b, w)
				}
			}
			if tt.not != "" && strings.Contains(string(b), tt.not) {
				t.Errorf("answer %s says %q", b, tt.not)
			}
		})
	}
}
