//go:build !linux

package bench

import (
	"errors"
	"syscall"
	"time"
)

type usage struct {
	PeakRSS int64
	CPU     time.Duration
}

// readUsage needs Linux's /proc; elsewhere memory and CPU are not reported.
func readUsage(pid int) (usage, error) {
	return usage{}, errors.New("memory and CPU of a process are read from /proc, on Linux only")
}

func selfCPU() time.Duration { return 0 }

func childAttr() *syscall.SysProcAttr { return nil }

const usageKnown = false
