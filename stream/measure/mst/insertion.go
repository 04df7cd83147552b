package mst

import (
	"errors"
	"math"
	"sync"
)

// Insertion is a minimum spanning tree of the first n points, kept up to
// date as points arrive by vertex insertion (Chin and Houck 1978): given
// the tree T of n points and the distances from a new point z to all of
// them, the tree of the n+1 points is the MST of T plus the star of z,
// found in O(n) by one pass over T.
//
// The pass takes T rooted (at point 0) and visits every vertex w after its
// children. For the subtree of w it has already built the MST of the
// subtree plus z, and knows m(w), the heaviest edge on that tree's path
// from w to z (initially the edge (z, w) itself). Joining the subtree of a
// child w to its parent p closes one cycle: the tree edge (w, p), the
// path from w to z (heaviest edge m(w)) and the path from p to z (heaviest
// m(p)). Its heaviest edge, the largest of the three, leaves the tree; the
// smaller of (w, p) and m(w) stays for good (it is no longer on p's path to
// z), and m(p) becomes the one of the other two that stays. At the root,
// m stays. The tree is kept as parent links and a parents-first order,
// which a leaf z extends in O(1) and relink repairs in O(n) when edges
// left, so no insertion rebuilds adjacency lists or searches the tree.
//
// Comparisons use a strict total order (the squared length, then tree
// edges before new ones, then an index), so the result is the MST under
// that order. When edges are within the tie tolerance it may differ from
// dense Prim's tree under the tie rule: every edge that leaves is checked
// to exceed the next largest edge of its cycle by the factor
// (1+TieRTol)/(1-TieRTol), and ties counts the checks that fail. With no
// tie, every edge that is not in the final tree is heavier by that factor
// than every edge of the tree's path between its ends (paths only get
// lighter as points arrive), and then dense Prim with the tolerance picks
// exactly this tree.
//
// Only a few of z's n distances are computed exactly. Float32 products of
// z with every point (a matrix product over each batch of new points)
// give lower bounds, on the points as stored, without the centred copy of
// the Prim methods, so the tree needs no memory beyond the points. With
// r the point of smallest bound and p(w) the heaviest edge on T's path from
// r to w, the edge (z, w) is the heaviest of the cycle z-r-…-w-z by the
// factor above when its bound exceeds that factor times max(d(z, r),
// p(w)); it then cannot be in the tree under any order and enters the pass
// as +Inf. The others take their exact distance.
type Insertion struct {
	dim     int
	rtol    float64
	margin  float64 // (1+rtol)/(1-rtol)
	bc      boundConsts
	workers int

	// The tree is rooted at point 0: par[v] is v's parent (-1 for the
	// root), pw[v] the exact squared length of the edge (v, par[v]), and
	// ord lists the points parents first. The edge (v, par[v]) is called
	// edge v.
	n     int
	par   []int32
	pw    []float64
	ord   []int32
	h     []float64 // per-point bound terms of the points as stored
	ties  int64
	evals int64

	// O(n) scratch, reused by every insertion.
	anc, comp, cnt   []int32
	pm, lb, nw, refW []float64
	ref              []int32
	gone             []bool
	ord2, kept, cuts []int32
}

// NewInsertion returns an empty tree of dim-dimensional points under the
// relative tie tolerance rtol, whose products use workers goroutines.
func NewInsertion(dim int, rtol float64, workers int) *Insertion {
	return &Insertion{dim: dim, rtol: rtol, margin: (1 + rtol) / (1 - rtol), bc: newBoundConsts(dim), workers: workers}
}

// insertChunk is the number of new points whose products with the tree
// are computed together.
var insertChunk = 128

// Extend inserts the points x[t.n·dim:] (x holds every point so far, the
// tree's first) one by one, in order.
func (t *Insertion) Extend(x []float32) error {
	d := t.dim
	n := len(x) / d
	for i := t.n; i < n; i++ {
		var s float64
		for _, v := range x[i*d : i*d+d] {
			s += float64(v) * float64(v)
		}
		t.h = append(t.h, t.bc.h(s))
	}
	if t.n >= n {
		return nil
	}
	t.grow(n)
	g := make([]float32, min(insertChunk, n-t.n)*n)
	for r0 := t.n; r0 < n; r0 += insertChunk {
		r1 := min(n, r0+insertChunk)
		gs := g[:(r1-r0)*r1]
		dotsStored(x, d, r0, r1, r1, gs, t.workers)
		for z := r0; z < r1; z++ {
			if err := t.insert(x, gs[(z-r0)*r1:(z-r0)*r1+z]); err != nil {
				return err
			}
		}
	}
	return nil
}

