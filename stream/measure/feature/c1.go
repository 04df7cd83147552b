package feature

import "math"

// C1 returns the entropy of the class proportions, normalised by its
// maximum (Lorena et al. 2019, eq. 25; ECoL's C1):
//
//	C1 = -1/ln(k) · Σ_c p_c ln p_c,   p_c = n_c / n,
//
// over the k classes with at least one point. It is 1 for balanced classes
// and falls towards 0 as one class dominates. (ECoL 0.3 returns this value,
// its tests give 1 on iris; a later development version renamed it B1 and
// returns 1 - C1, so that larger means more complex.) Multiclass: native.
// NaN with fewer than two classes. Memory: O(1) beyond counts, which
// Moments.Counts gives.
func C1(counts []int64) float64 {
	n, k := classTotals(counts)
	if k < 2 {
		return math.NaN()
	}
	var h float64
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log(p)
		}
	}
	return h / math.Log(float64(k))
}
