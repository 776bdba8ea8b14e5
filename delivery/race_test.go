//go:build race

package delivery

// raceEnabled: the race detector changes allocation counts (sync.Pool
// drops some of what it is given).
const raceEnabled = true
