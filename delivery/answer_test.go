package delivery

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/hookhub/hookhub"
)

// TestReadAnswer compares readAnswer with reading the answer as post did
// before: io.ReadAll of the first MaxResponseBody bytes, then up to 64 KiB
// more discarded.
func TestReadAnswer(t *testing.T) {
	old := func(r io.Reader) []byte {
		b, _ := io.ReadAll(io.LimitReader(r, hookhub.MaxResponseBody))
		_, _ = io.Copy(io.Discard, io.LimitReader(r, 64<<10))
		return b
	}
	const max = hookhub.MaxResponseBody
	for _, n := range []int{0, 1, 2, max - 1, max, max + 1, max + 64<<10 - 1, max + 64<<10, max + 64<<10 + 1, 3 * 64 << 10} {
		body := []byte(strings.Repeat("0123456789", n/10+1)[:n])
		for name, wrap := range map[string]func(io.Reader) io.Reader{
			"whole": func(r io.Reader) io.Reader { return r },
			"bytes": iotest.OneByteReader,
			"half":  iotest.HalfReader,
			"error": func(r io.Reader) io.Reader {
				return io.MultiReader(io.LimitReader(r, int64(n/2)), iotest.ErrReader(errors.New("reset")))
			},
		} {
			r1, r2 := bytes.NewReader(body), bytes.NewReader(body)
			got, want := readAnswer(wrap(r1)), old(wrap(r2))
			if !bytes.Equal(got, want) || got == nil {
				t.Errorf("%d bytes, %s: kept %d bytes, want %d (nil: %v)", n, name, len(got), len(want), got == nil)
			}
			if r1.Len() != r2.Len() {
				t.Errorf("%d bytes, %s: %d left unread, want %d", n, name, r1.Len(), r2.Len())
			}
		}
	}
}
