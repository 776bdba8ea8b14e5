// Package golden compares what a test gets with a golden file in testdata,
// and rewrites the file with -update.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata with what the tests get")

// Compare compares got with the golden file at path (under testdata), line
// by line, and reports each line that differs. With -update it writes got
// to the file first: run it after an intended change, and read the diff.
func Compare(t testing.TB, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got == string(want) {
		return
	}
	gotL, wantL := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	for i := range max(len(gotL), len(wantL)) {
		var g, w string
		if i < len(gotL) {
			g = gotL[i]
		}
		if i < len(wantL) {
			w = wantL[i]
		}
		if g != w {
			t.Errorf("%s line %d:\n got  %s\n want %s", path, i+1, g, w)
		}
	}
}
