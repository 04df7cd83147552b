package neighbour

// N3 returns the leave-one-out error rate of the 1-nearest-neighbour
// classifier (Ho and Basu 2002; Lorena et al. 2019, §2.4): the fraction of
// points whose nearest other point carries another label.
//
// Ties within TieRTol go to the lowest index. Under ZeroECoL the
// neighbour is ECoL's (knn(data, dst, 2)): the second entry of the row
// sorted stably with the point itself in it, which differs only when the
// point has duplicates; then it is the second-lowest index among the point
// and its duplicates, possibly the point itself.
//
// Multiclass: native. Memory: O(1) beyond the structure.
func (nb *Neighbours) N3() float64 {
	nn := nb.nnIdx
	if nb.opt.ZeroDistances == ZeroECoL {
		nn = nb.nnECoL
	}
	e := 0
	for i, j := range nn {
		if nb.labels[j] != nb.labels[i] {
			e++
		}
	}
	return float64(e) / float64(nb.n)
}
