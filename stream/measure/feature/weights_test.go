package feature

import (
	"math"
	"testing"

	"cxray/stream/measure"
)

// The weights are 1/(max-min) and 1/std (population), 0 for a constant
// feature; checked on a hand-made set.
func TestWeights(t *testing.T) {
	// Three points, features: (0, 5, 1), (2, 5, 1), (4, 5, 7).
	x := []float32{0, 5, 1, 2, 5, 1, 4, 5, 7}
	if w := Weights(x, 3, 3, measure.NormNone); w != nil {
		t.Errorf("none: %v", w)
	}
	mm := Weights(x, 3, 3, measure.NormMinMax)
	want := []float64{1.0 / 4, 0, 1.0 / 6}
	for j := range want {
		if math.Abs(mm[j]-want[j]) > 1e-15 {
			t.Errorf("minmax weight %d = %v, want %v", j, mm[j], want[j])
		}
	}
	z := Weights(x, 3, 3, measure.NormZScore)
	// Feature 0: mean 2, population variance 8/3. Feature 2: mean 3,
	// variance (4+4+16)/3 = 8.
	want = []float64{1 / math.Sqrt(8.0/3), 0, 1 / math.Sqrt(8)}
	for j := range want {
		if math.Abs(z[j]-want[j]) > 1e-15 {
			t.Errorf("zscore weight %d = %v, want %v", j, z[j], want[j])
		}
	}
}
