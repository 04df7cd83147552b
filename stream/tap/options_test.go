package tap

import (
	"math"
	"testing"
)

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
