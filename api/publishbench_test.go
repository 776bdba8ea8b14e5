package api_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkPublishAPI measures one POST /v1/events (and one POST
// /v1/events/batch of one entity) through a real HTTP server on SQLite in a
// temp dir, with one webhook subscribed: the API's decoding, checks and
// answer, and the publish's transaction. The data is about 1 KB: "pad" is
// the shape hookhub bench sends (a few members and one long string),
// "record" a CRM contact of 40 members. The time per request is mostly
// waiting for SQLite's commit to reach the disk; cpu-ns/op is the CPU the
// process (client and server) spent per request, user and system.
func BenchmarkPublishAPI(b *testing.B) {
	pad := `{"seq":1,"sent":1764690000000000000,"pad":"` + strings.Repeat("x", 980) + `"}`
	var rec strings.Builder
	rec.WriteString(`{"id":12345,"kind":"contact"`)
	for i := 0; rec.Len() < 1000; i++ {
		fmt.Fprintf(&rec, `,"field_%02d":"value number %d of the contact",`+`"n_%02d":%d`, i, i, i, i*7)
	}
	rec.WriteString(`,"tags":["a","b","c"],"address":{"street":"Main St 1","city":"Oslo","zip":"0150"}}`)
	for _, tt := range []struct{ name, path, body string }{
		{"event/pad", "/v1/events", `{"type":"contact.created","entity_type":"contact","entity_id":"42","data":` + pad + `}`},
		{"event/record", "/v1/events", `{"type":"contact.created","entity_type":"contact","entity_id":"42","modified_fields":["name","email"],"data":` + rec.String() + `}`},
		{"batch/record", "/v1/events/batch", `{"type":"contact.created","entity_type":"contact","entities":[` + rec.String() + `]}`},
	} {
		b.Run(tt.name, func(b *testing.B) {
			e := setup(b, options{})
			e.createWebhook(b, e.a)
			body := []byte(tt.body)
			client := &http.Client{}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			b.ResetTimer()
			cpu := cpuTime()
			for range b.N {
				req, _ := http.NewRequest("POST", e.url+tt.path, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+e.a)
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 202 {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
			b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
