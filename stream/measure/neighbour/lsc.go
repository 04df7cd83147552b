package neighbour

// LSC returns the local-set average cardinality measure (Leyva, González
// and Pérez 2015; Lorena et al. 2019, §2.4; ECoL c.LSC):
//
//	LSC = 1 - (1/n²) Σ_i |LS(x_i)|,  LS(x_i) = {x_j : d(x_i, x_j) < d(x_i, ne(x_i))}
//
// where ne(x_i) is the nearest enemy of x_i. As in ECoL the point itself
// belongs to its local set (its distance 0 is below the enemy's) unless a
// duplicate of another class sits on it. "Below" is strict beyond TieRTol:
// a point tied with the nearest enemy is not in the local set.
//
// Multiclass: native. Memory: O(1) beyond the structure.
func (nb *Neighbours) LSC() float64 {
	n := float64(nb.n)
	return 1 - float64(nb.stats.LocalSet)/(n*n)
}
