package feature

import "math"

// T2 returns the number of features per point (Lorena et al. 2019, eq. 22,
// in ECoL's current orientation):
//
//	T2 = d / n.
//
// Larger values mean sparser data. (Ho and Basu 2002 and older ECoL
// versions give the inverse, n/d.) Multiclass: labels are not used. NaN
// before any point. Memory: O(1) beyond m.
func T2(m *Moments) float64 {
	if m.points == 0 {
		return math.NaN()
	}
	return float64(m.dim) / float64(m.points)
}
