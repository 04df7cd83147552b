package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// lower is the bound as mst's lowerOf defines it, written out here as the
// reference of the filter.
func lower(hu, hv float64, g float32, lbf float64) float64 {
	t := (hu + hv - 2*float64(g)) * lbf
	if !(t > 0) || t > math.MaxFloat64 {
		return 0
	}
	return t
}

// BelowCols and BelowRow must stop at exactly the first pair whose bound
// is below the threshold, over values that round, overflow, vanish and
// tie.
func TestBelow(t *testing.T) {
	if !Available {
		t.Skip("skipping: no AVX2")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	pick := func() float64 {
		switch rng.IntN(12) {
		case 0:
			return math.Inf(1)
		case 1:
			return -1
		case 2:
			return 0
		case 3:
			return math.MaxFloat64
		default:
			return rng.Float64() * 100
		}
	}
	for trial := range 20000 {
		n := rng.IntN(13)
		hv, top, floor := make([]float64, n), make([]float64, n), make([]float64, n)
		g := make([]float32, n)
		hu, lbf := rng.Float64()*50, 1+rng.Float64()*1e-6
		if trial%50 == 0 {
			lbf = math.MaxFloat64 // t overflows to +Inf
		}
		for i := range n {
			hv[i] = rng.Float64() * 50
			g[i] = float32(rng.Float64() * 50)
			if rng.IntN(20) == 0 {
				g[i] = float32(math.Inf(1 - 2*rng.IntN(2)))
			}
			top[i], floor[i] = pick(), pick()
		}
		thr := pick()
		wantCols, wantRow := n&^3, n&^3
		for i := n&^3 - 1; i >= 0; i-- {
			lb := lower(hu, hv[i], g[i], lbf)
			if lb < max(top[i], floor[i]) {
				wantCols = i
			}
			if lb < thr {
				wantRow = i
			}
		}
		if got := BelowCols(hu, lbf, hv, g, top, floor); got != wantCols {
			t.Fatalf("trial %d: BelowCols = %d, want %d", trial, got, wantCols)
		}
		if got := BelowRow(hu, lbf, thr, hv, g); got != wantRow {
			t.Fatalf("trial %d: BelowRow = %d, want %d", trial, got, wantRow)
		}
	}
}
