package hookhubtest

import (
	"testing"
	"time"
)

// WaitTimeout bounds every wait for something to happen in the background.
// It is generous because the machines are shared and noisy; nothing
// asserts on how long anything took.
const WaitTimeout = 30 * time.Second

// Eventually polls cond every 10 ms until it holds, and fails t after
// WaitTimeout, naming what it waited for.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(WaitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// EventuallyNil polls check every 10 ms until it returns nil, and fails t
// after WaitTimeout with what and check's last error, which says how far
// things got.
func EventuallyNil(t testing.TB, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(WaitTimeout)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s: %v", what, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
