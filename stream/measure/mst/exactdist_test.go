package mst

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The assembly path of the exact distance must give the same bits as the
// Go definition: the tree depends on these values.
func TestSqDistKernelBitIdentical(t *testing.T) {
	if !haveKernel {
		t.Skip("skipping: no AVX2 kernel on this machine")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, d := range []int{8, 9, 11, 16, 33, 784} {
		for trial := range 50 {
			a := make([]float32, d)
			b := make([]float32, d)
			w := make([]float64, d)
			for i := range a {
				scale := math.Pow(10, float64(rng.IntN(20)-10))
				a[i] = float32(rng.NormFloat64() * scale)
				b[i] = float32(rng.NormFloat64() * scale)
				w[i] = rng.ExpFloat64()
			}
			for _, ww := range [][]float64{nil, w} {
				got := math.Float64bits(sqDist64Kernel(a, b, ww))
				want := math.Float64bits(sqDist64Go(a, b, ww))
				if got != want {
					t.Fatalf("d=%d trial %d weighted=%v: kernel %x, Go %x", d, trial, ww != nil, got, want)
				}
			}
		}
	}
}

func TestSqDist(t *testing.T) {
	a := []float32{1, 2, 3}
	b := []float32{4, 6, 3}
	if got := SqDist(a, b, nil); got != 25 {
		t.Errorf("SqDist = %v, want 25", got)
	}
	if got := SqDist(a, b, []float64{2, 0, 1}); got != 36 {
		t.Errorf("weighted SqDist = %v, want 36", got)
	}
	if got := SqDist(a, b[:2], nil); !math.IsNaN(got) {
		t.Errorf("SqDist of unequal lengths = %v, want NaN", got)
	}
}
