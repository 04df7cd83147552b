package linear

import (
	"math/rand/v2"
	"testing"
)

// benchPoints returns n points of d features in k Gaussian classes that
// overlap (as a hidden layer's might).
func benchPoints(n, d, k int) ([]float32, []int32) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := make([]float32, n*d)
	y := make([]int32, n)
	for i := range n {
		y[i] = int32(i % k)
		for f := range d {
			x[i*d+f] = float32(rng.NormFloat64())
		}
		for f := int(y[i]); f < d; f += 10 * k {
			x[i*d+f] += 0.8
		}
	}
	return x, y
}

// L1, L2 and L3 together (one SVM per pair) at n = 2000, d = 1000, 10
// classes: 45 pairs of 400 points.
func BenchmarkLinearity2000x1000(b *testing.B) {
	x, y := benchPoints(2000, 1000, 10)
	for b.Loop() {
		if _, err := Linearity(x, 1000, y, DefaultOptions()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLinearProbe2000x1000(b *testing.B) {
	x, y := benchPoints(2000, 1000, 10)
	for b.Loop() {
		if _, err := LinearProbe(x, 1000, y, ProbeOptions{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
