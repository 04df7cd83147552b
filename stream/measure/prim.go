package measure

import "math"

// primState is dense Prim's bookkeeping, shared by every method so that the
// tie rule lives in one place: relax and next below.
type primState struct {
	lo, hi float64   // 1-TieRTol, 1+TieRTol
	key    []float64 // exact squared distance of v to the tree, +Inf unseen
	parent []int
	weight []float64
	order  []int
	rest   []int32 // vertices not in the tree, ascending
	evals  int64
}

func newPrimState(n int, rtol float64) *primState {
	s := &primState{
		lo:     1 - rtol,
		hi:     1 + rtol,
		key:    make([]float64, n),
		parent: make([]int, n),
		weight: make([]float64, n),
		order:  make([]int, 1, n),
		rest:   make([]int32, n-1),
	}
	for v := range s.key {
		s.key[v] = math.Inf(1)
		s.parent[v] = -1
	}
	for v := range s.rest {
		s.rest[v] = int32(v + 1)
	}
	return s
}

// limit is the value below which a new distance replaces key[v]: the strict
// `<` of dense Prim, widened by the tie tolerance. A distance ≥ limit(v)
// changes nothing, which is what a lower bound must prove to skip a pair.
func (s *primState) limit(v int32) float64 { return s.key[v] * s.lo }

// relax offers the exact distance d from u, the vertex just added, to v.
// Vertices are added one at a time, so the strict comparison keeps the
// earliest tree vertex as the parent on a tie.
func (s *primState) relax(u int, v int32, d float64) bool {
	if d < s.key[v]*s.lo {
		s.key[v] = d
		s.parent[v] = u
		return true
	}
	return false
}

// next removes and returns the next vertex: the lowest-indexed non-tree
// vertex whose key is within the tie tolerance of the minimum.
func (s *primState) next() int {
	m := math.Inf(1)
	for _, v := range s.rest {
		if k := s.key[v]; k < m {
			m = k
		}
	}
	lim := 0.0
	if m > 0 {
		lim = m * s.hi
	}
	i := 0 // only reached if every key is NaN, which finite input rules out
	for j, v := range s.rest {
		if s.key[v] <= lim {
			i = j
			break
		}
	}
	return s.take(i)
}

// take removes rest[i] from the non-tree vertices, adds it to the tree at
// its current key and returns it.
func (s *primState) take(i int) int {
	v := s.rest[i]
	s.rest = append(s.rest[:i], s.rest[i+1:]...)
	s.weight[v] = s.key[v]
	s.order = append(s.order, int(v))
	return int(v)
}

// denseTree is the definition: an exact distance for every comparison.
func denseTree(s *primState, p *points) {
	u := 0
	for len(s.rest) > 0 {
		for _, v := range s.rest {
			s.relax(u, v, p.exact(u, int(v)))
		}
		s.evals += int64(len(s.rest))
		u = s.next()
	}
}
