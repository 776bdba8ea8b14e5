package svix

import (
	"context"
	"net/http"

	"github.com/hookhub/hookhub"
)

// appIn is Svix's ApplicationIn.
type appIn struct {
	Name      string            `json:"name"`
	UID       *string           `json:"uid"`
	RateLimit *int              `json:"rateLimit"`
	Metadata  map[string]string `json:"metadata"`
}

func (in *appIn) app() *hookhub.Application {
	a := &hookhub.Application{Name: in.Name, Metadata: in.Metadata}
	if in.UID != nil {
		a.UID = *in.UID
	}
	if in.RateLimit != nil {
		a.RateLimit = *in.RateLimit
		if a.RateLimit == 0 {
			a.RateLimit = -1 // Svix's minimum is 1; 0 is refused, not "no limit"
		}
	}
	return a
}

// appPatch is Svix's ApplicationPatch.
type appPatch struct {
	Name      optional[string]            `json:"name"`
	UID       optional[string]            `json:"uid"`
	RateLimit optional[int]               `json:"rateLimit"`
	Metadata  optional[map[string]string] `json:"metadata"`
}

// appOut is Svix's ApplicationOut.
type appOut struct {
	ID        string            `json:"id"`
	UID       *string           `json:"uid,omitempty"`
	Name      string            `json:"name"`
	RateLimit *int              `json:"rateLimit,omitempty"`
	Metadata  map[string]string `json:"metadata"`
	CreatedAt string            `json:"createdAt"`
	UpdatedAt string            `json:"updatedAt"`
}

func toApp(a *hookhub.Application) appOut {
	out := appOut{ID: a.ID, Name: a.Name, Metadata: a.Metadata, CreatedAt: ts(a.CreatedAt), UpdatedAt: ts(a.UpdatedAt)}
	if out.Metadata == nil {
		out.Metadata = map[string]string{}
	}
	if a.UID != "" {
		uid := a.UID
		out.UID = &uid
	}
	if a.RateLimit > 0 {
		rl := a.RateLimit
		out.RateLimit = &rl
	}
	return out
}

func (h *handler) listApps(ctx context.Context, c *call) (reply, error) {
	p, err := readPage(c.r.URL.Query())
	if err != nil {
		return reply{}, err
	}
	as, err := h.svc.ListApplications(ctx, c.actor, hookhub.ApplicationFilter{After: p.iterator, Limit: p.limit + 1})
	if err != nil {
		return reply{}, err
	}
	out := make([]appOut, len(as))
	for i, a := range as {
		out[i] = toApp(a)
	}
	return reply{http.StatusOK, list(out, p.limit, func(a appOut) string { return a.ID })}, nil
}

// createApp makes an application; with get_if_exists=true, an application
// of the same uid is answered instead (200), as Svix's get-or-create.
func (h *handler) createApp(ctx context.Context, c *call) (reply, error) {
	var in appIn
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if c.r.URL.Query().Get("get_if_exists") == "true" && in.UID != nil && *in.UID != "" {
		a, err := h.svc.GetApplication(ctx, c.actor, *in.UID)
		if err == nil {
			return reply{http.StatusOK, toApp(a)}, nil
		}
		if hookhub.ErrorCode(err) != hookhub.ENOTFOUND {
			return reply{}, err
		}
	}
	a, err := h.svc.CreateApplication(ctx, c.actor, in.app())
	if err != nil {
		return reply{}, err
	}
	return reply{http.StatusCreated, toApp(a)}, nil
}

func (h *handler) getApp(ctx context.Context, c *call) (reply, error) {
	a, err := h.svc.GetApplication(ctx, c.actor, c.r.PathValue("app_id"))
	if err != nil {
		return reply{}, err
	}
	return reply{http.StatusOK, toApp(a)}, nil
}

// putApp replaces an application's settings, or makes it when no
// application has that id or uid (201), the path naming its uid.
func (h *handler) putApp(ctx context.Context, c *call) (reply, error) {
	var in appIn
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	id := c.r.PathValue("app_id")
	want := in.app()
	a, err := h.svc.UpdateApplication(ctx, c.actor, id, func(a *hookhub.Application) error {
		a.Name, a.UID, a.Metadata, a.RateLimit = want.Name, want.UID, want.Metadata, want.RateLimit
		return nil
	})
	if hookhub.ErrorCode(err) == hookhub.ENOTFOUND {
		if want.UID == "" {
			want.UID = id
		}
		if a, err = h.svc.CreateApplication(ctx, c.actor, want); err != nil {
			return reply{}, err
		}
		return reply{http.StatusCreated, toApp(a)}, nil
	}
	if err != nil {
		return reply{}, err
	}
	return reply{http.StatusOK, toApp(a)}, nil
}

func (h *handler) patchApp(ctx context.Context, c *call) (reply, error) {
	var in appPatch
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	a, err := h.svc.UpdateApplication(ctx, c.actor, c.r.PathValue("app_id"), func(a *hookhub.Application) error {
		if in.Name.Set {
			a.Name = in.Name.V
		}
		if in.UID.Set {
			a.UID = in.UID.V
		}
		if in.RateLimit.Set {
			a.RateLimit = in.RateLimit.V // 0 or null: no limit
		}
		if in.Metadata.Set {
			a.Metadata = in.Metadata.V
		}
		return nil
	})
	if err != nil {
		return reply{}, err
	}
	return reply{http.StatusOK, toApp(a)}, nil
}

func (h *handler) deleteApp(ctx context.Context, c *call) (reply, error) {
	if err := h.svc.DeleteApplication(ctx, c.actor, c.r.PathValue("app_id")); err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusNoContent}, nil
}

// app finds the application a path names, by id or uid.
func (h *handler) app(ctx context.Context, c *call) (*hookhub.Application, error) {
	return h.svc.GetApplication(ctx, c.actor, c.r.PathValue("app_id"))
}
