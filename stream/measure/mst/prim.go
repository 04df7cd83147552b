package mst

import "math"

// Prim is dense Prim's state under the tie rule (see the package
// documentation): the tree grows from vertex 0; a vertex's key is replaced
// only by a distance below key·(1-TieRTol), so on a tie the earliest tree
// vertex stays its parent; the next vertex is the lowest-indexed one whose
// key is within min·(1+TieRTol) of the smallest key. Every tree of cxray
// is grown by it: the methods of Build, the neighbour structure's N1 and
// the sample pool of the sampled estimator, so the rule is written here
// only, in replaces, threshold and Next.
//
// A caller that supplies its own distances (any dissimilarity whose order
// is the one the tree must follow) offers, after each vertex u joins, the
// distance from u to every vertex of Rest with Relax, then calls Next:
//
//	p := mst.NewPrim(n, rtol)
//	for u := 0; len(p.Rest()) > 0; u = p.Next() {
//		for _, v := range p.Rest() {
//			p.Relax(u, v, dist(u, v))
//		}
//	}
//	parent := p.Parent()
//
// Memory: 36·n bytes. Relax on distinct vertices may run concurrently;
// Next may not.
type Prim struct {
	lo, hi float64   // 1-TieRTol, 1+TieRTol
	total  bool      // the Total rule: exact comparisons, ties by the edges' ends
	key    []float64 // exact squared distance of v to the tree, +Inf unseen
	parent []int
	weight []float64
	order  []int
	rest   []int32 // vertices not in the tree, ascending
	evals  int64
}

// NewPrim returns the state of a tree of n ≥ 1 vertices holding vertex 0,
// under the relative tie tolerance rtol.
func NewPrim(n int, rtol float64) *Prim {
	s := &Prim{}
	s.Reset(n, rtol)
	return s
}

// NewTotalPrim returns the state of a tree of n ≥ 1 vertices holding
// vertex 0 under the Total rule: a key is replaced by a shorter edge, or
// an equally long one from a lower-indexed vertex; the next vertex is the
// one whose edge to the tree comes first in the total order.
func NewTotalPrim(n int) *Prim {
	s := &Prim{}
	s.reset(n, 0, true)
	return s
}

// Reset makes s the state of a new tree of n ≥ 1 vertices holding vertex
// 0 under DCoL's rule with tolerance rtol, reusing its buffers.
func (s *Prim) Reset(n int, rtol float64) { s.reset(n, rtol, false) }

func (s *Prim) reset(n int, rtol float64, total bool) {
	s.lo, s.hi, s.total = 1-rtol, 1+rtol, total
	s.key = grow(s.key, n)
	s.parent = grow(s.parent, n)
	s.weight = grow(s.weight, n)
	s.order = append(grow(s.order, n)[:0], 0)
	s.rest = grow(s.rest, n-1)
	s.evals = 0
	for v := range s.key {
		s.key[v] = math.Inf(1)
		s.parent[v] = -1
		s.weight[v] = 0
	}
	for v := range s.rest {
		s.rest[v] = int32(v + 1)
	}
}

// grow returns s resized to n, reallocated only when its capacity is short.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// Rest returns the vertices not in the tree, in increasing order. The
// slice is valid until the next call of Next.
func (s *Prim) Rest() []int32 { return s.rest }

// Parent returns the parent of every vertex (-1 for vertex 0, and for a
// vertex never reached). The slice is s's own.
func (s *Prim) Parent() []int { return s.parent }

// replaces reports whether the distance d replaces the key k: the strict
// `<` of dense Prim, widened by the tie tolerance.
func (s *Prim) replaces(d, k float64) bool { return d < k*s.lo }

// limit is the value below which a new distance may replace key[v]. A
// distance ≥ limit(v) changes nothing, which is what a lower bound must
// prove to skip a pair. Under Total an equal distance may still replace
// the key (from a lower-indexed vertex), so only a longer one is ruled out.
func (s *Prim) limit(v int32) float64 {
	if s.total {
		return math.Nextafter(s.key[v], math.Inf(1))
	}
	return s.key[v] * s.lo
}

// threshold is the largest key that ties with the smallest key m: keys
// within the tolerance of it, or exactly 0 when m is 0.
func (s *Prim) threshold(m float64) float64 {
	if m > 0 {
		return m * s.hi
	}
	return 0
}

// Relax offers the distance d from u, the vertex just added, to the
// non-tree vertex v, and reports whether it became v's key. Vertices are
// added one at a time, so the strict comparison keeps the earliest tree
// vertex as the parent on a tie.
func (s *Prim) Relax(u int, v int32, d float64) bool {
	// Under Total, of two edges (u, v) and (p, v) of equal length the one
	// to the lower index comes first in the order: (min, max) compare as
	// u and p do, whether they are below or above v.
	if s.replaces(d, s.key[v]) || s.total && d == s.key[v] && u < s.parent[v] {
		s.key[v] = d
		s.parent[v] = u
		return true
	}
	return false
}

// Next removes and returns the next vertex: the lowest-indexed non-tree
// vertex whose key is within the tie tolerance of the minimum. When no
// key is finite (a forest: the caller offered no edge) it is the
// lowest-indexed vertex left, the root of a new component.
func (s *Prim) Next() int {
	m := math.Inf(1)
	for _, v := range s.rest {
		if k := s.key[v]; k < m {
			m = k
		}
	}
	lim := s.threshold(m)
	i := -1
	for j, v := range s.rest {
		if s.key[v] <= lim && (i < 0 || s.first(v, s.rest[i])) {
			i = j
			if !s.total {
				break // the lowest index: rest is ascending
			}
		}
	}
	return s.take(max(i, 0)) // every key +Inf: the first vertex left
}

// first reports whether vertex a goes before vertex b when both have the
// smallest key (within the tolerance): under DCoL the lower index, under
// Total the vertex whose edge to the tree comes first in the total order
// (the keys are equal; the ends decide).
func (s *Prim) first(a, b int32) bool {
	if !s.total {
		return a < b
	}
	pa, pb := int32(s.parent[a]), int32(s.parent[b])
	if x, y := min(pa, a), min(pb, b); x != y {
		return x < y
	}
	return max(pa, a) < max(pb, b)
}

// take removes rest[i] from the non-tree vertices, adds it to the tree at
// its current key and returns it.
func (s *Prim) take(i int) int {
	v := s.rest[i]
	s.rest = append(s.rest[:i], s.rest[i+1:]...)
	s.weight[v] = s.key[v]
	s.order = append(s.order, int(v))
	return int(v)
}

// denseTree is the definition: an exact distance for every comparison.
func denseTree(s *Prim, p *points) {
	u := 0
	for len(s.rest) > 0 {
		for _, v := range s.rest {
			s.Relax(u, v, p.exact(u, int(v)))
		}
		s.evals += int64(len(s.rest))
		u = s.Next()
	}
}
