package sqlstore

import (
	"strings"
	"sync"
)

// The hot paths write many rows of one kind at a time (a publish's events
// and deliveries, a batch's successful tries and their attempts). One
// statement for many rows costs PostgreSQL one round trip instead of one a
// row, and SQLite one run of its machine. Such a statement's text depends
// on its number of rows; chunks of a power of two rows (47 rows are
// 32 + 8 + 4 + 2 + 1) keep the texts few, so that each is prepared once per
// connection (hot).

// bulkMax is the most rows one bulk statement writes: an attempt has 15
// values, so 960 parameters, well within either database's limit.
const bulkMax = 64

// chunks splits n rows into power-of-two chunks, largest first, of at most
// bulkMax rows, and calls fn with each chunk's start and length.
func chunks(n int, fn func(start, size int) error) error {
	for start := 0; start < n; {
		size := bulkMax
		for size > n-start {
			size /= 2
		}
		if err := fn(start, size); err != nil {
			return err
		}
		start += size
	}
	return nil
}

// bulkKey names a bulk text: its parts, its row count and how it writes its
// parameters.
type bulkKey struct {
	head, row, tail, param string
	first, n               int
}

var bulkTexts sync.Map // bulkKey → string

// bulkValues returns head, then n copies of row joined by ", ", then tail,
// with each "#" of row replaced by the next parameter (numbered from first,
// in the dialect's way for long texts: Dialect.Param). Each parameter is
// used once, in order. The text is built once.
func (s *Store) bulkValues(head, row, tail string, first, n int) string {
	key := bulkKey{head, row, tail, s.Dialect.Param, first, n}
	if t, ok := bulkTexts.Load(key); ok {
		return t.(string)
	}
	var b strings.Builder
	b.WriteString(head)
	p := first
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		for _, c := range row {
			if c != '#' {
				b.WriteRune(c)
				continue
			}
			b.WriteString(s.param(p))
			p++
		}
	}
	b.WriteString(tail)
	t := b.String()
	bulkTexts.Store(key, t)
	return t
}
