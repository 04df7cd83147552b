package measure

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// F1Features returns, for every feature f, 1/(1+r_f) with Fisher's
// discriminant ratio
//
//	r_f = Σ_c n_c (μ_cf - μ_f)² / Σ_c Σ_{i∈c} (x_if - μ_cf)²
//
// over the classes c with n_c points and feature means μ_cf, μ_f the mean of
// all points (Lorena et al. 2019, eq. 1-2; ECoL's c.F1 before its summary).
// Multiclass: native, every class enters the sums. A constant feature gives
// NaN; one that is constant within every class but
// differs between them has r_f = +Inf and gives 0. It reads m only: O(d)
// beyond m.
func F1Features(m *FeatureMoments) []float64 {
	out := make([]float64, m.dim)
	if m.points == 0 {
		for j := range out {
			out[j] = math.NaN()
		}
		return out
	}
	mu := m.grandMean()
	for j := range out {
		var num, den float64
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, c := range m.class {
			dm := c.mean[j] - mu[j]
			num += float64(c.n) * dm * dm
			den += c.m2[j]
			lo, hi = math.Min(lo, c.min[j]), math.Max(hi, c.max[j])
		}
		if lo == hi {
			// A constant feature (a dead unit, an image border) carries no
			// information; its class means can still differ from the grand
			// mean by a rounding error, which over den = 0 would read as a
			// perfectly separating feature.
			out[j] = math.NaN()
			continue
		}
		out[j] = 1 / (1 + num/den)
	}
	return out
}

// F1 returns the maximum Fisher's discriminant ratio in the survey's form,
//
//	F1 = 1 / (1 + max_f r_f) = min_f F1Features(m)_f,
//
// with r_f as in F1Features (Lorena et al. 2019, eq. 2; Ho and Basu 2002
// take max r_f itself). ECoL returns the per-feature values and summarises
// them by their mean by default; its test of the survey form computes
// 1/(1+max r), which F1 is (iris: 0.05862828). Features with NaN are
// skipped; NaN if all are. Values near 0: one feature separates the classes
// well. Multiclass: native. Memory: O(d) beyond m.
func F1(m *FeatureMoments) float64 {
	best := math.NaN()
	for _, v := range F1Features(m) {
		if math.IsNaN(v) {
			continue
		}
		if math.IsNaN(best) || v < best {
			best = v
		}
	}
	return best
}

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
// It needs co-moments (NewFeatureMoments(dim, true)) and panics without
// them. Memory: O(d²) beyond m; time O(k²d³) for k classes.
func F1vPairs(m *FeatureMoments) []float64 {
	if !m.comom {
		panic("measure: F1v needs FeatureMoments with co-moments")
	}
	cl := m.sorted()
	d := m.dim
	var out []float64
	for a := 0; a < len(cl); a++ {
		for b := a + 1; b < len(cl); b++ {
			ca, cb := cl[a], cl[b]
			if ca.n < 2 || cb.n < 2 {
				out = append(out, math.NaN())
				continue
			}
			n := float64(ca.n + cb.n)
			wa := float64(ca.n) / n / float64(ca.n-1)
			wb := float64(cb.n) / n / float64(cb.n-1)
			w := mat.NewSymDense(d, nil)
			for i := range d {
				for j := i; j < d; j++ {
					w.SetSym(i, j, wa*ca.c[i*d+j]+wb*cb.c[i*d+j])
				}
			}
			delta := mat.NewVecDense(d, nil)
			for j := range d {
				delta.SetVec(j, ca.mean[j]-cb.mean[j])
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
func F1v(m *FeatureMoments) float64 {
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

// F2Pairs returns the volume of the overlapping region for every pair of
// classes (a, b), in the order of F1vPairs (Ho and Basu 2002; Lorena et al.
// 2019, eq. 5):
//
//	F2 = Π_f max(0, minmax_f - maxmin_f) / (maxmax_f - minmin_f),
//
// minmax_f = min(max_af, max_bf), maxmin_f = max(min_af, min_bf),
// maxmax_f = max(max_af, max_bf), minmin_f = min(min_af, min_bf). A feature
// with zero range in the pair (0/0) is left out of the product, as ECoL's
// prod(na.rm=TRUE). Memory: O(k²) beyond m.
func F2Pairs(m *FeatureMoments) []float64 {
	cl := m.sorted()
	var out []float64
	for a := 0; a < len(cl); a++ {
		for b := a + 1; b < len(cl); b++ {
			ca, cb := cl[a], cl[b]
			p := 1.0
			for j := range m.dim {
				minmax := math.Min(ca.max[j], cb.max[j])
				maxmin := math.Max(ca.min[j], cb.min[j])
				maxmax := math.Max(ca.max[j], cb.max[j])
				minmin := math.Min(ca.min[j], cb.min[j])
				r := math.Max(0, minmax-maxmin) / (maxmax - minmin)
				if !math.IsNaN(r) {
					p *= r
				}
			}
			out = append(out, p)
		}
	}
	return out
}

// F2 returns the mean of F2Pairs over the one-versus-one pairs of classes,
// ECoL's multiclass form (iris: 0.006381766). NaN with fewer than two
// classes. Values near 0: on some feature the classes do not overlap.
// Memory: O(k²) beyond m.
func F2(m *FeatureMoments) float64 {
	return featMean(F2Pairs(m))
}

// featMean returns the mean of v, NaN if v is empty.
func featMean(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
