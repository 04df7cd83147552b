package measure

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
// FeatureMoments.Counts gives.
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

// C2 returns the imbalance measure of Lorena et al. (2019, eq. 26-27), as
// ECoL computes it, from the multiclass imbalance ratio of Tanwani and
// Farooq (2010):
//
//	IR = (k-1)/k · Σ_c n_c / (n - n_c),   C2 = 1 - 1/IR,
//
// over the k classes with at least one point. It is 0 for balanced classes
// and tends to 1 as the imbalance grows. Multiclass: native. NaN with fewer
// than two classes. Memory: O(1) beyond counts.
func C2(counts []int64) float64 {
	n, k := classTotals(counts)
	if k < 2 {
		return math.NaN()
	}
	var s float64
	for _, c := range counts {
		if c > 0 {
			s += float64(c) / (n - float64(c))
		}
	}
	ir := float64(k-1) / float64(k) * s
	return 1 - 1/ir
}

// classTotals returns the number of points and of non-empty classes.
func classTotals(counts []int64) (n float64, k int) {
	for _, c := range counts {
		if c > 0 {
			n += float64(c)
			k++
		}
	}
	return n, k
}
