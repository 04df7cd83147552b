package project

import (
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// basisStream separates the random start of the subspace iteration from
// the projection's own stream.
const basisStream = 0xba515eed0000f17

// topEigen returns the p largest eigenvalues of the symmetric n×n matrix
// g (row-major, full), largest first, and their eigenvectors as the rows
// of a p×n matrix, by subspace iteration (Halko, Martinsson and
// Tropp 2011, Algorithm 4.4, with Rayleigh–Ritz): a random start of
// p + 16 columns, multiplied by g and re-orthonormalised four times. A
// full eigendecomposition costs O(n³) with a large constant (0.7 s at
// n = 512, 5.5 s at n = 1024 here); this costs O(n²·p) per iteration.
// The leading directions converge first; where the trailing ones are
// off, Fit's Johnson–Lindenstrauss part measures what they miss,
// so distances stay unbiased either way.
func topEigen(g []float64, n, p int, seed uint64) ([]float64, []float64) {
	l := min(n, p+16)
	rng := rand.New(rand.NewPCG(seed, basisStream))
	// The basis is kept as the rows of q (l×n); g is symmetric, so the
	// rows of q·g are those of g·qᵀ.
	q := make([]float64, l*n)
	for i := range q {
		q[i] = rng.NormFloat64()
	}
	G := blas64.General{Rows: n, Cols: n, Stride: n, Data: g}
	gq := make([]float64, l*n)
	mul := func(dst, src []float64) {
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, blas64.General{Rows: l, Cols: n, Stride: n, Data: src}, G,
			0, blas64.General{Rows: l, Cols: n, Stride: n, Data: dst})
	}
	var orth rowOrthonormalizer
	for range 4 {
		orth.apply(q, l, n)
		mul(gq, q)
		q, gq = gq, q
	}
	orth.apply(q, l, n)
	// Rayleigh–Ritz: the eigenpairs of T = Q·g·Qᵀ (l×l) give those of g
	// on the span of the rows of Q.
	mul(gq, q)
	t := make([]float64, l*l)
	blas64.Gemm(blas.NoTrans, blas.Trans, 1, blas64.General{Rows: l, Cols: n, Stride: n, Data: gq},
		blas64.General{Rows: l, Cols: n, Stride: n, Data: q}, 0, blas64.General{Rows: l, Cols: l, Stride: l, Data: t})
	ts := mat.NewSymDense(l, nil)
	for i := range l {
		for j := i; j < l; j++ {
			ts.SetSym(i, j, (t[i*l+j]+t[j*l+i])/2)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(ts, true) {
		return nil, nil
	}
	vals := eig.Values(nil) // ascending
	var w mat.Dense
	eig.VectorsTo(&w)
	p = min(p, l)
	lambda := make([]float64, p)
	vecs := make([]float64, p*n)
	for c := range p {
		col := l - 1 - c
		lambda[c] = vals[col]
		v := blas64.Vector{N: n, Inc: 1, Data: vecs[c*n : (c+1)*n]}
		for i := range l {
			blas64.Axpy(w.At(i, col), blas64.Vector{N: n, Inc: 1, Data: q[i*n : (i+1)*n]}, v)
		}
	}
	return lambda, vecs
}

// rowOrthonormalizer makes the p rows of a p×d matrix orthonormal,
// spanning the same space: Cholesky QR twice (CholQR2; Yamamoto et al.
// 2015), all in level-3 BLAS, u ← L⁻¹u with LLᵀ = uuᵀ. The second pass
// repairs what the first loses to the conditioning of uuᵀ. If uuᵀ is
// numerically singular, modified Gram–Schmidt, which is slower but does
// not break. Its p×p buffers are kept from call to call.
type rowOrthonormalizer struct {
	gram []float64
	chol mat.Cholesky
	low  mat.TriDense
}

func (o *rowOrthonormalizer) apply(u []float64, p, d int) {
	U := blas64.General{Rows: p, Cols: d, Stride: d, Data: u}
	if cap(o.gram) < p*p {
		o.gram = make([]float64, p*p)
	}
	g := o.gram[:p*p]
	for range 2 {
		blas64.Gemm(blas.NoTrans, blas.Trans, 1, U, U, 0, blas64.General{Rows: p, Cols: p, Stride: p, Data: g})
		if !o.chol.Factorize(mat.NewSymDense(p, g)) {
			gramSchmidtRows(u, p, d)
			return
		}
		o.chol.LTo(&o.low)
		blas64.Trsm(blas.Left, blas.NoTrans, 1, o.low.RawTriangular(), U)
	}
}

// outerProduct returns a·aᵀ, full and row-major. It is a general matrix
// product rather than a rank-k update (Syrk): twice the arithmetic, but
// gonum's Gemm is blocked and parallel and its Syrk is not, which makes
// Gemm several times faster here.
func outerProduct(a blas64.General) []float64 {
	c := make([]float64, a.Rows*a.Rows)
	blas64.Gemm(blas.NoTrans, blas.Trans, 1, a, a, 0, blas64.General{Rows: a.Rows, Cols: a.Rows, Stride: a.Rows, Data: c})
	return c
}

// gramSchmidtRows orthonormalises the rows of u by modified Gram–Schmidt,
// twice, dropping nothing: a row that is numerically dependent becomes
// rounding noise scaled to unit length, harmless in a basis whose
// missing directions the Johnson–Lindenstrauss part measures.
func gramSchmidtRows(u []float64, p, d int) {
	for range 2 {
		for i := range p {
			ri := blas64.Vector{N: d, Inc: 1, Data: u[i*d : (i+1)*d]}
			for j := range i {
				rj := blas64.Vector{N: d, Inc: 1, Data: u[j*d : (j+1)*d]}
				blas64.Axpy(-blas64.Dot(ri, rj), rj, ri)
			}
			if norm := blas64.Nrm2(ri); norm > 0 {
				blas64.Scal(1/norm, ri)
			}
		}
	}
}
