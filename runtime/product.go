package runtime

import (
	"math"

	gemmkernel "cxray/runtime/internal/kernel"
)

// product computes the matrix products of Gemm and MatMul with the
// register-tiled kernel that Conv uses, and owns its buffers, so that a
// stream of equal batches allocates nothing.
//
// The kernel replaced gonum's blas32.Sgemm here. On the three products of
// the 784-256-128-10 MLP at batch 64, in one session on 2 cores, it ran
// 165k samples/s, OpenBLAS through cgo 170k (85-90k when split across
// goroutines as gonum's needed) and gonum's pure-Go Sgemm 35k. It needs no
// cgo, and it gives the same results whichever BLAS the binary is built
// with.
type product struct {
	m      *meter
	ap     []float32 // A', packed by kernel.PackA
	bp     []float32 // B', packed by kernel.PackB
	bReady bool      // bp holds a constant B' from an earlier batch
	p      []float32 // the product, mp×np
}

// reserve sizes the buffers for an m×n product over k, checked against
// the budget; run then allocates nothing.
func (pr *product) reserve(m, n, k int) error {
	if m == 0 || n == 0 || k == 0 {
		return nil
	}
	mp := gemmkernel.RoundUp(m, gemmkernel.MR)
	np := gemmkernel.RoundUp(n, gemmkernel.NR)
	if checkedNumel([]int{mp, max(k, np)}) < 0 || checkedNumel([]int{np, k}) < 0 {
		return &BudgetError{What: "matrix product scratch", Shape: []int{m, n, k}, Need: math.MaxInt64}
	}
	for _, b := range []struct {
		buf  *[]float32
		n    int
		what string
	}{{&pr.ap, mp * k, "packed A"}, {&pr.bp, np * k, "packed B"}, {&pr.p, mp * np, "product scratch"}} {
		if _, err := reserve(pr.m, b.buf, b.n, b.what, nil); err != nil {
			return err
		}
	}
	return nil
}

// run adds alpha·A'·B' to the m×n matrix y, where A' is A or Aᵀ (A has
// row stride lda) and likewise B'. With constB, B is an initializer: it
// is packed on the first call only.
func (pr *product) run(workers int, tA, tB, constB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, y []float32) {
	if m == 0 || n == 0 || k == 0 {
		return
	}
	mp := gemmkernel.RoundUp(m, gemmkernel.MR)
	np := gemmkernel.RoundUp(n, gemmkernel.NR)
	if !constB || !pr.bReady {
		pr.bp = gemmkernel.PackB(pr.bp, b, k, n, ldb, tB)
		pr.bReady = constB
	}
	p := pr.p[:mp*np] // sized by reserve
	// Split the longer of the two panel counts across workers: a batch of
	// 64 rows has 11 row panels, a wide layer many column panels. Split by
	// rows, each worker packs its own panels of A and adds its own rows of
	// the product to y.
	rows, cols := mp/gemmkernel.MR, np/gemmkernel.NR
	tileCost := k * gemmkernel.MR * gemmkernel.NR
	addRows := func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			yi, pi := y[i*n:(i+1)*n], p[i*np:i*np+n]
			for j := range yi {
				yi[j] += alpha * pi[j]
			}
		}
	}
	if rows >= cols {
		ap := pr.ap[:mp*k] // sized by reserve
		parallelFor(rows, splitFor(rows, cols*tileCost, workers), func(_, lo, hi int) {
			r0, r1 := lo*gemmkernel.MR, hi*gemmkernel.MR
			src := a[r0*lda:]
			if tA {
				src = a[r0:]
			}
			gemmkernel.PackA(ap[r0*k:r1*k], src, min(r1, m)-r0, k, lda, tA)
			gemmkernel.GemmPacked(r1-r0, np, k, ap[r0*k:r1*k], pr.bp, p[r0*np:r1*np], np, 0, cols)
			addRows(r0, min(r1, m))
		})
		return
	}
	pr.ap = gemmkernel.PackA(pr.ap, a, m, k, lda, tA)
	w := splitFor(cols, rows*tileCost, workers)
	parallelFor(cols, w, func(_, lo, hi int) {
		gemmkernel.GemmPacked(mp, np, k, pr.ap, pr.bp, p, np, lo, hi)
	})
	parallelFor(m, min(w, splitFor(m, n, workers)), func(_, lo, hi int) { addRows(lo, hi) })
}
