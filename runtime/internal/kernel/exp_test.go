package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ExpAffine, in assembly and in Go, must be within 2 ulp of math.Exp of
// the float32 argument over the normal range, give +Inf past it and 0 or
// a tiny value below it, and keep NaN.
func TestExpAffine(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	src := make([]float32, 0, 4000)
	for range 3000 {
		src = append(src, float32(rng.Float64()*170-85))
	}
	for range 1000 {
		src = append(src, float32(rng.NormFloat64()))
	}
	src = append(src, 0, -0, 1, -1, 88, -87, 89, -90, 1000, -1000, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()))
	for _, asm := range []bool{true, false} {
		if asm && !haveAVX2 {
			continue
		}
		saved := haveAVX2
		haveAVX2 = asm
		for _, ab := range [][2]float32{{1, 0}, {-1, 0}, {1, -3}, {0.5, 2}} {
			dst := make([]float32, len(src))
			ExpAffine(dst, src, ab[0], ab[1])
			for i, x := range src {
				v := ab[0]*x + ab[1]
				want := math.Exp(float64(v))
				got := float64(dst[i])
				switch {
				case v != v:
					if got == got {
						t.Fatalf("asm=%v exp(%v) = %v, want NaN", asm, v, got)
					}
				case v > 88.73:
					if !math.IsInf(got, 1) {
						t.Fatalf("asm=%v exp(%v) = %v, want +Inf", asm, v, got)
					}
				case v < -87.3: // below the smallest normal float32: 0 or tiny
					if got < 0 || got > 1.2e-38 {
						t.Fatalf("asm=%v exp(%v) = %v, want about 0", asm, v, got)
					}
				case v < 88.7:
					ulp := math.Abs(float64(math.Nextafter32(float32(want), float32(math.Inf(1)))) - float64(float32(want)))
					if math.Abs(got-want) > 2*ulp {
						t.Fatalf("asm=%v exp(%v) = %v, want %v (%.1f ulp)", asm, v, got, want, math.Abs(got-want)/ulp)
					}
				}
			}
		}
		haveAVX2 = saved
	}
}

func BenchmarkExpAffine(b *testing.B) {
	src := make([]float32, 4096)
	for i := range src {
		src[i] = float32(i%200) / 20
	}
	dst := make([]float32, len(src))
	for b.Loop() {
		ExpAffine(dst, src, -1, 0)
	}
}

// Erf, in assembly and in Go, must be within 3e-7 of math.Erf, and keep
// NaN and the limits at ±Inf.
func TestErf(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	src := []float32{0, -0, 0.5, -0.5, 0.49999997, 1e-20, -3e-8, 10, -10, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN())}
	for range 5000 {
		src = append(src, float32(rng.NormFloat64()*2))
	}
	for _, asm := range []bool{true, false} {
		if asm && !haveAVX2 {
			continue
		}
		saved := haveAVX2
		haveAVX2 = asm
		for _, s := range []float32{1, 1 / math.Sqrt2} {
			dst := make([]float32, len(src))
			Erf(dst, src, s)
			for i, x := range src {
				want := math.Erf(float64(s * x))
				got := float64(dst[i])
				if math.IsNaN(want) != math.IsNaN(got) || math.Abs(got-want) > 3e-7 {
					t.Fatalf("asm=%v erf(%v) = %v, want %v", asm, s*x, got, want)
				}
			}
		}
		haveAVX2 = saved
	}
}
