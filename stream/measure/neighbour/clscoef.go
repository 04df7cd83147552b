package neighbour

// ClsCoef returns one minus the global clustering coefficient
// (transitivity) of the ε-graph, in ECoL's form (Lorena et al. 2019, §2.6;
// ECoL network.R, c.ClsCoef = 1 - igraph::transitivity(type="global")):
//
//	ClsCoef = 1 - 3·triangles / connected triples,  triples = Σ_v deg(v)(deg(v)-1)/2
//
// The graph is unweighted here, as igraph's global transitivity is. A
// graph with no connected triple has transitivity 0 here (igraph returns
// NaN), so ClsCoef is 1.
//
// Multiclass: native. Memory: O(n). Work: Σ_v deg(v)² at most.
func (nb *Neighbours) ClsCoef() float64 {
	n := nb.n
	mark := make([]int32, n)
	for i := range mark {
		mark[i] = -1
	}
	var tri, triples float64
	for u := range n {
		a := nb.adjIdx[nb.adjStart[u]:nb.adjStart[u+1]]
		deg := float64(len(a))
		triples += deg * (deg - 1) / 2
		for _, v := range a {
			mark[v] = int32(u)
		}
		for _, v := range a {
			if int(v) <= u {
				continue
			}
			b := nb.adjIdx[nb.adjStart[v]:nb.adjStart[v+1]]
			for t := len(b) - 1; t >= 0 && b[t] > v; t-- {
				if mark[b[t]] == int32(u) {
					tri++
				}
			}
		}
	}
	if triples == 0 {
		return 1
	}
	return 1 - 3*tri/triples
}
