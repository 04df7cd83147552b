package project

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"cxray/stream/measure"
	"cxray/stream/measure/feature"
)

// Kinds of Map, as recorded in the params of every projected row.
const (
	// JL is New's data-independent sparse
	// Johnson–Lindenstrauss map.
	JL = "achlioptas-sparse"
	// HashedJL is New's map when its matrix would be too large to
	// store: Kane and Nelson's sparse Johnson–Lindenstrauss map, its
	// entries hashed from the seed.
	HashedJL = "kane-nelson-hashed"
	// PCAJL is Fit's map: principal directions of a
	// basis sample, plus a Johnson–Lindenstrauss map of what they leave.
	PCAJL = "pca+jl"
)

// BasisRows is the number of leading points Fit should be given
// for a projection to k dimensions: 2k, so that the top k−k/8 principal
// directions are estimated from twice as many points.
func BasisRows(k int) int { return 2 * k }

// FitBytes bounds the workspace Fit uses, besides its input and
// the d·k float32 of the Map it returns, on n = BasisRows(k) points
// of dimension d. It counts every buffer as if all were live at once, in
// float64 unless noted: the centred points and their mean (n·d + d), their
// Gram matrix (n²), the subspace iteration's two blocks (2·l·n, l = p +
// 16) and its l×l matrices (Gram, Cholesky factors, Rayleigh–Ritz,
// eigenvectors, gonum's and LAPACK's copies and work: 12·l²), the
// eigenvectors (p·n), the directions (p·d), and
// the Johnson–Lindenstrauss columns (d·(k−p) float32 drawn, d·(k−p)
// float64 corrected) with their products (p·(k−p)); plus 64 KiB for the
// matrix products' per-goroutine scratch. TestFitBytes checks it against
// what the Go heap allocates.
func FitBytes(d, k int) int64 {
	n, p := int64(BasisRows(k)), int64(k-max(1, k/8))
	l := p + 16
	dd, kk := int64(d), int64(k)
	f64 := n*dd + dd + n*n + 2*l*n + 12*l*l + p*n + p*dd + dd*(kk-p) + p*(kk-p)
	return 8*f64 + 4*dd*(kk-p) + 1<<16
}

// Fit returns a projection from d to k dimensions adapted to the
// points rows (n×d, row-major; typically the first BasisRows(k) points of
// the stream), with a Johnson–Lindenstrauss part drawn from seed.
//
// The map is f(x) = [Ux ; Rᵀ(I − UᵀU)x]: U (p×d, orthonormal rows) holds
// the top p = k − k/8 principal directions of the rows (fewer if the rows
// span fewer), and R (d×(k−p)) is New's sparse Achlioptas matrix
// for k−p dimensions. For any two points,
//
//	‖f(x) − f(y)‖² = ‖U(x−y)‖² + ‖Rᵀ(I − P)(x−y)‖²,  P = UᵀU,
//
// the first term exact and the second an unbiased estimate of
// ‖(I − P)(x−y)‖², so f preserves every squared distance in expectation,
// whatever the rows were, and its distortion is that of a k−p-dimensional
// Johnson–Lindenstrauss map on the part of x−y outside the principal
// subspace only. Network activations concentrate in few directions: on the
// wide layers of the bundled LeNet-5 the basis from the first 512 MNIST
// test images leaves 0.1% to 3.5% of the variance of 2000 images outside
// it, so the relative noise on squared distances falls from about 8.8%
// (a plain map to 256 dimensions) to under 1%, and N1 of the projected
// points is within 0.006 of exact on every layer over three seeds, where
// a plain map, even bias-corrected, errs by up to 0.019
// (TestLeNetBoundedAccuracy). The cost of adapting: the first rows must
// be held (n·d float32) until the map exists, and a stream whose first
// rows are not representative gets a basis that captures less, which
// degrades f toward a k−p-dimensional plain map, never below it in
// expectation. Activations share most directions across classes, so this
// is mild: with the same 2000 images sorted by label (the basis then sees
// only digits 0 to 2), a numpy prototype of this map still held 94% to
// 99.8% of the variance of all 2000 and kept N1 within 0.0095 of exact
// on five wide layers, where a Gaussian map to 256 dimensions erred by up
// to 0.024.
//
// Captured() reports the fraction of the rows' variance inside the
// principal subspace. f is linear, so centring plays no part in
// distances; U is computed from the centred rows, through the n×n Gram
// matrix: O(n²·d) time, and FitBytes of workspace for n = BasisRows(k).
func Fit(rows []float32, n, d, k int, seed uint64) (*Map, error) {
	switch {
	case d <= 0 || k <= 0:
		return nil, fmt.Errorf("project: projection from %d to %d dimensions", d, k)
	case n < 1 || len(rows) < n*d:
		return nil, fmt.Errorf("project: fitting a projection needs at least 1 point of dimension %d, have %d values", d, len(rows))
	}
	if err := measure.CheckFinite(rows[:n*d], d, 0); err != nil {
		return nil, err
	}
	u, captured := principalDirections(rows[:n*d], n, d, k-max(1, k/8), seed)
	p := len(u) / d
	jl := newStored(d, k-p, seed)

	// Residual columns: R − Uᵀ(U R), the Johnson–Lindenstrauss map of
	// (I − P)x, since (I − P) is symmetric.
	res := make([]float64, d*(k-p))
	for i, v := range jl.r {
		res[i] = float64(v)
	}
	if p > 0 {
		ur := make([]float64, p*(k-p))
		U := blas64.General{Rows: p, Cols: d, Stride: d, Data: u}
		R := blas64.General{Rows: d, Cols: k - p, Stride: k - p, Data: res}
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, U, R, 0, blas64.General{Rows: p, Cols: k - p, Stride: k - p, Data: ur})
		blas64.Gemm(blas.Trans, blas.NoTrans, -1, U, blas64.General{Rows: p, Cols: k - p, Stride: k - p, Data: ur}, 1, R)
	}

	pr := &Map{d: d, k: k, seed: seed, kind: PCAJL, pcaDims: p, basisRows: n, captured: captured}
	pr.r = make([]float32, d*k)
	for j := range d {
		row := pr.r[j*k : (j+1)*k]
		for i := range p {
			row[i] = float32(u[i*d+j])
		}
		for c := range k - p {
			row[p+c] = float32(res[j*(k-p)+c])
		}
	}
	return pr, nil
}

