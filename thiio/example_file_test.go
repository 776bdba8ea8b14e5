package thiio_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hookhub/hookhub/server"
)

// TestREADMEOrderFile: the README's Thiio example posts
// docs/examples/thiio-order.json; the file is in the repository and a real
// server accepts it as the README says.
func TestREADMEOrderFile(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("..", "docs", "examples", "thiio-order.json"))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil || !strings.Contains(string(readme), "-d @docs/examples/thiio-order.json") {
		t.Fatalf("README.md does not post docs/examples/thiio-order.json (%v)", err)
	}
	cfg := server.Defaults()
	cfg.Addr, cfg.AllowPrivateTargets, cfg.PollInterval = "127.0.0.1:0", true, 20*time.Millisecond
	cfg.DB = filepath.Join(t.TempDir(), "hookhub.db")
	hh := start(t, cfg)
	a := hh.tenant(t, "acme")
	var in integration
	hh.must(t, a, "POST", "/v1/integrations", map[string]any{"kind": "thiio", "name": "My shop"}, 201, &in)
	status, answer := post(t, in.URL, string(b))
	if status != 200 || !strings.HasPrefix(answer, `{"success":true,"msg":"received successfully","err":""`) {
		t.Errorf("POST docs/examples/thiio-order.json = %d %s", status, answer)
	}
}
