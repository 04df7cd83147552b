package neighbour

import (
	"errors"
	"math"
	"slices"
)

// TwoNN returns the intrinsic dimension of the points by the TwoNN
// estimator (Facco, d'Errico, Rodriguez and Laio, Sci. Rep. 7:12140,
// 2017), fitted as in the paper: with μ_i = r2_i/r1_i the ratio of the
// distances to the second and first nearest neighbours, sorted ascending,
// and the empirical CDF F(μ_(i)) = i/N, the slope of the least-squares line
// through the origin of -log(1-F(μ_(i))) against log μ_(i), over the
// first ⌊0.9·N⌋ points (the 10% largest μ are discarded):
//
//	d = Σ x_i y_i / Σ x_i²,  x_i = log μ_(i),  y_i = -log(1 - i/N)
//
// Points with r1 = 0 (duplicates) are left out, as μ is undefined for
// them; N counts the rest. Labels play no part.
//
// It fails when fewer than 3 points remain or every μ is 1.
// Memory: O(n).
func (nb *Neighbours) TwoNN() (float64, error) {
	mu := make([]float64, 0, nb.n)
	for i := range nb.n {
		if nb.d1[i] > 0 && !math.IsInf(nb.d2[i], 1) {
			mu = append(mu, nb.d2[i]/nb.d1[i])
		}
	}
	if len(mu) < 3 {
		return math.NaN(), errors.New("neighbour: TwoNN needs 3 points with a nonzero nearest-neighbour distance")
	}
	slices.Sort(mu)
	N := float64(len(mu))
	keep := int(math.Floor(0.9 * N))
	var sxy, sxx float64
	for i := range keep {
		x := math.Log(mu[i])
		y := -math.Log(1 - float64(i+1)/N)
		sxy += x * y
		sxx += x * x
	}
	if sxx == 0 {
		return math.NaN(), errors.New("neighbour: TwoNN undefined: every kept μ is 1")
	}
	return sxy / sxx, nil
}
