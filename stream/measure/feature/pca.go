package feature

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// PCAComponents returns the number of principal components needed to
// explain the fraction frac of the variance of all points: the smallest m'
// with Σ_{i≤m'} λ_i / Σ_i λ_i ≥ frac, λ the eigenvalues of the covariance
// matrix of the points (centred, not scaled, as R's prcomp), largest first.
// As ECoL, which reads the cumulative proportions from summary.prcomp, the
// proportions are first rounded to 5 decimals, and m' counts those below
// frac, plus one. The covariance comes from the per-class co-moments,
//
//	C = Σ_c [C_c + n_c (μ_c - μ)(μ_c - μ)ᵀ],
//
// so the points are not needed; it panics if m keeps no co-moments.
// Memory: O(d²) beyond m; time O(d³).
func PCAComponents(m *Moments, frac float64) int {
	if !m.comom {
		panic("feature: PCAComponents needs Moments with co-moments")
	}
	d := m.dim
	if m.points == 0 {
		return 0
	}
	mu := m.grandMean()
	c := mat.NewSymDense(d, nil)
	dev := make([]float64, d)
	for _, cl := range m.class {
		for j := range d {
			dev[j] = cl.Mean[j] - mu[j]
		}
		w := float64(cl.N)
		for i := range d {
			for j := i; j < d; j++ {
				c.SetSym(i, j, c.At(i, j)+cl.c[i*d+j]+w*dev[i]*dev[j])
			}
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(c, false) {
		return d
	}
	lambda := eig.Values(nil) // ascending
	var total float64
	for _, l := range lambda {
		total += math.Max(l, 0)
	}
	count := 1
	var cum float64
	for i := len(lambda) - 1; i > 0; i-- {
		cum += math.Max(lambda[i], 0)
		p := math.Round(cum/total*1e5) / 1e5
		if !(p < frac) {
			break
		}
		count++
	}
	return count
}

// T3T4 returns T3 and T4 from one PCA, the costly part (an
// eigendecomposition of the d×d covariance): m'/n and m'/d with
// m' = PCAComponents(m, 0.95). NaN before any point.
func T3T4(m *Moments) (t3, t4 float64) {
	if m.points == 0 {
		return math.NaN(), math.NaN()
	}
	c := float64(PCAComponents(m, 0.95))
	return c / float64(m.points), c / float64(m.dim)
}
