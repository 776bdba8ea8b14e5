package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/server"
	"github.com/hookhub/hookhub/service"
)

// historyLoader is the SQL store's PreloadHistory.
type historyLoader interface {
	PreloadHistory(ctx context.Context, tenantID string, webhookID int64, n int, at time.Time, step time.Duration, data []byte, progress func(done int)) error
}

// preload gives the database c.Preload finished deliveries of another
// tenant, "history", each with its event and attempt, a month old: what
// months of use leave behind. The nodes start after it, on that database.
//
// For a purge run (Config.Purge) the history is made all at one time, so
// that it becomes older than the retention all at once.
func (r *run) preload(ctx context.Context) error {
	c := r.cfg
	st, err := r.openStore(ctx)
	if err != nil {
		return fmt.Errorf("open the database to preload: %w", err)
	}
	defer st.Close()
	l, ok := st.(historyLoader)
	if !ok {
		return fmt.Errorf("this store cannot preload history")
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	ten := &hookhub.Tenant{ID: hookhub.NewID("ten"), Name: "history " + r.runID, CreatedAt: now}
	if err := st.CreateTenant(ctx, ten); err != nil {
		return fmt.Errorf("preload: %w", err)
	}
	w := &hookhub.Webhook{
		TenantID: ten.ID, Name: "history", URL: "https://history.example/hook", Events: []string{"contact.*"},
		State: hookhub.StateStopped, Secret: "whsec_" + strings.Repeat("A", 32), Timeout: 5 * time.Second,
		RegisteredAt: now, UpdatedAt: now,
	}
	if err := st.CreateWebhook(ctx, w); err != nil {
		return fmt.Errorf("preload: %w", err)
	}
	data, _ := json.Marshal(map[string]string{"pad": strings.Repeat("x", max(0, c.Payload-12))})
	began := time.Now()
	every := max(c.Preload/10, 1)
	next := every
	r.history, r.historyMade = ten.ID, now.Add(-30*24*time.Hour)
	step := time.Millisecond
	if c.Purge {
		step = 0
	}
	err = l.PreloadHistory(ctx, ten.ID, w.ID, c.Preload, r.historyMade, step, data, func(done int) {
		if done >= next || done == c.Preload {
			r.say("preloaded %d of %d deliveries (%.0f s)", done, c.Preload, time.Since(began).Seconds())
			next = done + every
		}
	})
	if err != nil {
		return err
	}
	return nil
}

// openStore opens the database of the nodes as they do, for the
// benchmark's own look at it (preload, and the check of a purge).
func (r *run) openStore(ctx context.Context) (service.Store, error) {
	return server.OpenStore(ctx, server.Config{
		DB: r.dbURL, EncryptionKey: lookup(r.env, "HOOKHUB_ENCRYPTION_KEY"), SQLiteSync: "NORMAL", MaxConns: 4,
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// ListReport is how fast one list page of the API answered, over repeated
// calls: the bench tenant's own deliveries, attempts or events, the first
// page or a deep one (before the id halfway down its list).
type ListReport struct {
	Name  string  `json:"name"`
	Calls int     `json:"calls"`
	P50   float64 `json:"p50_ms"`
	P99   float64 `json:"p99_ms"`
}

// listCalls is how often each list page is asked for.
const listCalls = 50

// measureLists times the list pages of the bench tenant, after its run.
func (r *run) measureLists(ctx context.Context) ([]ListReport, error) {
	var out []ListReport
	for _, list := range []string{"deliveries", "attempts", "events"} {
		first := r.base + "/v1/" + list + "?limit=50"
		var page struct {
			Data []struct {
				ID int64 `json:"id"`
			} `json:"data"`
		}
		if err := r.api.do(ctx, "GET", first, nil, &page); err != nil {
			return out, fmt.Errorf("list %s: %w", list, err)
		}
		pages := []struct{ name, url string }{{list + " first page", first}}
		if len(page.Data) > 0 {
			deep := page.Data[0].ID - int64(r.cfg.Events*r.cfg.Fanout)/2
			pages = append(pages, struct{ name, url string }{list + " deep page", first + "&before=" + strconv.FormatInt(max(deep, 2), 10)})
		}
		for _, p := range pages {
			times := make([]int64, 0, listCalls)
			for range listCalls {
				start := time.Now()
				if err := r.api.do(ctx, "GET", p.url, nil, nil); err != nil {
					return out, fmt.Errorf("%s: %w", p.name, err)
				}
				times = append(times, int64(time.Since(start)))
			}
			slices.Sort(times)
			l := latencyOf(times)
			out = append(out, ListReport{Name: p.name, Calls: listCalls, P50: l.P50, P99: l.P99})
		}
	}
	return out, nil
}
