package survey

import (
	"slices"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		spec string
		want []string
	}{
		{"", []string{"N1"}},
		{"n1", []string{"N1"}},
		{"f2,N3", []string{"N1", "F2", "N3"}},
		{"gdv,cka_prev", []string{"N1", "GDV", "CKA_prev"}},
		{"survey,gdv", nil},
	} {
		got, err := Parse(c.spec)
		if c.want != nil && (err != nil || !slices.Equal(got, c.want)) {
			t.Errorf("Parse(%q) = %v, %v; want %v", c.spec, got, err, c.want)
		}
		if c.spec == "survey,gdv" && (err != nil || len(got) != 23 || got[len(got)-1] != "GDV") {
			t.Errorf("Parse(%q) = %v, %v", c.spec, got, err)
		}
	}
	survey, _ := Parse("survey")
	if len(survey) != 22 || survey[0] != "N1" {
		t.Errorf("survey = %d measures %v, want the 22 of Lorena et al. with N1 first", len(survey), survey)
	}
	all, _ := Parse("all")
	if !slices.Equal(all, Names()) {
		t.Errorf("all = %v, want every measure %v", all, Names())
	}
	if _, err := Parse("n1,F9"); err == nil {
		t.Error("F9 accepted")
	}
}

// The registry: unique names, N1 first and the only streamed measure,
// the survey's 22 in its six families, and a definition and a source for
// every measure computed from the points.
func TestRegistry(t *testing.T) {
	seen := map[string]bool{}
	families := map[Group]int{}
	for i, m := range All() {
		if seen[m.Name] {
			t.Errorf("%s twice", m.Name)
		}
		seen[m.Name] = true
		families[m.Group]++
		if (i == 0) != (m.Name == "N1") || m.FromPoints() == (m.Name == "N1") {
			t.Errorf("%d %s: N1 must come first and be the only streamed measure", i, m.Name)
		}
		if m.FromPoints() && (m.Definition == "" || m.Reference == "") {
			t.Errorf("%s has no definition or reference", m.Name)
		}
		if got, ok := Lookup(m.Name); !ok || got != m {
			t.Errorf("Lookup(%s) = %v, %v", m.Name, got, ok)
		}
	}
	want := map[Group]int{FeatureOverlap: 5, Neighbourhood: 6, Linearity: 3, Dimensionality: 3, ClassBalance: 2, Network: 3, Representation: 6}
	for g, n := range want {
		if families[g] != n {
			t.Errorf("%s: %d measures, want %d", g, families[g], n)
		}
	}
	if _, ok := Lookup("n1"); ok {
		t.Error("Lookup is case-insensitive")
	}
}