// grow makes the tree and the scratch hold n points.
func (t *Insertion) grow(n int) {
	if cap(t.par) >= n {
		return
	}
	c := max(n, 2*cap(t.par))
	t.par = append(make([]int32, 0, c), t.par...)
	t.pw = append(make([]float64, 0, c), t.pw...)
	t.ord = append(make([]int32, 0, c), t.ord...)
	t.anc, t.comp, t.cnt = make([]int32, c), make([]int32, c), make([]int32, c+1)
	t.pm, t.lb, t.nw, t.refW = make([]float64, c), make([]float64, c), make([]float64, c), make([]float64, c)
	t.ref, t.gone = make([]int32, c), make([]bool, c)
	t.ord2 = make([]int32, 0, c)
}

// Bytes estimates the memory of the tree and its scratch: about 90 bytes
// per point, kept between calls (capacities double as points arrive).
func (t *Insertion) Bytes() int64 { return int64(cap(t.par))*81 + int64(cap(t.h))*8 }

// N is the number of points in the tree.
func (t *Insertion) N() int { return t.n }

// RTol is the tie tolerance the tree is kept under.
func (t *Insertion) RTol() float64 { return t.rtol }

// Ties counts the comparisons of the insertions so far in which the edge
// that left the tree was not longer than the next one of its cycle by the
// tie tolerance. While it is 0 the tree is dense Prim's under the tie
// rule.
func (t *Insertion) Ties() int64 { return t.ties }

// Evals counts the exact distances the insertions computed.
func (t *Insertion) Evals() int64 { return t.evals }

// Parent returns the parent of every point (-1 for point 0), and Weight
// the exact squared length of the edge to it. The slices are the tree's
// own: valid until the next Extend.
func (t *Insertion) Parent() []int32 { return t.par }

// Weight: see Parent.
func (t *Insertion) Weight() []float64 { return t.pw }

// Edge references in the insertion pass: e ≥ 0 is the tree edge e (from
// e to its parent), e < 0 the new edge (z, -1-e).
func newRef(w int32) int32 { return -1 - w }

// less is the strict total order of the pass on edges e, f of lengths
// we, wf: length, then tree edges before new edges, then the point.
func (t *Insertion) less(e int32, we float64, f int32, wf float64) bool {
	if we != wf {
		return we < wf
	}
	switch {
	case e >= 0 && f >= 0:
		return e < f
	case e < 0 && f < 0:
		return -1-e < -1-f
	}
	return e >= 0
}

// insert adds point z = t.n, given g[w] = x_z·x_w for every w < z.
func (t *Insertion) insert(x []float32, g []float32) error {
	z, d := int32(t.n), t.dim
	xz := x[int(z)*d : int(z)*d+d]
	exact := func(w int32) float64 {
		t.evals++
		return sqDist64(xz, x[int(w)*d:int(w)*d+d], nil)
	}
	t.n++
	if z == 0 {
		t.par, t.pw, t.ord = append(t.par, -1), append(t.pw, 0), append(t.ord, 0)
		return nil
	}
	// The point of smallest bound, whose exact distance bounds the cycles
	// through it.
	lb := t.lb[:z]
	hz := t.h[z]
	r := int32(0)
	for w := range z {
		lb[w] = lowerOf(hz, t.h[w], g[w], t.bc.lbf)
		if lb[w] < lb[r] {
			r = w
		}
	}
	d0 := exact(r)
	if z == 1 {
		t.par, t.pw, t.ord = append(t.par, 0), append(t.pw, d0), append(t.ord, 1)
		return nil
	}

	// pm[w]: the heaviest edge on the path from r to w. Along r's
	// ancestors it is taken going up; every other point's path to r goes
	// through its parent.
	t.anc[r], t.pm[r] = z, 0
	for a := r; t.par[a] >= 0; a = t.par[a] {
		p := t.par[a]
		t.anc[p], t.pm[p] = z, max(t.pm[a], t.pw[a])
	}
	nw, ref, refW := t.nw[:z], t.ref[:z], t.refW[:z]
	inf := math.Inf(1)
	for _, w := range t.ord {
		if t.anc[w] != z {
			t.pm[w] = max(t.pm[t.par[w]], t.pw[w])
		}
		switch {
		case w == r:
			nw[w] = d0
		case lb[w] > t.margin*max(d0, t.pm[w]):
			nw[w] = inf
		default:
			nw[w] = exact(w)
		}
		ref[w], refW[w] = newRef(w), nw[w]
	}

	// The pass, children before parents. ref[w] is m(w), refW[w] its
	// length. A subtree whose m is +Inf holds no edge of z that can stay:
	// its tree edge stays, its m leaves, and nothing changes; only the
	// paths from the points of finite new edges up to the root do work.
	gone, kept := t.gone[:z], t.kept[:0]
	clear(gone)
	for i := len(t.ord) - 1; i >= 1; i-- {
		w := t.ord[i]
		kw := refW[w]
		if kw == inf {
			continue
		}
		p := t.par[w]
		k, h, hw := ref[w], w, t.pw[w]
		if t.less(k, kw, h, hw) {
			k, h, kw, hw = h, k, hw, kw
		}
		if h < 0 {
			kept = append(kept, -1-h)
		}
		m, mw := ref[p], refW[p]
		// The cycle's heaviest edge leaves; it must beat the next one by
		// the margin, or dense Prim might choose differently.
		out, ow, stay, sw := k, kw, m, mw
		if t.less(k, kw, m, mw) {
			out, ow, stay, sw = m, mw, k, kw
		}
		if ow != inf && !(ow > t.margin*max(sw, hw)) {
			t.ties++
		}
		if out >= 0 {
			gone[out] = true
		}
		ref[p], refW[p] = stay, sw
	}
	root := t.ord[0]
	if h := ref[root]; h < 0 {
		kept = append(kept, -1-h)
	}
	t.kept = kept
	if len(kept) == 1 {
		// z is a leaf: nothing left the tree.
		t.par, t.pw, t.ord = append(t.par, kept[0]), append(t.pw, nw[kept[0]]), append(t.ord, z)
		return nil
	}
	return t.relink(z)
}

