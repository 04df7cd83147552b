package tap

import (
	"math"
	"slices"
	"testing"
)

func TestParseMeasures(t *testing.T) {
	for _, c := range []struct {
		spec string
		want []string
	}{
		{"", []string{"N1"}},
		{"n1", []string{"N1"}},
		{"f2,N3", []string{"N1", "F2", "N3"}},
		{"gdv,cka_prev", []string{"N1", "GDV", "CKA_prev"}},
	} {
		got, err := ParseMeasures(c.spec)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("ParseMeasures(%q) = %v, %v; want %v", c.spec, got, err, c.want)
		}
	}
	survey, _ := ParseMeasures("survey")
	if len(survey) != 22 || survey[0] != "N1" {
		t.Errorf("survey = %d measures %v, want the 22 of Lorena et al. with N1 first", len(survey), survey)
	}
	all, _ := ParseMeasures("all")
	if len(all) != 22+len(Representation) {
		t.Errorf("all = %d measures", len(all))
	}
	for _, m := range all {
		if m != "N1" && Definitions[m] == "" {
			t.Errorf("%s has no definition", m)
		}
	}
	if _, err := ParseMeasures("n1,F9"); err == nil {
		t.Error("F9 accepted")
	}
}

func TestSummary(t *testing.T) {
	v := []float64{0.2, math.NaN(), 0.4, 0.9}
	for _, c := range []struct {
		s        Summary
		pairwise bool
		want     float64
	}{
		{SummarySurvey, false, 0.2}, // F1: 1/(1+max r) is the smallest per-feature value
		{SummarySurvey, true, 0.5},  // pairs: averaged
		{SummaryMean, false, 0.5},
		{SummaryMin, true, 0.2},
		{SummaryMax, false, 0.9},
	} {
		if got := c.s.reduce(v, c.pairwise); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%s (pairwise %v) = %v, want %v", c.s, c.pairwise, got, c.want)
		}
	}
	if !math.IsNaN(SummaryMean.reduce([]float64{math.NaN()}, true)) {
		t.Error("all NaN should give NaN")
	}
	if _, err := ParseSummary("median"); err == nil {
		t.Error("median accepted")
	}
}
