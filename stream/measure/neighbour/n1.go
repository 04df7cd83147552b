package neighbour

import (
	"sync"

	"cxray/stream/measure/mst"
)

// N1 returns the fraction of points incident to an edge of the minimum
// spanning tree whose ends carry different labels (Ho and Basu 2002;
// Lorena et al. 2019, §2.4), each point counted once:
//
//	N1 = |{v : v ends an MST edge (u, v) with label(u) ≠ label(v)}| / n
//
// Multiclass: native (an edge is "cross" when its labels differ).
//
// The tree is dense Prim's from vertex 0 under the chosen distance, built
// on the fly: at each step the keys from the vertex just added to every
// vertex outside the tree are computed (2 goroutines when it pays), a key
// is replaced only by one below key·(1-TieRTol), and the next vertex is the
// lowest-indexed one within TieRTol of the smallest key (DCoL's rule:
// mst.Prim's, as in mst.Build; for Euclidean the keys are squared
// distances, so the tree is mst.Build's). Under ZeroECoL a zero distance is not an edge, as in
// ECoL (igraph on a dense matrix): the result may be a forest, each
// component grown from its lowest-indexed point, as igraph's Prim does.
//
// Memory: O(n) besides the points (keys, parents and the vertices left).
// Work: n(n-1)/2 distances.
func (nb *Neighbours) N1() float64 {
	return float64(mst.CrossVertices(nb.PrimTree(), nb.labels)) / float64(nb.n)
}

// PrimTree returns the parent of every point in the tree N1 uses (-1 for
// the root of each component).
func (nb *Neighbours) PrimTree() []int {
	ecol := nb.opt.ZeroDistances == ZeroECoL
	p := mst.NewPrim(nb.n, nb.opt.TieRTol)
	buf := make([]float64, nb.n)
	for u := 0; len(p.Rest()) > 0; u = p.Next() {
		rest := p.Rest()
		nb.keysFrom(u, rest, buf[:len(rest)])
		for t, v := range rest {
			if k := buf[t]; !(ecol && k == 0) {
				p.Relax(u, v, k)
			}
		}
	}
	return p.Parent()
}

// keysFrom sets out[t] to the key of point u and point idx[t], splitting
// the work over the workers when it is large enough to pay for them.
func (nb *Neighbours) keysFrom(u int, idx []int32, out []float64) {
	d := nb.dim
	a := nb.x[u*d : u*d+d]
	w := nb.work
	if w < 2 || len(idx)*d < 1<<15 {
		nb.metric.keysIdx(a, nb.x, idx, out)
		return
	}
	var wg sync.WaitGroup
	chunk := (len(idx) + w - 1) / w
	chunk = (chunk + 3) &^ 3
	for s := 0; s < len(idx); s += chunk {
		e := min(s+chunk, len(idx))
		wg.Add(1)
		go func() {
			defer wg.Done()
			nb.metric.keysIdx(a, nb.x, idx[s:e], out[s:e])
		}()
	}
	wg.Wait()
}
