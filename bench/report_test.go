package bench

import (
	"strings"
	"testing"
)

// The nodes' CPU per delivery and over the harness's is reported where
// both are known, and left out where they are not.
func TestCPUFigures(t *testing.T) {
	t.Parallel()
	rep := &Report{Mode: "burst", Database: "sqlite", Deliveries: 20000, CPUSeconds: 5.8, HarnessCPUSeconds: 2.5}
	rep.setCPUFigures()
	var b strings.Builder
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if usageKnown && !strings.Contains(b.String(), "290 µs, 2.32 × the harness's") {
		t.Errorf("report lacks the CPU per delivery:\n%s", b.String())
	}
	for _, r := range []*Report{
		{Database: "target", Deliveries: 20000, CPUSeconds: 5.8, HarnessCPUSeconds: 2.5},
		{Database: "sqlite", CPUSeconds: 5.8, HarnessCPUSeconds: 2.5},
		{Database: "sqlite", Deliveries: 20000, HarnessCPUSeconds: 2.5},
	} {
		r.setCPUFigures()
		if r.CPUToHarness != 0 || r.CPUPerDelivery != 0 {
			t.Errorf("%+v: CPU figures set without both CPUs and deliveries", r)
		}
	}
}

// Memory is reported in megabytes of 10^6 bytes, as its goals are said.
func TestPeakRSSUnit(t *testing.T) {
	t.Parallel()
	rep := &Report{Mode: "burst", Database: "sqlite", PeakRSS: 98_000_000, NodeReports: []NodeReport{{Name: "node-1", PeakRSS: 98_000_000}}}
	var b strings.Builder
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if usageKnown && !strings.Contains(b.String(), "98.0 MB (node-1 98.0 MB)") {
		t.Errorf("report's peak RSS is not in MB of 10^6 bytes:\n%s", b.String())
	}
}
