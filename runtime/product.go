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
	p      []float32 // scratch for the rows of the product the kernel cannot write in place
}

// direct reports a product whose tiles the kernel writes into y itself:
// one whose width is a whole number of tiles. Only the last, partial
// panel of rows then goes through the scratch; otherwise all of it does.
func direct(n int) bool { return n%gemmkernel.NR == 0 }

// reserve sizes the buffers for an m×n product over k, checked against
// the budget; run then allocates nothing. With constB, B is an
// initializer, and its packed copy counts as weights (see reserveFor).
func (pr *product) reserve(m, n, k int, constB bool) error {
	if m == 0 || n == 0 || k == 0 {
		return nil
	}
	mp := gemmkernel.RoundUp(m, gemmkernel.MR)
	np := gemmkernel.RoundUp(n, gemmkernel.NR)
	if checkedNumel([]int{mp, max(k, np)}) < 0 || checkedNumel([]int{np, k}) < 0 {
		return &BudgetError{What: "matrix product scratch", Shape: []int{m, n, k}, Need: math.MaxInt64}
	}
	scratch := mp * np
	if direct(n) {
		scratch = gemmkernel.MR * np
	}
	for _, b := range []struct {
		buf     *[]float32
		n       int
		what    string
		weights bool
	}{{&pr.ap, mp * k, "packed A", false}, {&pr.bp, np * k, "packed B", constB}, {&pr.p, scratch, "product scratch", false}} {
		if _, err := reserveFor(pr.m, b.buf, b.n, b.what, nil, b.weights); err != nil {
			return err
		}
	}
	return nil
}

// run sets the m×n matrix y to alpha·A'·B', or with add adds that to it,
// where A' is A or Aᵀ (A has row stride lda) and likewise B'. With
// constB, B is an initializer: it is packed on the first call only.
//
// The work is split across workers by the longer of the two panel counts:
// a batch of 64 rows has 11 row panels, a wide layer many column panels.
// Split by rows, each worker packs its own panels of A. When the width is
// a whole number of tiles (direct), the kernel writes the full row panels
// into y (adding to it with add) and only the last, partial one goes
// through the scratch; otherwise every row does.
func (pr *product) run(workers int, tA, tB, constB, add bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, y []float32) {
	if m == 0 || n == 0 || k == 0 {
		if !add {
			clear(y[:m*n])
		}
		return
	}
	mp := gemmkernel.RoundUp(m, gemmkernel.MR)
	np := gemmkernel.RoundUp(n, gemmkernel.NR)
	if !constB || !pr.bReady {
		pr.bp = gemmkernel.PackB(pr.bp, b, k, n, ldb, tB)
		pr.bReady = constB
	}
	dir := direct(n)
	full := m // rows the kernel writes into y
	if !dir {
		full = 0
	} else {
		full -= m % gemmkernel.MR
	}
	p := pr.p
	// When direct, alpha goes into the packed A (scale); otherwise flush
	// applies it.
	fa := alpha
	if dir {
		fa = 1
	}
	// flush moves rows [i0, i1) of the product from the scratch, whose row
	// 0 is product row base, into y.
	flush := func(i0, i1, base int) {
		for i := i0; i < i1; i++ {
			yi, pi := y[i*n:(i+1)*n], p[(i-base)*np:(i-base)*np+n]
			switch {
			case add:
				for j := range yi {
					yi[j] += fa * pi[j]
				}
			case fa == 1:
				copy(yi, pi)
			default:
				for j := range yi {
					yi[j] = fa * pi[j]
				}
			}
		}
	}
	// scale makes the kernel's own product alpha·A·B: the packed A is
	// scaled (Gemm's alpha; 1 for MatMul).
	scale := func(ap []float32) {
		if alpha != 1 && dir {
			for i := range ap {
				ap[i] *= alpha
			}
		}
	}
	rows, cols := mp/gemmkernel.MR, np/gemmkernel.NR
	tileCost := k * gemmkernel.MR * gemmkernel.NR
	if rows >= cols {
		ap := pr.ap[:mp*k] // sized by reserve
		parallelFor(rows, splitFor(rows, cols*tileCost, workers), func(_, lo, hi int) {
			r0, r1 := lo*gemmkernel.MR, hi*gemmkernel.MR
			src := a[r0*lda:]
			if tA {
				src = a[r0:]
			}
			apw := ap[r0*k : r1*k]
			gemmkernel.PackA(apw, src, min(r1, m)-r0, k, lda, tA)
			scale(apw)
			// The full panels into y, the rest through the scratch: the
			// one partial panel when direct (its worker alone uses the
			// scratch), every panel otherwise (each at its own rows).
			if f := min(r1, full); f > r0 {
				gemmkernel.GemmPackedAdd(f-r0, np, k, apw, pr.bp, y[r0*n:], n, 0, cols, add)
			}
			for q := max(r0, full); q < min(r1, mp); q += gemmkernel.MR {
				base := q
				if !dir {
					base = 0
				}
				gemmkernel.GemmPacked(gemmkernel.MR, np, k, ap[q*k:(q+gemmkernel.MR)*k], pr.bp, p[(q-base)*np:], np, 0, cols)
				flush(q, min(q+gemmkernel.MR, m), base)
			}
		})
		return
	}
	pr.ap = gemmkernel.PackA(pr.ap, a, m, k, lda, tA)
	scale(pr.ap)
	w := splitFor(cols, rows*tileCost, workers)
	parallelFor(cols, w, func(_, lo, hi int) {
		if full > 0 {
			gemmkernel.GemmPackedAdd(full, np, k, pr.ap, pr.bp, y, n, lo, hi, add)
		}
		if full < m {
			base := full
			if !dir {
				base = 0
			}
			gemmkernel.GemmPacked(mp-full, np, k, pr.ap[full*k:], pr.bp, p[(full-base)*np:], np, lo, hi)
		}
	})
	if full < m {
		base := full
		if !dir {
			base = 0
		}
		parallelFor(m-full, min(w, splitFor(m-full, n, workers)), func(_, lo, hi int) { flush(full+lo, full+hi, base) })
	}
}
