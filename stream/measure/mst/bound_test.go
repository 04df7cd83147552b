package mst

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// lower must never exceed the exact distance, whichever way the float32 dot
// products are computed (the assembly kernel, or gonum's Sgemm with
// another summation order), on data made to stress the bound: large common
// offsets (cancellation), mixed magnitudes, subnormals, values whose
// products overflow float32, near-duplicates, and extreme weights.
func TestLowerIsALowerBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	type set struct {
		name string
		gen  func(i, j int) float32
		w    func(j int) float64
	}
	base := make([]float32, 64)
	for j := range base {
		base[j] = float32(rng.NormFloat64())
	}
	sets := []set{
		{"normal", func(i, j int) float32 { return float32(rng.NormFloat64()) }, nil},
		{"offset 1e4", func(i, j int) float32 { return 1e4 + float32(rng.NormFloat64()) }, nil},
		{"offset 1e6 tiny noise", func(i, j int) float32 { return 1e6 + float32(rng.IntN(3)) }, nil},
		{"mixed magnitudes", func(i, j int) float32 {
			return float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(30)-15)))
		}, nil},
		{"subnormal", func(i, j int) float32 { return float32(rng.NormFloat64() * 1e-42) }, nil},
		{"overflowing products", func(i, j int) float32 { return float32(rng.NormFloat64() * 1e25) }, nil},
		// Centring cannot remove this cancellation: distances within a
		// cluster are about 1e-7 of the norms.
		{"two far clusters", func(i, j int) float32 {
			return float32(i%2*2-1)*1e4 + float32(rng.NormFloat64())*1e-3
		}, nil},
		{"near duplicates", func(i, j int) float32 { return base[j] + float32(rng.IntN(2))*1e-6 }, nil},
		{"weights", func(i, j int) float32 { return float32(rng.NormFloat64()) }, func(j int) float64 {
			return math.Pow(10, float64(rng.IntN(20)-10))
		}},
	}
	for _, s := range sets {
		for _, d := range []int{1, 7, 64} {
			n := 40
			x := make([]float32, n*d)
			for i := range n {
				for j := range d {
					x[i*d+j] = s.gen(i, j)
				}
			}
			var w []float64
			if s.w != nil {
				w = make([]float64, d)
				for j := range w {
					w[j] = s.w(j)
				}
			}
			p := newPoints(x, n, d, w, true)
			ld := p.stride
			kern := make([]float32, n*n)
			gramStrip(p, 0, n, n, kern)
			gem := make([]float32, n*n)
			blas32.Gemm(blas.NoTrans, blas.Trans, 1,
				blas32.General{Rows: n, Cols: d, Stride: ld, Data: p.y},
				blas32.General{Rows: n, Cols: d, Stride: ld, Data: p.y},
				0, blas32.General{Rows: n, Cols: n, Stride: n, Data: gem})
			gamma := float64(d) * 0x1p-24 / (1 - float64(d)*0x1p-24)
			useful := 0
			for u := range n {
				for v := range n {
					if u == v {
						continue
					}
					ex := p.exact(u, v)
					// The worst dot product the error analysis allows:
					// the float64 dot minus γ_d·Σ|y_ui·y_vi|, rounded down.
					var dot, abs float64
					for j := range d {
						a, b := float64(p.y[u*ld+j]), float64(p.y[v*ld+j])
						dot += a * b
						abs += math.Abs(a * b)
					}
					// (A finite float32 result cannot stand for a value
					// beyond MaxFloat32: IEEE arithmetic overflows to Inf.)
					gs := []float32{kern[u*n+v], gem[u*n+v]}
					if lo := dot - gamma*abs; math.Abs(lo) <= math.MaxFloat32 {
						worst := float32(lo)
						if float64(worst) > lo {
							worst = math.Nextafter32(worst, float32(math.Inf(-1)))
						}
						gs = append(gs, worst)
					}
					for _, g := range gs {
						lb := p.lower(u, v, g)
						if lb > ex {
							t.Fatalf("%s d=%d (%d,%d): bound %v > exact %v (g %v, dot %v)", s.name, d, u, v, lb, ex, g, dot)
						}
						if lb > 0.99*ex {
							useful++
						}
					}
				}
			}
			// On benign data the bound must also be tight.
			if s.name == "normal" && useful < 2*n*(n-1)*9/10 {
				t.Errorf("%s d=%d: only %d of %d bounds within 1%%", s.name, d, useful, 2*n*(n-1))
			}
		}
	}
}

// code8: decoding never exceeds what was encoded, codes are monotone, and
// atLeast is exactly the smallest code whose value reaches a threshold.
func TestCode8(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	for _, top := range []float64{0, 1e-300, 1, 600, 1e30, math.Inf(1)} {
		c := newCode8(top)
		vals := []float64{0, -1, math.NaN(), math.Inf(1), math.SmallestNonzeroFloat64, top, top * 2, math.MaxFloat64}
		for range 2000 {
			vals = append(vals, top*math.Exp(-40*rng.Float64()), rng.ExpFloat64())
		}
		for _, v := range vals {
			k := c.encode(v)
			if dv := c.decode(k); dv > max(v, 0) && !(math.IsNaN(v) || math.IsInf(v, 1)) {
				t.Fatalf("top %v: decode(encode(%v)) = %v", top, v, dv)
			}
			if (math.IsNaN(v) || math.IsInf(v, 1)) && k != 0 {
				t.Fatalf("top %v: encode(%v) = %d, want 0", top, v, k)
			}
			want := uint16(codeNever)
			for j := 0; j <= code8Max; j++ {
				if c.decode(uint8(j)) >= v {
					want = uint16(j)
					break
				}
			}
			if got := c.atLeast(v); got != want {
				t.Fatalf("top %v: atLeast(%v) = %d, want %d", top, v, got, want)
			}
		}
		for j := 1; j <= code8Max; j++ {
			if !(c.decode(uint8(j)) > c.decode(uint8(j-1))) && top > 0 {
				t.Fatalf("top %v: decode not increasing at %d", top, j)
			}
		}
	}
	// Within the range the step is 1/16.
	c := newCode8(1000)
	for _, v := range []float64{1, 3.3, 17, 999} {
		if dv := c.decode(c.encode(v)); dv < v*15/16 {
			t.Errorf("decode(encode(%v)) = %v, more than a 1/16 step below", v, dv)
		}
	}
}
