package neighbour

import "math"

// Hubs returns one minus the mean hub score of the ε-graph, in ECoL's form
// (Lorena et al. 2019, §2.6; ECoL network.R, c.Hubs = 1 - mean of
// igraph::hub.score(graph)$vector). igraph uses the graph's weights, which
// ECoL sets to the distances, so the hub scores are the principal
// eigenvector of A² for the weighted adjacency A (A_ij = d(i,j) on an
// edge), scaled to a maximum of 1.
//
// The graph has no edge between classes, so A² is block diagonal over its
// connected components, and the principal eigenvector lives on the
// component whose largest eigenvalue is largest (the others score 0).
// Each component's is found by power iteration on A² from the all-ones
// vector until the scores move by less than 1e-12 (at most 10000
// iterations). When two components share the top eigenvalue (to 1e-9
// relative) the eigenvector is not unique; the lowest-indexed component is
// taken (igraph's ARPACK returns one of them). A graph without edges
// scores 1 everywhere (as igraph), so Hubs is 0.
//
// Multiclass: native. Memory: O(n). Work: O(iterations · edges).
func (nb *Neighbours) Hubs() float64 {
	n := nb.n
	if nb.adjStart[n] == 0 {
		return 0
	}
	comp := make([]int32, n)
	for i := range comp {
		comp[i] = -1
	}
	var members [][]int32
	for s := range n {
		if comp[s] >= 0 || nb.adjStart[s+1] == nb.adjStart[s] {
			continue
		}
		c := int32(len(members))
		list := []int32{int32(s)}
		comp[s] = c
		for q := 0; q < len(list); q++ {
			u := list[q]
			for _, v := range nb.adjIdx[nb.adjStart[u]:nb.adjStart[u+1]] {
				if comp[v] < 0 {
					comp[v] = c
					list = append(list, v)
				}
			}
		}
		members = append(members, list)
	}
	x := make([]float64, n)
	y := make([]float64, n)
	z := make([]float64, n)
	bestLam := -1.0
	var bestVec []float64
	for _, list := range members {
		lam := nb.power(list, x, y, z)
		if lam > bestLam*(1+1e-9) {
			bestLam = lam
			bestVec = bestVec[:0]
			for _, v := range list {
				bestVec = append(bestVec, x[v])
			}
		}
	}
	s := 0.0
	for _, v := range bestVec {
		s += v
	}
	return 1 - s/float64(n)
}

// power runs the power iteration on A² restricted to the vertices list,
// leaving the eigenvector, scaled to maximum 1, in x; y and z are scratch.
// It returns the eigenvalue estimate ‖A x‖² / ‖x‖².
func (nb *Neighbours) power(list []int32, x, y, z []float64) float64 {
	for _, v := range list {
		x[v] = 1
	}
	mul := func(dst, src []float64) {
		for _, u := range list {
			s := 0.0
			for t := nb.adjStart[u]; t < nb.adjStart[u+1]; t++ {
				s += nb.adjW[t] * src[nb.adjIdx[t]]
			}
			dst[u] = s
		}
	}
	lam := 0.0
	for it := 0; it < 10000; it++ {
		mul(y, x)
		ay2, x2 := 0.0, 0.0
		for _, u := range list {
			ay2 += y[u] * y[u]
			x2 += x[u] * x[u]
		}
		lam = ay2 / x2
		mul(z, y)
		mx := 0.0
		for _, u := range list {
			mx = max(mx, z[u])
		}
		if mx == 0 {
			return 0
		}
		diff := 0.0
		for _, u := range list {
			v := z[u] / mx
			diff = max(diff, math.Abs(v-x[u]))
			x[u] = v
		}
		if diff < 1e-12 {
			break
		}
	}
	return lam
}
