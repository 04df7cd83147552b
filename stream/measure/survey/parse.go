package survey

import (
	"fmt"
	"slices"
	"strings"
)

// Parse reads --measures: "n1", "survey" (the 22 of the survey), "all"
// (survey and representation measures), or a comma-separated list of
// names and of the words survey and all, case-insensitive. N1 is always
// included; the names come in the order rows are written, N1 first.
func Parse(spec string) ([]string, error) {
	want := map[string]bool{"N1": true}
	for _, tok := range strings.Split(spec, ",") {
		tok = strings.TrimSpace(tok)
		switch strings.ToLower(tok) {
		case "", "n1":
			continue
		case "survey", "all":
			for _, m := range measures {
				want[m.Name] = want[m.Name] || strings.EqualFold(tok, "all") || m.Group != Representation
			}
			continue
		}
		i := slices.IndexFunc(measures, func(m Measure) bool { return strings.EqualFold(m.Name, tok) })
		if i < 0 {
			return nil, fmt.Errorf("no measure %q; cxray has %s (or survey, all)", tok, strings.Join(Names(), ", "))
		}
		want[measures[i].Name] = true
	}
	return slices.DeleteFunc(Names(), func(m string) bool { return !want[m] }), nil
}
