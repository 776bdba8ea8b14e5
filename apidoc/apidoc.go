package apidoc

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// Op describes one operation of a surface served by hand.
type Op struct {
	Method, Path string // as the surface's route table has them
	ID           string // the operationId, unique in the document
	Tag          string // the surface (salesiq, superoffice, tilby, inbound, operator)
	Summary      string
	Description  string
	// Security names the schemes any of which the caller may use; none
	// for an operation anyone may call (a door whose URL is the secret).
	Security []string
	// Query are the query parameters, by name, with their descriptions;
	// path parameters are read from Path.
	Query []Param
	// Body is the request body's media types (application/json…); none
	// for an operation without one.
	Body []string
	// Responses are the statuses the operation answers with what each
	// means.
	Responses map[int]string
	// Produces is the media type of the answers' bodies ("" for
	// application/json).
	Produces string
}

// Param is a query parameter.
type Param struct {
	Name, Description string
	Required          bool
}

// Add puts ops into doc, with the security schemes they name when doc has
// none of that name yet.
func Add(doc *huma.OpenAPI, schemes map[string]*huma.SecurityScheme, ops ...Op) {
	if doc.Components == nil {
		doc.Components = &huma.Components{}
	}
	if doc.Components.SecuritySchemes == nil {
		doc.Components.SecuritySchemes = map[string]*huma.SecurityScheme{}
	}
	for name, s := range schemes {
		if _, ok := doc.Components.SecuritySchemes[name]; !ok {
			doc.Components.SecuritySchemes[name] = s
		}
	}
	for _, o := range ops {
		doc.AddOperation(o.operation())
	}
}

func (o Op) operation() *huma.Operation {
	op := &huma.Operation{
		Method: o.Method, Path: o.Path, OperationID: o.ID, Tags: []string{o.Tag},
		Summary: o.Summary, Description: o.Description,
		Security: []map[string][]string{}, Responses: map[string]*huma.Response{},
	}
	for _, s := range o.Security {
		op.Security = append(op.Security, map[string][]string{s: {}})
	}
	for _, seg := range strings.Split(o.Path, "/") {
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			op.Parameters = append(op.Parameters, &huma.Param{Name: strings.TrimSuffix(name, "}"), In: "path", Required: true, Schema: &huma.Schema{Type: "string"}})
		}
	}
	for _, q := range o.Query {
		op.Parameters = append(op.Parameters, &huma.Param{Name: q.Name, In: "query", Required: q.Required, Description: q.Description, Schema: &huma.Schema{Type: "string"}})
	}
	if len(o.Body) > 0 {
		op.RequestBody = &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{}}
		for _, ct := range o.Body {
			op.RequestBody.Content[ct] = &huma.MediaType{Schema: &huma.Schema{}}
		}
	}
	produces := o.Produces
	if produces == "" {
		produces = "application/json"
	}
	for status, desc := range o.Responses {
		r := &huma.Response{Description: desc}
		if status != http.StatusNoContent {
			r.Content = map[string]*huma.MediaType{produces: {Schema: &huma.Schema{}}}
		}
		op.Responses[strconv.Itoa(status)] = r
	}
	return op
}
