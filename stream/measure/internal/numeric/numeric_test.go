package numeric

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSelect(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	for _, n := range []int{1, 2, 3, 10, 511} {
		for range 20 {
			a := make([]float64, n)
			for i := range a {
				a[i] = float64(rng.IntN(5)) // many equal values
			}
			sorted := slices.Clone(a)
			slices.Sort(sorted)
			k := rng.IntN(n)
			if got := Select(slices.Clone(a), k); got != sorted[k] {
				t.Fatalf("Select(%v, %d) = %v, want %v", a, k, got, sorted[k])
			}
		}
	}
}

// Every entry is the index-order float64 sum, whatever the number of
// workers, for float32 and float64 rows alike.
func TestGram(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 5, 8} {
		const dim = 7
		x := make([]float32, n*dim)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		x64 := make([]float64, len(x))
		for i, v := range x {
			x64[i] = float64(v)
		}
		for _, workers := range []int{1, 3} {
			k32, k64 := Gram(x, n, dim, workers), Gram(x64, n, dim, workers)
			for i := range n {
				for j := range n {
					var want float64
					for f := range dim {
						want += float64(float64(x[i*dim+f]) * float64(x[j*dim+f]))
					}
					if k32[i*n+j] != want || k64[i*n+j] != want {
						t.Fatalf("n %d workers %d: K[%d,%d] = %v (float32), %v (float64), want %v", n, workers, i, j, k32[i*n+j], k64[i*n+j], want)
					}
				}
			}
		}
	}
}
