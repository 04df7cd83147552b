package runtime

import (
	"math/rand/v2"
	"testing"

	"cxray/importer"
)

// matRef returns A'·B' for row-major A (ra×ca) and B, transposed as asked.
func matRef(a []float32, ra, ca int, ta bool, b []float32, rb, cb int, tb bool) ([]float64, int, int) {
	at := func(i, l int) float32 {
		if ta {
			return a[l*ca+i]
		}
		return a[i*ca+l]
	}
	bt := func(l, j int) float32 {
		if tb {
			return b[j*cb+l]
		}
		return b[l*cb+j]
	}
	m, k, n := ra, ca, cb
	if ta {
		m, k = ca, ra
	}
	if tb {
		n = rb
	}
	out := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for l := 0; l < k; l++ {
				s += float64(at(i, l)) * float64(bt(l, j))
			}
			out[i*n+j] = s
		}
	}
	return out, m, n
}

// TestGemm covers every transpose, every broadcast of C, alpha and beta,
// on shapes that take each path of product.run: a width that is not a
// whole number of tiles (through the scratch), whole tiles with a partial
// panel of rows left, split by rows and by columns, serial and across
// workers.
func TestGemm(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	shapes := [][3]int{{5, 7, 3}, {13, 20, 32}, {7, 9, 64}, {50, 300, 64}, {8, 300, 160}}
	for _, sh := range shapes {
		testGemm(t, r, sh[0], sh[1], sh[2])
	}
	t.Run("split", func(t *testing.T) {
		splitAll(t)
		for _, sh := range shapes {
			testGemm(t, r, sh[0], sh[1], sh[2])
		}
	})
}

func testGemm(t *testing.T, r *rand.Rand, m, k, n int) {
	for _, ta := range []bool{false, true} {
		for _, tb := range []bool{false, true} {
			for _, cShape := range [][]int{nil, {}, {n}, {1, n}, {m, 1}, {m, n}} {
				for _, dyn := range [][]int{nil, {1, 2}} {
					aShape, bShape := []int{m, k}, []int{k, n}
					if ta {
						aShape = []int{k, m}
					}
					if tb {
						bShape = []int{n, k}
					}
					a, b := randT(r, aShape...), randT(r, bShape...)
					var c *Tensor
					if cShape != nil {
						c = randT(r, cShape...)
					}
					alpha, beta := float32(0.5), float32(2)
					attrs := importer.Attributes{"alpha": alpha, "beta": beta, "transA": int64(b2i(ta)), "transB": int64(b2i(tb))}
					in := []*Tensor{a, b}
					if c != nil {
						in = append(in, c)
					}
					got, err := runOp(13, "Gemm", attrs, dyn, in...)
					if err != nil {
						t.Fatalf("transA=%v transB=%v C %v: %v", ta, tb, cShape, err)
					}
					ab, _, _ := matRef(a.Data, aShape[0], aShape[1], ta, b.Data, bShape[0], bShape[1], tb)
					want := make([]float32, m*n)
					for i := 0; i < m; i++ {
						for j := 0; j < n; j++ {
							v := float64(alpha) * ab[i*n+j]
							if c != nil {
								v += float64(beta) * float64(c.Data[ravelBroadcast([]int{i, j}, cShape)])
							}
							want[i*n+j] = float32(v)
						}
					}
					assertClose(t, "Gemm", got, []int{m, n}, want, 1e-5)
				}
			}
		}
	}
}

// TestGemmLarge splits its products across workers
// (and, for the widest, to go through gonum's own parallel path).
func TestGemmLarge(t *testing.T) {
	splitAll(t)
	r := rand.New(rand.NewPCG(5, 7))
	for _, dims := range [][3]int{{64, 300, 100}, {64, 784, 256}, {3, 500, 70}} {
		m, k, n := dims[0], dims[1], dims[2]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				aShape, bShape := []int{m, k}, []int{k, n}
				if ta {
					aShape = []int{k, m}
				}
				if tb {
					bShape = []int{n, k}
				}
				a, b, c := randT(r, aShape...), randT(r, bShape...), randT(r, n)
				attrs := importer.Attributes{"transA": int64(b2i(ta)), "transB": int64(b2i(tb))}
				got, err := runOp(13, "Gemm", attrs, nil, a, b, c)
				if err != nil {
					t.Fatal(err)
				}
				ab, _, _ := matRef(a.Data, aShape[0], aShape[1], ta, b.Data, bShape[0], bShape[1], tb)
				want := make([]float32, m*n)
				for i := range want {
					want[i] = float32(ab[i] + float64(c.Data[i%n]))
				}
				// Float32 sums of up to 784 terms: allow 1e-4.
				assertClose(t, "Gemm", got, []int{m, n}, want, 1e-4)
			}
		}
	}
}

func TestGemmErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	_, err := runOp(13, "Gemm", importer.Attributes{"transB": int64(1)}, nil, randT(r, 3, 785), randT(r, 256, 784))
	assertErr(t, err, `"node0"`, "Gemm", "[3 785]", "[256 784]", "785", "784")
	_, err = runOp(13, "Gemm", nil, nil, randT(r, 3, 4), randT(r, 4, 5), randT(r, 2, 5))
	assertErr(t, err, "node0", "Gemm", "[2 5]", "[3 5]")
	_, err = runOp(13, "Gemm", nil, nil, randT(r, 3, 4, 1), randT(r, 4, 5))
	assertErr(t, err, "node0", "Gemm", "[3 4 1]")
}

func TestMatMul(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	cases := []struct{ a, b, out []int }{
		{[]int{3, 4}, []int{4, 5}, []int{3, 5}},
		{[]int{4}, []int{4, 5}, []int{5}},
		{[]int{3, 4}, []int{4}, []int{3}},
		{[]int{4}, []int{4}, []int{}},
		{[]int{2, 3, 4}, []int{4, 5}, []int{2, 3, 5}},
		{[]int{2, 3, 4}, []int{2, 4, 5}, []int{2, 3, 5}},
		{[]int{2, 1, 3, 4}, []int{3, 4, 5}, []int{2, 3, 3, 5}},
		{[]int{3, 4}, []int{2, 4, 5}, []int{2, 3, 5}},
		{[]int{4}, []int{2, 4, 3}, []int{2, 3}},
		{[]int{4, 16, 200}, []int{200, 90}, []int{4, 16, 90}},
	}
	for _, c := range cases {
		for _, dyn := range [][]int{nil, {1}} {
			a, b := randT(r, c.a...), randT(r, c.b...)
			got, err := runOp(13, "MatMul", nil, dyn, a, b)
			if err != nil {
				t.Fatalf("%v x %v: %v", c.a, c.b, err)
			}
			// Reference: promote 1-D operands, broadcast the batch axes
			// by multi-index, and multiply each pair naively.
			as, bs := c.a, c.b
			if len(as) == 1 {
				as = []int{1, as[0]}
			}
			if len(bs) == 1 {
				bs = []int{bs[0], 1}
			}
			la, lb := as[:len(as)-2], bs[:len(bs)-2]
			lead := make([]int, max(len(la), len(lb)))
			for i := range lead {
				lead[i] = max(dimAt(la, i, len(lead)), dimAt(lb, i, len(lead)))
			}
			m, k, n := as[len(as)-2], as[len(as)-1], bs[len(bs)-1]
			var want []float32
			for bi := 0; bi < numel(lead); bi++ {
				idx := unravel(bi, lead)
				pa, pb := ravelBroadcast(idx, la)*m*k, ravelBroadcast(idx, lb)*k*n
				p, _, _ := matRef(a.Data[pa:pa+m*k], m, k, false, b.Data[pb:pb+k*n], k, n, false)
				for _, v := range p {
					want = append(want, float32(v))
				}
			}
			assertClose(t, "MatMul", got, c.out, want, 1e-5)
		}
	}
	_, err := runOp(13, "MatMul", nil, nil, randT(r, 2, 3, 4), randT(r, 5, 6))
	assertErr(t, err, "node0", "MatMul", "[2 3 4]", "[5 6]")
	_, err = runOp(13, "MatMul", nil, []int{1}, randT(r, 2, 3, 4), randT(r, 3, 4, 6))
	assertErr(t, err, "node0", "MatMul", "[2 3 4]", "[3 4 6]")
}
