// Package console is hookhub's web console, served by the same binary at
// /: people sign in with an API token and set up webhooks and
// integrations, watch deliveries and fix failures in a browser.
//
// Pages are rendered on the server from embedded templates, one file per
// page or action, with a small self-written script (static/console.js)
// that only enhances them: local times, copy buttons, live figures, search
// as you type. Every core flow works without it. The console acts as the
// signed-in token through package service, so scopes and tenant isolation
// are the service's, exactly as for the API. A session lives on the server
// (package service, table sessions); the browser holds its secret in an
// HttpOnly, SameSite cookie, and every form carries the session's CSRF
// secret besides the cross-origin checks of net/http. docs/console.md is
// the user's guide.
//
// Under /portal/ it is also Svix's app portal: a link from
// POST /api/v1/auth/app-portal-access signs a tenant's customer in to the
// endpoints and messages of one application, and nothing else
// (docs/svix.md).
package console
