package console

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/httpstatus"
	"github.com/hookhub/hookhub/secrets"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// page is one page's template: the layout, the shared parts and the
// page's own file, which defines "title", "section" (the menu entry it
// belongs to) and "content".
type page struct {
	tmpl    *template.Template
	section string
}

// parsePages parses every page of templates/ once, at start.
func parsePages() map[string]*page {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		panic(err)
	}
	pages := map[string]*page{}
	for _, file := range names {
		name := strings.TrimSuffix(path.Base(file), ".html")
		if name == "layout" || name == "parts" {
			continue
		}
		t := template.Must(template.New(name).Funcs(funcs).ParseFS(templateFiles,
			"templates/layout.html", "templates/parts.html", file))
		var section bytes.Buffer
		if err := t.ExecuteTemplate(&section, "section", nil); err != nil {
			panic(fmt.Sprintf("console: template %s: %v", name, err))
		}
		pages[name] = &page{tmpl: t, section: strings.TrimSpace(section.String())}
	}
	return pages
}

// view is what the layout gets; Data is the page's own.
type view struct {
	Section string
	CSRF    string
	Flash   string
	Tenant  string
	Actor   *hookhub.Token
	App     *hookhub.Application // set in the app portal, whose pages show this application only
	Data    any
}

// Can reports whether the signed-in token carries scope, to show only what
// it may use.
func (v view) Can(scope string) bool { return v.Actor != nil && v.Actor.Has(hookhub.Scope(scope)) }

// render writes the page name with data and the status.
func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) error {
	p, ok := h.pages[name]
	if !ok {
		return fmt.Errorf("render: no page %q", name)
	}
	v := view{Section: p.section, Data: data}
	if r.Header.Get("X-Hookhub-Refresh") == "" { // a live region's refresh leaves the notice to the page it is for
		v.Flash = h.takeFlash(w, r)
	}
	if vis := visitOf(r); vis != nil {
		v.CSRF, v.Actor, v.App = vis.session.CSRF, vis.actor, vis.app
		if vis.tenant == "" && vis.app == nil {
			if t, err := h.svc.Tenant(r.Context(), vis.actor); err == nil {
				vis.tenant = t.Name
			}
		}
		v.Tenant = vis.tenant
	} else if s, ok := data.(interface{ FormCSRF() string }); ok {
		v.CSRF = s.FormCSRF()
	}
	var buf bytes.Buffer
	if err := p.tmpl.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// ok renders a page with 200.
func (h *handler) ok(w http.ResponseWriter, r *http.Request, name string, data any) error {
	return h.render(w, r, http.StatusOK, name, data)
}

// seeOther redirects after an action, with a notice for the next page.
func (h *handler) seeOther(w http.ResponseWriter, r *http.Request, to, notice string) error {
	if notice != "" {
		h.setCookie(w, r, flashCookie, url.QueryEscape(notice), 60)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

func (h *handler) takeFlash(w http.ResponseWriter, r *http.Request) string {
	v := cookieValue(r, flashCookie)
	if v == "" {
		return ""
	}
	h.setCookie(w, r, flashCookie, "", -1)
	s, err := url.QueryUnescape(v)
	if err != nil {
		return ""
	}
	return s
}

type errorData struct {
	Status  int
	Title   string
	Message string
	Fields  []hookhub.FieldError
}

// fail answers an error: an ended session goes to the sign-in page, any
// other error to the error page, internal ones logged and not shown.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := hookhub.ErrorCode(err)
	if code == hookhub.EUNAUTHORIZED {
		notice := ""
		if cookieValue(r, sessionCookie) != "" {
			h.setCookie(w, r, sessionCookie, "", -1)
			notice = "Your session has ended: sign in again."
		}
		next := ""
		if r.Method == http.MethodGet && r.URL.Path != "/" {
			next = "?next=" + url.QueryEscape(r.URL.RequestURI())
		}
		_ = h.seeOther(w, r, "/signin"+next, notice)
		return
	}
	status := httpstatus.Console.Status(code)
	if status == http.StatusInternalServerError {
		h.log.ErrorContext(r.Context(), "console", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	d := errorData{Status: status, Title: http.StatusText(status), Message: hookhub.ErrorMessage(err)}
	var e *hookhub.Error
	if errors.As(err, &e) {
		d.Fields = e.Fields
	}
	httpstatus.SetRetryAfter(w.Header(), status)
	if rerr := h.render(w, r, status, "error", d); rerr != nil {
		h.log.ErrorContext(r.Context(), "console: render error page", "err", rerr)
		http.Error(w, d.Message, status)
	}
}

// forbidden turns a missing scope into a note for part of a page; other
// errors stay errors.
func forbidden(err error) (string, error) {
	if hookhub.ErrorCode(err) == hookhub.EFORBIDDEN {
		return hookhub.ErrorMessage(err), nil
	}
	return "", err
}

// notFound is the page of any path the console does not have.
func (h *handler) notFound(w http.ResponseWriter, r *http.Request) error {
	return hookhub.Errorf(hookhub.ENOTFOUND, "there is no page at %s", r.URL.Path)
}

// static serves the embedded stylesheet and script. Their links carry a
// hash of their content, so browsers may keep them for long.
func (h *handler) static() http.Handler {
	files := http.FileServerFS(staticFiles)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, r)
	})
}

// staticURL is the link of a static file, with its content's hash.
var staticURL = func() func(name string) string {
	urls := map[string]string{}
	_ = fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(staticFiles, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		urls[path.Base(p)] = "/" + p + "?v=" + hex.EncodeToString(sum[:6])
		return nil
	})
	return func(name string) string { return urls[name] }
}()

