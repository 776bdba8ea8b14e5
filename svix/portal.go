package svix

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/hookhub/hookhub/service"
)

// PortalPath is where an app portal link signs its holder in: the
// console's portal, which shows one application only.
const PortalPath = "/portal/signin"

// portalOut is Svix's AppPortalAccessOut (and DashboardAccessOut).
type portalOut struct {
	URL   string `json:"url"`
	Token string `json:"token"`
}

// appPortalAccess makes a token that opens the console's app portal for
// one application, read-only when asked, for the expiry asked (7 days by
// default), and the link that signs in with it.
func (h *handler) appPortalAccess(ctx context.Context, c *call) (reply, error) {
	var in struct {
		Application  *appIn   `json:"application"`
		Expiry       *int64   `json:"expiry"`
		ReadOnly     bool     `json:"readOnly"`
		FeatureFlags []string `json:"featureFlags"`
	}
	if len(c.body) > 0 {
		if err := c.decode(&in); err != nil {
			return reply{}, err
		}
	}
	app, err := h.appOrCreate(ctx, c, in.Application)
	if err != nil {
		return reply{}, err
	}
	expiry := service.MaxPortalExpiry
	if in.Expiry != nil {
		expiry = time.Duration(*in.Expiry) * time.Second
	}
	_, secret, err := h.svc.CreatePortalToken(ctx, c.actor, app.ID, in.ReadOnly, expiry)
	if err != nil {
		return reply{}, err
	}
	base := h.svc.BaseURL()
	if base == "" {
		base = "http://" + c.r.Host
	}
	return reply{http.StatusOK, portalOut{URL: base + PortalPath + "?key=" + url.QueryEscape(secret), Token: secret}}, nil
}

// dashboardAccess is Svix's older form of appPortalAccess, with no body.
func (h *handler) dashboardAccess(ctx context.Context, c *call) (reply, error) {
	c.body = nil
	return h.appPortalAccess(ctx, c)
}