// principalDirections returns up to p orthonormal principal directions of
// the n rows of x (p×d, row-major, largest variance first) and the
// fraction of the rows' variance they hold. Directions whose variance is
// below 1e-9 of the largest are left out: they are rounding, and the
// Johnson–Lindenstrauss part covers whatever they would have held.
func principalDirections(x []float32, n, d, p int, seed uint64) ([]float64, float64) {
	p = min(p, n-1, d)
	if p <= 0 {
		return nil, 0
	}
	// Xc, the centred rows in float64, and its n×n Gram matrix XcXcᵀ,
	// whose eigenvectors v give the directions u = Xcᵀv/√λ.
	mu := feature.Of(x[:n*d], d, feature.Mean).Mean
	xc := make([]float64, n*d)
	for i := range n {
		for j, v := range x[i*d : (i+1)*d] {
			xc[i*d+j] = float64(v) - mu[j]
		}
	}
	X := blas64.General{Rows: n, Cols: d, Stride: d, Data: xc}
	gram := outerProduct(X)
	lambda, vecs := topEigen(gram, n, p, seed)
	var total float64
	for i := range n {
		total += gram[i*n+i] // the trace, Σ of all eigenvalues
	}
	if len(lambda) == 0 || !(lambda[0] > 0) || !(total > 0) {
		return nil, 0
	}
	kept := 0
	var held float64
	for kept < len(lambda) && lambda[kept] > 1e-9*lambda[0] {
		held += lambda[kept]
		kept++
	}
	// The kept eigenvectors, each scaled by 1/√λ, give the rows
	// u = vᵀXc/√λ, orthonormal up to rounding without further work: Ritz
	// vectors diagonalise the Gram matrix, v_iᵀ·XcXcᵀ·v_j = λ_i δ_ij
	// (checked by TestFitSubspace).
	for q := range kept {
		blas64.Scal(1/math.Sqrt(lambda[q]), blas64.Vector{N: n, Inc: 1, Data: vecs[q*n : (q+1)*n]})
	}
	u := make([]float64, kept*d)
	blas64.Gemm(blas.NoTrans, blas.NoTrans, 1,
		blas64.General{Rows: kept, Cols: n, Stride: n, Data: vecs[:kept*n]}, X,
		0, blas64.General{Rows: kept, Cols: d, Stride: d, Data: u})
	return u, held / total
}
