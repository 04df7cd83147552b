package mst

import (
	"math"
	"math/rand/v2"
	"testing"

	"cxray/stream/measure/internal/oracle"
)

// dotsStored must keep the float32 error bound for every dimension,
// including the ones the kernel handles in part.
func TestDotsStored(t *testing.T) {
	rng := rand.New(rand.NewPCG(57, 58))
	for _, d := range []int{1, 7, 8, 9, 15, 16, 33, 784} {
		n := 60
		x := oracle.RandomSet(rng, n, d, false)
		out := make([]float32, (n-5)*n)
		dotsStored(x, d, 5, n, n, out, 1+d%3)
		gamma := float64(d+2) * 0x1p-24 / (1 - float64(d+2)*0x1p-24)
		for u := 5; u < n; u++ {
			for v := range n {
				var s, abs float64
				for i := range d {
					p := float64(x[u*d+i]) * float64(x[v*d+i])
					s += p
					abs += math.Abs(p)
				}
				if got := float64(out[(u-5)*n+v]); math.Abs(got-s) > gamma*abs {
					t.Errorf("d=%d (%d,%d): %v, want %v ± %v", d, u, v, got, s, gamma*abs)
				}
			}
		}
	}
}
