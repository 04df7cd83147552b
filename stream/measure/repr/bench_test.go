package repr

import (
	"math/rand/v2"
	"testing"
)

func benchPoints(n, d, k int) ([]float32, []int32) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := make([]float32, n*d)
	y := make([]int32, n)
	for i := range n {
		y[i] = int32(i % k)
		for f := range d {
			x[i*d+f] = float32(rng.NormFloat64())
		}
		x[i*d+int(y[i])] += 3
	}
	return x, y
}

func BenchmarkGDV2000x1000(b *testing.B) {
	x, y := benchPoints(2000, 1000, 10)
	for b.Loop() {
		if _, err := GDV(x, 1000, y); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNC12000x1000(b *testing.B) {
	x, y := benchPoints(2000, 1000, 10)
	for b.Loop() {
		if _, err := NC1(x, 1000, y); err != nil {
			b.Fatal(err)
		}
	}
}

// Two layers of 1000 features, 2000 points, DefaultBatch.
func BenchmarkCKA2000x1000(b *testing.B) {
	x, _ := benchPoints(2000, 1000, 10)
	y, _ := benchPoints(2000, 1000, 7)
	for b.Loop() {
		if _, err := LinearCKA(x, 1000, y, 1000, 2000, 0); err != nil {
			b.Fatal(err)
		}
	}
}
