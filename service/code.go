package service

import (
	"bytes"
	"errors"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/filter"
	"github.com/hookhub/hookhub/jsrun"
)

// entryFunc is the function a transform or script declares.
const entryFunc = "handler"

// checkCode validates a webhook's type, filter, transform and script, and
// drops a filter that matches everything ({} or null), so that such a
// webhook costs nothing at publish.
func checkCode(p *hookhub.Problems, w *hookhub.Webhook) {
	if w.Type == "" {
		w.Type = hookhub.TypeHTTP
	}
	if w.Type != hookhub.TypeHTTP && w.Type != hookhub.TypeScript {
		p.Add("type", "must be http or script")
	}
	if f := bytes.TrimSpace(w.Filter); len(f) == 0 || string(f) == "null" || string(f) == "{}" {
		w.Filter = nil
	} else if _, err := filter.Compile(f); err != nil {
		p.Add("filter", "%s", err.Error())
	}
	checkJS(p, "transform", w.Transform)
	checkJS(p, "script", w.Script)
	switch {
	case w.IsScript() && w.Script == "":
		p.Add("script", "is required for a webhook of type script")
	case w.IsScript() && w.Transform != "":
		p.Add("transform", "is for webhooks of type http; a script builds what it sends itself")
	case !w.IsScript() && w.Script != "":
		p.Add("script", "is for webhooks of type script")
	case w.Transform != "" && w.Format != hookhub.FormatStandard:
		p.Add("transform", "is available for webhooks of the standard format only")
	}
}

func checkJS(p *hookhub.Problems, field, src string) {
	if src == "" {
		return
	}
	if _, err := jsrun.Compile(field+".js", src, entryFunc); err != nil {
		var e *jsrun.Error
		if errors.As(err, &e) && e.Line > 0 {
			p.Add(field, "line %d, column %d: %s", e.Line, e.Column, e.Message)
			return
		}
		p.Add(field, "%s", err.Error())
	}
}