// funcs are the templates' functions.
var funcs = template.FuncMap{
	"static":    staticURL,
	"when":      when,
	"duration":  duration,
	"body":      body,
	"exact":     exact,
	"formatted": formatted,
	"headers":   headerLines,
	"join":      strings.Join,
	"contains":  slices.Contains[[]string],
	"scopes":    scopeNames,
	"label":     func(v any) string { return strings.ReplaceAll(fmt.Sprint(v), "_", " ") },
	"dict":      dict,
	"retries":   retries,
	"inputTime": inputTime,
	"headerMap": headerMap,
	"int64":     func(n int) int64 { return int64(n) },
	"plural": func(n int64, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	},
}

// when shows a time in UTC inside <time>, whose datetime the script turns
// into the viewer's time zone; the zero time is a dash.
func when(t time.Time) template.HTML {
	if t.IsZero() {
		return "—"
	}
	t = t.UTC()
	return template.HTML(`<time datetime="` + t.Format(time.RFC3339Nano) + `">` +
		template.HTMLEscapeString(t.Format("2006-01-02 15:04:05")) + ` UTC</time>`)
}

// duration shows a duration to the millisecond.
func duration(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d%time.Second == 0:
		return fmt.Sprintf("%d s", d/time.Second)
	}
	return fmt.Sprintf("%.3f s", d.Seconds())
}

// body shows a request or response body: JSON indented, other text as it
// is, bytes that are not text as a note.
func body(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	var out bytes.Buffer
	if json.Valid(b) && json.Indent(&out, b, "", "  ") == nil {
		return out.String()
	}
	if !utf8.Valid(b) {
		return fmt.Sprintf("(%d bytes that are not UTF-8 text)", len(b))
	}
	return string(b)
}

// exact shows a body as it was sent or received, byte for byte (the
// bytes a signature covers); bytes that are not text as a note.
func exact(b []byte) string {
	if !utf8.Valid(b) {
		return fmt.Sprintf("(%d bytes that are not UTF-8 text)", len(b))
	}
	return string(b)
}

// formatted is a JSON body indented, when that differs from the body as
// it is; "" otherwise.
func formatted(b []byte) string {
	if s := body(b); s != string(b) && json.Valid(b) {
		return s
	}
	return ""
}

// headerLines shows headers one "Name: value" a line, by name, with the
// values of credentials hidden.
func headerLines(h http.Header) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[k] {
			b.WriteString(k + ": " + secrets.HideValue(k, v) + "\n")
		}
	}
	return b.String()
}

func scopeNames(s []hookhub.Scope) string {
	names := make([]string, len(s))
	for i, sc := range s {
		names[i] = string(sc)
	}
	return strings.Join(names, ", ")
}

// dict makes a map of its key, value arguments: the data of a part that
// needs more than one value.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errors.New("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}
