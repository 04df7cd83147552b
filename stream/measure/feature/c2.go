package feature

import "math"

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
