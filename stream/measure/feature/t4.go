package feature

// T4 returns the fraction of the features that the principal components
// explaining 95% of the variance amount to (Lorena et al. 2019, eq. 24;
// ECoL's T4):
//
//	T4 = m' / d,   m' = PCAComponents(m, 0.95).
//
// Multiclass: labels are not used. It needs co-moments. NaN before any
// point. Memory: O(d²) beyond m.
func T4(m *Moments) float64 {
	_, t4 := T3T4(m)
	return t4
}
