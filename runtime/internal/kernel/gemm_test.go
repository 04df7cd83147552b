package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Gemm, through the assembly tile and the portable one, must agree with a
// float64 product within the float32 bound γ_k·Σ|a·b| (plus C's own
// rounding), for shapes with ragged edges, a transposed A and k = 0.
func TestGemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	forKernels(t, func(asm string) {
		for _, sh := range [][3]int{{1, 1, 1}, {6, 16, 25}, {7, 17, 3}, {16, 100, 150}, {64, 120, 400}, {5, 33, 0}, {13, 40, 1}} {
			m, n, k := sh[0], sh[1], sh[2]
			for _, tr := range [][2]bool{{false, true}, {true, true}, {false, false}} {
				trans, add := tr[0], tr[1]
				mp, np := RoundUp(m, MR), RoundUp(n, NR)
				a := randVec(rng, m*k)
				lda := k
				if trans {
					lda = m
				}
				ldb, ldc := np+3, np+5
				b := randVec(rng, max(k*ldb, 1))
				// Padding columns of B hold NaN: they must not leak into
				// the columns that count.
				for l := 0; l < k; l++ {
					for j := n; j < ldb; j++ {
						b[l*ldb+j] = float32(math.NaN())
					}
				}
				c := randVec(rng, mp*ldc)
				c0 := append([]float32(nil), c...)
				if !add {
					// The old contents must not be read.
					for i := range c {
						c[i] = float32(math.NaN())
					}
					clear(c0)
				}
				ap := PackA(nil, a, m, k, lda, trans)
				Gemm(mp, np, k, ap, b, Strided(nil, k, ldb), c, ldc, add, 0, np/NR)
				gamma := float64(k+1) * 0x1p-24 / (1 - float64(k+1)*0x1p-24)
				for i := 0; i < m; i++ {
					for j := 0; j < n; j++ {
						s, abs := float64(c0[i*ldc+j]), math.Abs(float64(c0[i*ldc+j]))
						for l := 0; l < k; l++ {
							av := a[i*k+l]
							if trans {
								av = a[l*m+i]
							}
							p := float64(av) * float64(b[l*ldb+j])
							s += p
							abs += math.Abs(p)
						}
						got := float64(c[i*ldc+j])
						if math.Abs(got-s) > gamma*abs || math.IsNaN(got) {
							t.Fatalf("%s m=%d n=%d k=%d trans=%v add=%v: C[%d,%d] = %v, want %v ± %v", asm, m, n, k, trans, add, i, j, got, s, gamma*abs)
						}
					}
				}
			}
		}
	})
}

// forKernels runs f with each tile the machine has: the AVX-512 one (with
// AVX2 for the edges), the AVX2 one alone, and the portable Go loop.
func forKernels(t *testing.T, f func(kernels string)) {
	t.Helper()
	a2, a5 := haveAVX2, haveAVX512
	defer func() { haveAVX2, haveAVX512 = a2, a5 }()
	for _, lv := range []struct {
		name     string
		avx2, a5 bool
	}{{"avx512", true, true}, {"avx2", true, false}, {"go", false, false}} {
		if lv.avx2 && !a2 || lv.a5 && !a5 {
			continue
		}
		haveAVX2, haveAVX512 = lv.avx2, lv.a5
		f(lv.name)
	}
}

