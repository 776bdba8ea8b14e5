package delivery

import (
	"io"
	"sync"

	"github.com/hookhub/hookhub"
)

// answerBufs holds the buffers answers are read into, so that reading one
// costs a single allocation of the size kept.
var answerBufs = sync.Pool{New: func() any {
	b := make([]byte, hookhub.MaxResponseBody)
	return &b
}}

// readAnswer returns the first MaxResponseBody bytes of an answer's body
// (empty, not nil, when there are none) and reads up to 64 KiB more, so
// that the connection can be reused.
func readAnswer(body io.Reader) []byte {
	bp := answerBufs.Get().(*[]byte)
	defer answerBufs.Put(bp)
	n, err := io.ReadFull(body, *bp)
	if err == nil { // there may be more
		_, _ = io.CopyN(io.Discard, body, 64<<10)
	}
	return append([]byte{}, (*bp)[:n]...)
}
