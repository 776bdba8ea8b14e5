package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/hookhub/hookhub/gctune"
	"github.com/hookhub/hookhub/postgres/pgtest"
	"github.com/hookhub/hookhub/secrets"
)

// gcPercent reads the collector's percentage without changing it.
func gcPercent() int {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return int(s[0].Value.Uint64())
}

// serving reports whether hookhub answers /healthz at addr.
func serving(addr string) bool {
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// gcBase is what the tuner takes the percentage of: what the last
// collection left alive, with the stacks and globals it scanned.
func gcBase() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/scan/stack:bytes"}, {Name: "/gc/scan/globals:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64() + s[1].Value.Uint64() + s[2].Value.Uint64()
}

// TestServeTunesGC: serve gives the collector its database's headroom
// (gctune: 12 MB on SQLite, 40 on PostgreSQL) while it runs, and puts Go's
// percentage back when it stops.
func TestServeTunesGC(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			// Each database's DSN, and the other's: its headroom must give
			// another percentage, or the test could not tell them apart.
			dsn, other := "", filepath.Join(t.TempDir(), "hookhub.db")
			env := map[string]string{}
			if db == "postgres" {
				dsn = pgtest.NewDatabase(t)
				env["HOOKHUB_ENCRYPTION_KEY"] = fmt.Sprintf("%x", secrets.GenerateKey())
			} else {
				dsn, other = other, "postgres://elsewhere/hookhub"
			}
			if p := gcPercent(); p != 100 {
				t.Fatalf("percentage %d before serve, want Go's 100", p)
			}
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := l.Addr().String()
			l.Close()
			env["HOOKHUB_DB"], env["HOOKHUB_ADDR"] = dsn, addr
			headroom := gcHeadroom(dsn)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- serve(ctx, nil, getenv(env), io.Discard, io.Discard) }()
			// After a collection the tuner sets the percentage for the
			// headroom over what that collection left.
			deadline := time.Now().Add(15 * time.Second)
			var got, want int
			var base uint64
			for {
				runtime.GC()
				time.Sleep(10 * time.Millisecond)
				base = gcBase()
				got, want = gcPercent(), gctune.Percent(base, headroom)
				if serving(addr) && got == want {
					break
				}
				if time.Now().After(deadline) {
					cancel()
					<-done
					t.Fatalf("percentage %d while serve runs, want %d (%d MB of headroom over %d MB)", got, want, headroom>>20, base>>20)
				}
			}
			if gctune.Percent(base, gcHeadroom(other)) == want {
				t.Errorf("%d and %d MB of headroom give the same percentage, %d, over %d MB: the test cannot tell them apart",
					headroom>>20, gcHeadroom(other)>>20, want, base>>20)
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("serve: %v", err)
			}
			if p := gcPercent(); p != 100 {
				t.Errorf("percentage %d after serve stopped, want 100 back", p)
			}
		})
	}
}

// TestGCHeadroom: PostgreSQL's page caches are not in the node, so a node
// on it has more of its memory for the heap's headroom.
func TestGCHeadroom(t *testing.T) {
	for db, want := range map[string]uint64{
		"./hookhub-data/hookhub.db":                     12 << 20,
		"/var/lib/hookhub/postgres.db":                  12 << 20,
		"postgres:///hookhub?host=/var/run/postgresql":  40 << 20,
		"postgresql://hookhub@db.internal:5432/hookhub": 40 << 20,
	} {
		if got := gcHeadroom(db); got != want {
			t.Errorf("gcHeadroom(%q) = %d MB, want %d", db, got>>20, want>>20)
		}
	}
}
