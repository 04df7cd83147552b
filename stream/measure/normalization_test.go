package measure

import (
	"math"
	"strconv"
	"testing"
)

func formatG(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func TestParseNormalization(t *testing.T) {
	for _, n := range []Normalization{NormNone, NormMinMax, NormZScore} {
		got, err := ParseNormalization(n.String())
		if err != nil || got != n {
			t.Errorf("ParseNormalization(%q) = %v, %v", n.String(), got, err)
		}
	}
	if got, err := ParseNormalization(" MinMax "); err != nil || got != NormMinMax {
		t.Errorf("ParseNormalization(MinMax) = %v, %v", got, err)
	}
	if _, err := ParseNormalization("l2"); err == nil {
		t.Error("ParseNormalization(l2): no error")
	}
}

// The weights are 1/(max-min) and 1/std (population), 0 for a constant
// feature; checked on a hand-made set.
func TestFeatureWeights(t *testing.T) {
	// Three points, features: (0, 5, 1), (2, 5, 1), (4, 5, 7).
	x := []float32{0, 5, 1, 2, 5, 1, 4, 5, 7}
	if w := FeatureWeights(x, 3, 3, NormNone); w != nil {
		t.Errorf("none: %v", w)
	}
	mm := FeatureWeights(x, 3, 3, NormMinMax)
	want := []float64{1.0 / 4, 0, 1.0 / 6}
	for j := range want {
		if math.Abs(mm[j]-want[j]) > 1e-15 {
			t.Errorf("minmax weight %d = %v, want %v", j, mm[j], want[j])
		}
	}
	z := FeatureWeights(x, 3, 3, NormZScore)
	// Feature 0: mean 2, population variance 8/3. Feature 2: mean 3,
	// variance (4+4+16)/3 = 8.
	want = []float64{1 / math.Sqrt(8.0/3), 0, 1 / math.Sqrt(8)}
	for j := range want {
		if math.Abs(z[j]-want[j]) > 1e-15 {
			t.Errorf("zscore weight %d = %v, want %v", j, z[j], want[j])
		}
	}
}
