package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// special mixes NaNs of both signs (x86 makes negative ones), infinities,
// zeros of both signs and ordinary values.
func special(rng *rand.Rand, n int) []float32 {
	vals := []float32{float32(math.NaN()), math.Float32frombits(0xffc00000), float32(math.Inf(1)), float32(math.Inf(-1)),
		0, float32(math.Copysign(0, -1)), 1e-40, -1e-40}
	v := make([]float32, n)
	for i := range v {
		if rng.IntN(4) == 0 {
			v[i] = vals[rng.IntN(len(vals))]
		} else {
			v[i] = float32(rng.NormFloat64())
		}
	}
	return v
}

// same compares with Go's max: NaN for NaN, equal values otherwise, and
// the sign of a zero only where exact is set.
func same(got, want float32, exact bool) bool {
	if want != want {
		return got != got
	}
	if exact {
		return math.Float32bits(got) == math.Float32bits(want)
	}
	return got == want
}

func TestElementwise(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, asm := range []bool{true, false} {
		if asm && !haveAVX2 {
			continue
		}
		saved := haveAVX2
		haveAVX2 = asm
		for _, n := range []int{0, 1, 7, 8, 9, 16, 31, 100, 1000} {
			a, b := special(rng, 2*n+3), special(rng, n)
			dst := make([]float32, n)
			Relu(dst, a)
			for i := range dst {
				if w := max(a[i], 0); !same(dst[i], w, true) {
					t.Fatalf("asm=%v n=%d: Relu(%v) = %v, want %v", asm, n, a[i], dst[i], w)
				}
			}
			Max(dst, a, b)
			for i := range dst {
				if w := max(a[i], b[i]); !same(dst[i], w, false) {
					t.Fatalf("asm=%v n=%d: Max(%v, %v) = %v, want %v", asm, n, a[i], b[i], dst[i], w)
				}
			}
			AddConst(dst, a, 0.75)
			for i := range dst {
				if w := a[i] + 0.75; !same(dst[i], w, true) {
					t.Fatalf("asm=%v n=%d: AddConst(%v) = %v, want %v", asm, n, a[i], dst[i], w)
				}
			}
			Clamp(dst, a, -0.5, 6)
			for i := range dst {
				if w := min(max(a[i], -0.5), 6); !same(dst[i], w, false) {
					t.Fatalf("asm=%v n=%d: Clamp(%v) = %v, want %v", asm, n, a[i], dst[i], w)
				}
			}
			Clamp(dst, a, 0, float32(math.Inf(1)))
			for i := range dst {
				if w := min(max(a[i], 0), float32(math.Inf(1))); !same(dst[i], w, false) {
					t.Fatalf("asm=%v n=%d: Clamp(%v, 0, +Inf) = %v, want %v", asm, n, a[i], dst[i], w)
				}
			}
			PairMax(dst, a)
			for i := range dst {
				if w := max(a[2*i], a[2*i+1]); !same(dst[i], w, false) {
					t.Fatalf("asm=%v n=%d: PairMax(%v, %v) = %v, want %v", asm, n, a[2*i], a[2*i+1], dst[i], w)
				}
			}
		}
		haveAVX2 = saved
	}
}

func BenchmarkRelu(b *testing.B) {
	src := special(rand.New(rand.NewPCG(1, 2)), 4096)
	dst := make([]float32, len(src))
	for b.Loop() {
		Relu(dst, src)
	}
}
