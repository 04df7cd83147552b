package neighbour

// Density returns one minus the density of the ε-graph, in ECoL's form
// (Morais and Prati 2013; Lorena et al. 2019, §2.6; ECoL network.R,
// c.Density = 1 - igraph::graph.density):
//
//	Density = 1 - 2|E| / (n(n-1))
//
// where E are the undirected edges of the graph (see Graph): points linked
// to their ⌊ε·n⌋ nearest points (or those closer than ε), links between
// classes removed. Near 1: a sparse graph, classes spread or mixed.
//
// Multiclass: native. Memory: O(1) beyond the structure.
func (nb *Neighbours) Density() float64 {
	n := float64(nb.n)
	return 1 - float64(nb.adjStart[nb.n])/(n*(n-1))
}

// Edges returns the number of undirected edges of the ε-graph.
func (nb *Neighbours) Edges() int64 { return nb.adjStart[nb.n] / 2 }