// relink rebuilds the tree after an insertion that removed edges: the
// edges gone[c] cut the old tree into the root's component and one
// component below each cut c, and each component holds exactly one end x
// of z's kept edges (z, x). z hangs from the root component's x; every
// other component is re-rooted at its x, which hangs from z: the parents
// along the path from x up to the cut c are reversed, the rest keep theirs.
// The new order lists the root component (in the old order), z, and every
// other component: the path from x to c, then the rest in the old order,
// which keeps parents first.
func (t *Insertion) relink(z int32) error {
	n := int(z)
	comp, cuts := t.comp[:n], t.cuts[:0]
	for _, w := range t.ord {
		switch {
		case t.par[w] < 0:
			comp[w] = 0
		case t.gone[w]:
			cuts = append(cuts, w)
			comp[w] = int32(len(cuts))
		default:
			comp[w] = comp[t.par[w]]
		}
	}
	t.cuts = cuts
	if len(cuts)+1 != len(t.kept) {
		return errors.New("mst: internal error: vertex insertion lost the tree")
	}
	// at[j] is the end of z's edge in component j.
	at := make([]int32, len(t.kept))
	for i := range at {
		at[i] = -1
	}
	for _, x := range t.kept {
		if at[comp[x]] >= 0 {
			return errors.New("mst: internal error: vertex insertion made a cycle")
		}
		at[comp[x]] = x
	}
	// Sizes and starts of the components in the new order, z after the
	// root's.
	start := t.cnt[:len(cuts)+2]
	clear(start)
	for _, w := range t.ord {
		start[comp[w]+1]++
	}
	start[1]++ // z
	for j := 1; j < len(start); j++ {
		start[j] += start[j-1]
	}
	ord := t.ord2[:n+1]
	ord[start[1]-1] = z
	t.par, t.pw = append(t.par, at[0]), append(t.pw, t.nw[at[0]])
	// Reverse the paths; mark their points with comp -1 so the copy below
	// skips them.
	for j := 1; j <= len(cuts); j++ {
		c := cuts[j-1]
		prev, prevW, cur := z, t.nw[at[j]], at[j]
		for {
			next, nextW := t.par[cur], t.pw[cur]
			t.par[cur], t.pw[cur] = prev, prevW
			ord[start[j]] = cur
			start[j]++
			comp[cur] = -1
			if cur == c {
				break
			}
			prev, prevW, cur = cur, nextW, next
		}
	}
	for _, w := range t.ord {
		if j := comp[w]; j >= 0 {
			ord[start[j]] = w
			start[j]++
		}
	}
	t.ord, t.ord2 = ord, t.ord[:0]
	return nil
}

// dotsStored sets out[(u-r0)·c1+v] = x_u·x_v for u in [r0, r1), v in
// [0, c1), on the points as stored (row stride dim, no padding; see
// dot12), with the rows split among workers.
func dotsStored(x []float32, dim, r0, r1, c1 int, out []float32, workers int) {
	w := max(1, min(workers, (r1-r0)/12))
	if w == 1 {
		dotsStoredRows(x, dim, r0, r1, c1, out)
		return
	}
	step := ((r1-r0+w-1)/w + 5) / 6 * 6
	var wg sync.WaitGroup
	for a := r0; a < r1; a += step {
		b := min(r1, a+step)
		wg.Add(1)
		go func() {
			defer wg.Done()
			dotsStoredRows(x, dim, a, b, c1, out[(a-r0)*c1:(b-r0)*c1])
		}()
	}
	wg.Wait()
}

// dotsStoredRows is dotsStored in one goroutine.
func dotsStoredRows(x []float32, dim, r0, r1, c1 int, out []float32) {
	dotStrip(x, dim, dim, r0, r1, c1, out)
}
