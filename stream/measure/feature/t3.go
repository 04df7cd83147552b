package feature

// T3 returns the number of principal components that explain 95% of the
// variance per point (Lorena et al. 2019, eq. 23; ECoL's T3):
//
//	T3 = m' / n,   m' = PCAComponents(m, 0.95).
//
// Multiclass: labels are not used. It needs co-moments. NaN before any
// point. Memory: O(d²) beyond m.
func T3(m *Moments) float64 {
	t3, _ := T3T4(m)
	return t3
}
