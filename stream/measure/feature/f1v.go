package feature

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// F1vPairs returns 1/(1+dF) for every pair of classes (a, b), a < b in the
// order of m.Labels, lexicographically (ECoL's one-versus-one order), where
// dF is the directional-vector Fisher ratio (Malina 2001; Lorena et al.
// 2019, eq. 3-4):
//
//	dF = (dᵀ B d) / (dᵀ W d),   d = W⁺ (μ_a - μ_b),   B = (μ_a - μ_b)(μ_a - μ_b)ᵀ,
//	W = (n_a/n) Σ_a + (n_b/n) Σ_b,   n = n_a + n_b,
//
// with Σ_c the sample covariance of class c (denominator n_c - 1, R's cov)
// and W⁺ the Moore-Penrose pseudo-inverse, singular values below
// √ε·s_max dropped (MASS::ginv, as ECoL). A pair with a class of fewer than
// 2 points, or with dᵀWd = 0, gives NaN.
//
// It needs co-moments (NewMoments(dim, true)) and panics without
// them. Memory: O(d²) beyond m; time O(k²d³) for k classes.
func F1vPairs(m *Moments) []float64 {
	if !m.comom {
		panic("feature: F1v needs Moments with co-moments")
	}
	cl := m.sorted()
	d := m.dim
	var out []float64
	for a := 0; a < len(cl); a++ {
		for b := a + 1; b < len(cl); b++ {
			ca, cb := cl[a], cl[b]
			if ca.N < 2 || cb.N < 2 {
				out = append(out, math.NaN())
				continue
			}
			n := float64(ca.N + cb.N)
			wa := float64(ca.N) / n / float64(ca.N-1)
			wb := float64(cb.N) / n / float64(cb.N-1)
			w := mat.NewSymDense(d, nil)
			for i := range d {
				for j := i; j < d; j++ {
					w.SetSym(i, j, wa*ca.c[i*d+j]+wb*cb.c[i*d+j])
				}
			}
			delta := mat.NewVecDense(d, nil)
			for j := range d {
				delta.SetVec(j, ca.Mean[j]-cb.Mean[j])
			}
			dv := featPinvMul(w, delta)
			if dv == nil {
				out = append(out, math.NaN())
				continue
			}
			num := mat.Dot(dv, delta)
			num *= num
			var wd mat.VecDense
			wd.MulVec(w, dv)
			den := mat.Dot(dv, &wd)
			out = append(out, 1/(1+num/den))
		}
	}
	return out
}

// F1v returns the directional-vector Fisher ratio over one-versus-one pairs
// in ECoL's published form,
//
//	F1v = 1 / (1 + mean_pairs dF),
//
// with dF of each pair as in F1vPairs: ECoL's c.F1v gives 1/(1+dF) per pair
// and its test of the multiclass value averages the dF (iris:
// 0.009504561). The mean of F1vPairs, ECoL's default summary, is not the
// same number. Pairs with NaN are skipped; NaN if all are. Memory and
// requirements as F1vPairs.
func F1v(m *Moments) float64 {
	var s float64
	var k int
	for _, v := range F1vPairs(m) {
		if math.IsNaN(v) {
			continue
		}
		s += 1/v - 1
		k++
	}
	if k == 0 {
		return math.NaN()
	}
	return 1 / (1 + s/float64(k))
}

// featPinvMul returns W⁺v for a symmetric W, with MASS::ginv's cut-off: the
// singular values s_i ≤ √ε·s_1 are dropped. For a symmetric matrix the
// singular values are the absolute eigenvalues and the singular vectors
// the eigenvectors, so a symmetric eigendecomposition gives the same
// pseudo-inverse as ginv's SVD at about a third of the work. It returns
// nil if the decomposition fails.
func featPinvMul(w *mat.SymDense, v *mat.VecDense) *mat.VecDense {
	var eig mat.EigenSym
	if !eig.Factorize(w, true) {
		return nil
	}
	lambda := eig.Values(nil)
	var q mat.Dense
	eig.VectorsTo(&q)
	top := 0.0
	for _, l := range lambda {
		top = math.Max(top, math.Abs(l))
	}
	tol := math.Sqrt(0x1p-52) * top
	// W⁺v = Q diag(1/λ) Qᵀ v over the kept eigenvalues.
	var qtv mat.VecDense
	qtv.MulVec(q.T(), v)
	for i, l := range lambda {
		if math.Abs(l) > tol {
			qtv.SetVec(i, qtv.AtVec(i)/l)
		} else {
			qtv.SetVec(i, 0)
		}
	}
	var out mat.VecDense
	out.MulVec(&q, &qtv)
	return &out
}