// The AVX-512 and AVX2 tiles compute each element of C with the same
// chain of FMAs, so they agree to the bit.
func TestTileKernelsAgree(t *testing.T) {
	if !haveAVX512 {
		t.Skip("no AVX-512")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, sh := range [][3]int{{64, 120, 400}, {30, 64, 700}, {13, 48, 5}} {
		m, n, k := sh[0], sh[1], sh[2]
		mp, np := RoundUp(m, MR), RoundUp(n, NR)
		ap := PackA(nil, randVec(rng, m*k), m, k, k, false)
		b := randVec(rng, k*np)
		bp := PackB(nil, b, k, np, np, false)
		var res [2][2][]float32 // [kernels][Gemm, GemmPacked]
		forKernels(t, func(kernels string) {
			if kernels == "go" {
				return
			}
			i := b2i(kernels == "avx2")
			res[i][0], res[i][1] = make([]float32, mp*np), make([]float32, mp*np)
			Gemm(mp, np, k, ap, b, Strided(nil, k, np), res[i][0], np, false, 0, np/NR)
			GemmPacked(mp, np, k, ap, bp, res[i][1], np, 0, np/NR)
		})
		for v := range 2 {
			for e := range res[0][v] {
				if math.Float32bits(res[0][v][e]) != math.Float32bits(res[1][v][e]) {
					t.Fatalf("m=%d n=%d k=%d: element %d: AVX-512 %v, AVX2 %v", m, n, k, e, res[0][v][e], res[1][v][e])
				}
			}
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// GemmPacked must agree with Gemm on the same operands to the bit: both
// run the same tiles and only the layout of B differs; at a block
// boundary of k the accumulators go through C and come back unchanged.
// Depths past kc test the blocking.
func TestGemmPacked(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, sh := range [][3]int{{1, 1, 1}, {7, 17, 3}, {64, 120, 400}, {13, 40, 0}, {6, 256, 784}} {
		m, n, k := sh[0], sh[1], sh[2]
		for _, trans := range []bool{false, true} {
			mp, np := RoundUp(m, MR), RoundUp(n, NR)
			b := randVec(rng, k*n)
			ldb := n
			if trans {
				ldb = k
			}
			bl := make([]float32, k*np) // B as a padded row-major matrix
			for l := 0; l < k; l++ {
				for j := 0; j < n; j++ {
					if trans {
						bl[l*np+j] = b[j*k+l]
					} else {
						bl[l*np+j] = b[l*n+j]
					}
				}
			}
			ap := PackA(nil, randVec(rng, m*k), m, k, k, false)
			bp := PackB(nil, b, k, n, ldb, trans)
			want := make([]float32, mp*np)
			got := make([]float32, mp*np)
			for i := range got {
				got[i] = float32(math.NaN())
			}
			Gemm(mp, np, k, ap, bl, Strided(nil, k, np), want, np, false, 0, np/NR)
			GemmPacked(mp, np, k, ap, bp, got, np, 0, np/NR)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("m=%d n=%d k=%d trans=%v: C[%d] = %v, Gemm gives %v", m, n, k, trans, i, got[i], want[i])
				}
			}
		}
	}
}

// Rows of B may overlap: Conv reads shifted views of one buffer.
func TestGemmShifted(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	buf := randVec(rng, 200)
	offs := []int{0, 1, 2, 30, 31, 32, 60}
	k, np := len(offs), 48
	a := randVec(rng, 7*k)
	ap := PackA(nil, a, 7, k, k, false)
	c := make([]float32, 12*np)
	Gemm(12, np, k, ap, buf, offs, c, np, false, 0, np/NR)
	for i := 0; i < 7; i++ {
		for j := 0; j < np; j++ {
			var s float64
			for l, o := range offs {
				s += float64(a[i*k+l]) * float64(buf[o+j])
			}
			if d := math.Abs(float64(c[i*np+j]) - s); d > 1e-5 {
				t.Fatalf("C[%d,%d] = %v, want %v", i, j, c[i*np+j], s)
			}
		}
	}
}

// Gemm must refuse, before any unchecked load, a C or B too short and a
// row of B that starts outside it.
func TestGemmBounds(t *testing.T) {
	ap := PackA(nil, make([]float32, 6*4), 6, 4, 4, false)
	for name, f := range map[string]func(){
		"short C": func() {
			Gemm(6, 16, 4, ap, make([]float32, 4*16), Strided(nil, 4, 16), make([]float32, 5*16), 16, true, 0, 1)
		},
		"short B": func() {
			Gemm(6, 16, 4, ap, make([]float32, 4*16-1), Strided(nil, 4, 16), make([]float32, 6*16), 16, true, 0, 1)
		},
		"negative": func() {
			Gemm(6, 16, 4, ap, make([]float32, 4*16), []int{0, -1, 16, 32}, make([]float32, 6*16), 16, true, 0, 1)
		},
		"few offsets": func() {
			Gemm(6, 16, 4, ap, make([]float32, 4*16), []int{0, 16, 32}, make([]float32, 6*16), 16, true, 0, 1)
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			f()
		}()
	}
}

func randVec(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

// BenchmarkGemm is the second Conv of a LeNet-5 on 11 samples side by
// side: 16×150 weights times a 150×1100 column matrix.
func BenchmarkGemm(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	m, n, k := 16, 1104, 150
	mp := RoundUp(m, MR)
	ap := PackA(nil, randVec(rng, m*k), m, k, k, false)
	bm := randVec(rng, k*n)
	c := make([]float32, mp*n)
	offs := Strided(nil, k, n)
	for b.Loop() {
		Gemm(mp, n, k, ap, bm, offs, c, n, false, 0, n/NR)
	}
	b.ReportMetric(float64(2*m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkGemmPacked is the first Linear layer of the MLP at batch 64:
// 64×784 activations times 784×256 weights.
func BenchmarkGemmPacked(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	m, n, k := 64, 256, 784
	mp := RoundUp(m, MR)
	ap := PackA(nil, randVec(rng, m*k), m, k, k, false)
	bp := PackB(nil, randVec(rng, k*n), k, n, n, false)
	c := make([]float32, mp*n)
	for b.Loop() {
		GemmPacked(mp, n, k, ap, bp, c, n, 0, n/NR)
	}
	b.ReportMetric(float64(2*m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkPackA(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	a := randVec(rng, 64*784)
	var ap []float32
	for b.Loop() {
		ap = PackA(ap, a, 64, 784, 784, false)
	}
}

// Depthwise agrees with a float64 sum of its taps, in assembly and in Go,
// for widths that exercise both of the assembly's loops.
func TestDepthwise(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	b := randVec(rng, 600)
	forKernels(t, func(kernels string) {
		for _, n := range []int{0, 16, 48, 64, 80, 256 + 32} {
			for _, taps := range []int{0, 1, 9, 25} {
				w := randVec(rng, taps)
				offs := make([]int, taps)
				for i := range offs {
					offs[i] = rng.IntN(len(b) - n + 1)
				}
				dst := randVec(rng, n)
				Depthwise(dst, b, offs, w)
				for c := range dst {
					var s, abs float64
					for t, o := range offs {
						p := float64(w[t]) * float64(b[o+c])
						s += p
						abs += math.Abs(p)
					}
					if math.Abs(float64(dst[c])-s) > float64(taps+1)*0x1p-24*abs {
						t.Fatalf("%s n=%d taps=%d: dst[%d] = %v, want %v", kernels, n, taps, c, dst[c], s)
					}
				}
			}
		}
	})
}
