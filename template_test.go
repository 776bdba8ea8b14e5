package hookhub

import (
	"html"
	"slices"
	"testing"
)

func TestFillTemplate(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"Prenom": "Nicolas", "Nom": "<Destroye>"}
	for _, tt := range []struct {
		name, in string
		escape   func(string) string
		want     string
		missing  []string
	}{
		{"Seed", "Bonjour {{var:Prenom}}", nil, "Bonjour Nicolas", nil},
		{"Spaces", "{{ var:Prenom }} {{var: Nom}}", nil, "Nicolas <Destroye>", nil},
		{"AnyCase", "{{var:prenom}}", nil, "Nicolas", nil},
		{"Escaped", "<p>{{var:Nom}}</p>", html.EscapeString, "<p>&lt;Destroye&gt;</p>", nil},
		{"Missing", "{{var:Ville}} {{var:Prenom}} {{var:Ville}} {{var:Age}}", nil, "{{var:Ville}} Nicolas {{var:Ville}} {{var:Age}}", []string{"Ville", "Age"}},
		{"NotAPlaceholder", "{{Prenom}} {var:Prenom}", nil, "{{Prenom}} {var:Prenom}", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, missing := FillTemplate(tt.in, vars, tt.escape)
			if got != tt.want || !slices.Equal(missing, tt.missing) {
				t.Errorf("FillTemplate(%q) = %q, missing %v; want %q, %v", tt.in, got, missing, tt.want, tt.missing)
			}
		})
	}
	if got := TemplateVars("{{var:A}} {{var:B}} {{ var:A }}"); !slices.Equal(got, []string{"A", "B"}) {
		t.Errorf("TemplateVars = %v", got)
	}
}
