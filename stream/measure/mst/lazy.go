package mst

import (
	"cmp"
	"math"
	"slices"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// Lazy: dense Prim's decisions from O(n·d) workspace.
//
// One pass of blocked products (the strips of Gram) gives every
// pair's lower bound once. Instead of storing all n² of them, each point v
// keeps its lazyK smallest, with their partners (its candidates), and
// floor(v), the least bound of all the other pairs (u, v). The pass costs
// what Gram's does; the memory is n·lazyK entries.
//
// Prim then meets two kinds of pair (u, v) when u joins the tree:
//
//   - u is a candidate of v or v of u: the stored bound decides, or an
//     exact distance, as in Gram.
//   - Otherwise the bound is at least floor(v). Once floor(v) reaches
//     limit(v) (v is settled: a point about as close as v's lazyK-th
//     nearest has joined the tree), u cannot change v's key. Before that,
//     v becomes pending: its key is left as it was, and v remembers where
//     in Prim's order its unprocessed window starts, and win(v), a lower
//     bound of the distances of the window's points.
//
// A pending v's key is only needed when v might be Prim's next vertex:
// when min(key(v), win(v)) is within the tie tolerance of the smallest
// exact key. Then v is synchronised: the products of v with every point of
// its window are computed (for all such v at once, in blocks, so the work
// is shaped like a matrix product) and the window is replayed in Prim's
// order with the usual bound test. Keys change only by relax, in the order
// dense Prim applies them, so every decision is dense Prim's.
//
// A candidate u joining while v is pending is handled without replay when
// the outcome does not depend on the window: u cannot lower the key if
// d(u, v) ≥ limit(v) (keys only decrease), and u certainly becomes the
// parent if d(u, v) < min(key(v), win(v))·(1-TieRTol), since every key
// the window could leave is at least min(key(v), win(v)). Otherwise
// d(u, v) joins win(v) and u is replayed with the window.
//
// The work is the pass plus the synchronised windows. Each pair is
// computed at most once in a window, so the worst case is Gram's
// products twice over; on MNIST pixels the windows add 3% of the pairs.
// The tree itself costs O(n·lazyK·log n): keys change only when
// candidates are offered or windows replayed, so Prim's minimum comes from
// heaps (see lazyPrim).

// lazyK is the number of candidates Lazy keeps per point. More
// candidates settle more points early (fewer windows) at n·lazyK·36 bytes
// of workspace while the candidates are collected.
var lazyK = 32

// candidates is the first pass of Lazy: for every point v a
// max-heap of the k smallest lower bounds lb(u, v), u ≠ v, with the
// partners u, and floor[v], the smallest bound of the pairs not kept.
type candidates struct {
	k     int
	free  []func()  // releases id and lb
	id    []int32   // n×k heaps: partners
	lb    []float64 // n×k heaps: bounds, largest at [v·k]
	cnt   []int32   // entries of each heap in use
	top   []float64 // the largest kept bound once the heap is full; +Inf before (-1 when k = 0)
	floor []float64 // every bound lb(u, v) with u not kept is ≥ floor[v]
}

// push offers (u, lb) to v's heap, which has room or a root above lb, and
// returns the bound that left the heap (+Inf when none did).
func (c *candidates) push(v int, u int32, lb float64) float64 {
	k := c.k
	ids, lbs := c.id[v*k:v*k+k], c.lb[v*k:v*k+k]
	if m := int(c.cnt[v]); m < k {
		i := m
		for i > 0 {
			up := (i - 1) / 2
			if lbs[up] >= lb {
				break
			}
			lbs[i], ids[i] = lbs[up], ids[up]
			i = up
		}
		lbs[i], ids[i] = lb, u
		c.cnt[v]++
		if m+1 == k {
			c.top[v] = lbs[0]
		}
		return math.Inf(1)
	}
	out := lbs[0]
	i := 0
	for {
		l := 2*i + 1
		if l >= k {
			break
		}
		if r := l + 1; r < k && lbs[r] > lbs[l] {
			l = r
		}
		if lbs[l] <= lb {
			break
		}
		lbs[i], ids[i] = lbs[l], ids[l]
		i = l
	}
	lbs[i], ids[i] = lb, u
	c.top[v] = lbs[0]
	return out
}

// lowerOf is points.lower inlined by hand for the hot loops: the bound from
// the per-point terms hu, hv and the float32 product g.
func lowerOf(hu, hv float64, g float32, lbf float64) float64 {
	t := (hu + hv - 2*float64(g)) * lbf
	if !(t > 0) || t > math.MaxFloat64 {
		return 0
	}
	return t
}

// buildCandidates runs the first pass. Strips of gramTile rows take their
// products with every row up to the strip's end (the lower triangle, as in
// buildGramStore), then offer each pair to both of its points. The heaps
// of a block of gramTile points are guarded by one mutex: a strip offers
// to its own block's heaps and then to each block below it, taking the
// blocks in whatever order their locks come free.
func buildCandidates(p *points, workers int) *candidates {
	const t = gramTile
	n := p.n
	k := min(lazyK, n-1)
	c := &candidates{
		k:     k,
		cnt:   make([]int32, n),
		top:   make([]float64, n),
		floor: make([]float64, n),
	}
	var f1, f2 func()
	c.id, f1 = newBuffer[int32](n * k)
	c.lb, f2 = newBuffer[float64](n * k)
	c.free = []func(){f1, f2}
	for v := range n {
		c.top[v] = math.Inf(1)
		if k == 0 {
			c.top[v] = -1
		}
		c.floor[v] = math.Inf(1)
	}
	nt := (n + t - 1) / t
	locks := make([]sync.Mutex, nt)
	strips := make(chan int, nt)
	for i := nt - 1; i >= 0; i-- {
		strips <- i
	}
	close(strips)
	workers = max(1, min(workers, nt))
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			scratch, free := newBuffer[float32](t * n)
			defer free()
			var blocks []int
			for I := range strips {
				r0 := I * t
				r1 := min(n, r0+t)
				g := scratch[:(r1-r0)*r1]
				gramStrip(p, r0, r1, r1, g)
				locks[I].Lock()
				c.offerRows(p, r0, r1, g)
				locks[I].Unlock()
				blocks = blocks[:0]
				for J := I - 1; J >= 0; J-- {
					blocks = append(blocks, J)
				}
				for len(blocks) > 0 {
					got := false
					for i := 0; i < len(blocks); {
						J := blocks[i]
						if !locks[J].TryLock() {
							i++
							continue
						}
						c.offerCols(p, r0, r1, J*t, min(n, J*t+t), g)
						locks[J].Unlock()
						blocks = append(blocks[:i], blocks[i+1:]...)
						got = true
					}
					if !got {
						J := blocks[0]
						locks[J].Lock()
						c.offerCols(p, r0, r1, J*t, min(n, J*t+t), g)
						locks[J].Unlock()
						blocks = blocks[1:]
					}
				}
			}
		}()
	}
	wg.Wait()
	return c
}

// offerRows offers every pair (u, v), u in [r0, r1), v < r1, v ≠ u, to
// u's heap; g holds the products of the strip's rows with rows [0, r1).
// Within the strip this offers each pair to both points.
func (c *candidates) offerRows(p *points, r0, r1 int, g []float32) {
	h, lbf := p.h[:r1], p.lbf
	for u := r0; u < r1; u++ {
		hu := h[u]
		row := g[(u-r0)*r1 : (u-r0)*r1+r1]
		top, floor := c.top[u], c.floor[u]
		for _, span := range [2][2]int{{0, u}, {u + 1, r1}} {
			for v := span[0]; v < span[1]; v++ {
				lb := lowerOf(hu, h[v], row[v], lbf)
				if lb < top {
					floor = min(floor, c.push(u, int32(v), lb))
					top = c.top[u]
				} else if lb < floor {
					floor = lb
				}
			}
		}
		c.floor[u] = floor
	}
}

// offerCols offers the pairs (u, v), u in [r0, r1), v in [j0, j1) ⊂
// [0, r0), to v's heap.
func (c *candidates) offerCols(p *points, r0, r1, j0, j1 int, g []float32) {
	h, lbf := p.h, p.lbf
	top, floor := c.top[j0:j1], c.floor[j0:j1]
	hv := h[j0:j1]
	for u := r0; u < r1; u++ {
		hu := h[u]
		row := g[(u-r0)*r1+j0 : (u-r0)*r1+j1]
		for i, gv := range row {
			lb := lowerOf(hu, hv[i], gv, lbf)
			if lb < top[i] {
				floor[i] = min(floor[i], c.push(j0+i, int32(u), lb))
			} else if lb < floor[i] {
				floor[i] = lb
			}
		}
	}
}

// candGraph lists, for every point u, the pairs whose bound the first pass
// kept, in either direction: the candidates of u and the points that have u
// as a candidate (a pair kept both ways appears twice).
type candGraph struct {
	off  []int // u's pairs are [off[u], off[u+1])
	id   []int32
	lb   []float64
	free []func() // releases id and lb
}

// graph turns the heaps into a candGraph and drops them.
func (c *candidates) graph() *candGraph {
	n := len(c.cnt)
	g := &candGraph{off: make([]int, n+1)}
	for v := range n {
		for _, u := range c.id[v*c.k : v*c.k+int(c.cnt[v])] {
			g.off[v+1]++
			g.off[u+1]++
		}
	}
	for v := range n {
		g.off[v+1] += g.off[v]
	}
	var f1, f2 func()
	g.id, f1 = newBuffer[int32](g.off[n])
	g.lb, f2 = newBuffer[float64](g.off[n])
	g.free = []func(){f1, f2}
	next := slices.Clone(g.off[:n])
	for v := range n {
		b := v * c.k
		for i, u := range c.id[b : b+int(c.cnt[v])] {
			lb := c.lb[b+i]
			g.id[next[v]], g.lb[next[v]] = u, lb
			next[v]++
			g.id[next[u]], g.lb[next[u]] = int32(v), lb
			next[u]++
		}
	}
	c.id, c.lb = nil, nil
	for _, f := range c.free {
		f()
	}
	return g
}

// lazyPrim is Lazy's Prim state on top of Prim.
//
// Keys change only when a candidate is offered or a window is replayed,
// so Prim's minimum comes from two indexed heaps instead of a scan of the
// non-tree vertices: exact holds the vertices that are not pending, by key;
// pending the others, by min(key, win). A step costs O(log n) per
// candidate offered and per vertex that changes heap, O(n·lazyK·log n) in
// all, and the tree no longer costs O(n²) beyond the products.
type lazyPrim struct {
	s       *Prim
	p       *points
	g       *candGraph
	vs      []lazyVertex
	exact   vHeap
	pending vHeap
	// fresh lists the vertices that are not pending but unsettled
	// (floor < limit): the next non-candidate to join makes them pending.
	fresh   []int32
	workers int
	evals   int64
	// windows counts the products computed for windows, for the tests.
	windows int64
	// scratch holds each sync worker's products, kept across syncs: on
	// low-dimensional layers Prim synchronises thousands of times, and
	// allocating (and zeroing) the buffer each time cost more than the
	// products.
	scratch [][]float32
}

// lazyVertex is the state of a non-tree vertex v beyond its key.
type lazyVertex struct {
	floor   float64 // every bound lb(u, v) of a non-candidate u is ≥ floor
	win     float64 // lower bound of the distances in v's pending window
	since   int32   // position in s.order where v's window starts; -1: none
	stamp   int32   // step+1 at which v was last offered as a candidate
	inTree  bool
	inFresh bool
}

// unsettled reports whether a point u that is not one of v's candidates
// could lower v's key: its bound is only known to be ≥ floor(v).
func (l *lazyPrim) unsettled(v int32) bool { return l.vs[v].floor < l.s.limit(v) }

// lazyTree runs Prim as described at the top of this file, and returns
// its state for the tests (nil for fewer than 2 points).
func lazyTree(s *Prim, p *points, workers int) *lazyPrim {
	n := p.n
	if n < 2 {
		return nil
	}
	c := buildCandidates(p, workers)
	l := &lazyPrim{
		s:       s,
		p:       p,
		g:       c.graph(),
		vs:      make([]lazyVertex, n),
		exact:   newVHeap(n),
		pending: newVHeap(n),
		fresh:   make([]int32, 0, n),
		workers: max(1, workers),
		scratch: make([][]float32, max(1, workers)),
	}
	for v := range l.vs {
		l.vs[v] = lazyVertex{floor: c.floor[v], win: math.Inf(1), since: -1}
	}
	l.vs[0].inTree = true
	for v := int32(1); v < int32(n); v++ {
		l.exact.push(v, s.key[v])
		l.markFresh(v)
	}
	u := 0
	for len(s.rest) > 0 {
		t := int32(len(s.order) - 1) // u's position in the order
		mark := t + 1
		g := l.g
		for i := g.off[u]; i < g.off[u+1]; i++ {
			v := g.id[i]
			if l.vs[v].inTree || l.vs[v].stamp == mark {
				continue
			}
			l.vs[v].stamp = mark
			l.offer(u, v, g.lb[i])
		}
		// u is not a candidate of the fresh vertices that were not just
		// offered: those still unsettled become pending.
		fresh := l.fresh[:0]
		for _, v := range l.fresh {
			lv := &l.vs[v]
			switch {
			case lv.inTree || lv.since >= 0 || !l.unsettled(v):
				lv.inFresh = false
			case lv.stamp == mark:
				fresh = append(fresh, v)
			default:
				lv.inFresh = false
				lv.since, lv.win = t, lv.floor
				l.exact.remove(v)
				l.pending.push(v, min(s.key[v], lv.win))
			}
		}
		l.fresh = fresh
		u = l.next()
	}
	s.evals += l.evals
	for _, f := range l.g.free {
		f()
	}
	l.g = nil
	return l
}

// markFresh adds a vertex that is not pending to the fresh list if it is
// unsettled.
func (l *lazyPrim) markFresh(v int32) {
	if lv := &l.vs[v]; !lv.inFresh && l.unsettled(v) {
		lv.inFresh = true
		l.fresh = append(l.fresh, v)
	}
}

// offer handles a candidate pair (u, v) with bound lb when u joins.
func (l *lazyPrim) offer(u int, v int32, lb float64) {
	s := l.s
	lim := s.limit(v)
	if lb >= lim {
		return // cannot lower the key, whatever a pending window holds
	}
	d := l.p.exact(u, int(v))
	l.evals++
	lv := &l.vs[v]
	switch {
	case lv.since < 0:
		if s.Relax(u, v, d) {
			l.exact.fix(v, d)
		}
	case d >= lim:
	case s.replaces(d, min(s.key[v], lv.win)):
		// u wins against anything the window could leave.
		s.key[v], s.parent[v] = d, u
		lv.since, lv.win = -1, math.Inf(1)
		l.pending.remove(v)
		l.exact.push(v, d)
		l.markFresh(v)
	default:
		lv.win = min(lv.win, d)
		l.pending.fix(v, min(s.key[v], lv.win))
	}
}

// next picks dense Prim's next vertex, adds it to the tree and returns it.
// The smallest exact key m gives the threshold; every pending vertex whose
// lower bound is within it is synchronised first, and the others have
// true keys above the threshold, so neither the minimum nor the choice
// depends on them. The choice is the lowest-indexed vertex within the
// threshold of the (new) minimum.
func (l *lazyPrim) next() int {
	s := l.s
	m := l.exact.min()
	thr := s.threshold(m)
	if l.pending.len() > 0 && l.pending.min() <= thr {
		var vs []int32
		for l.pending.len() > 0 && l.pending.min() <= thr {
			vs = append(vs, l.pending.pop())
		}
		l.sync(vs)
		for _, v := range vs {
			l.exact.push(v, s.key[v])
			l.markFresh(v)
		}
		thr = s.threshold(l.exact.min())
	}
	// Every vertex within the threshold; the lowest index is taken and
	// the others go back.
	best := l.exact.pop()
	var back []int32
	for l.exact.len() > 0 && l.exact.min() <= thr {
		v := l.exact.pop()
		if v < best {
			best, v = v, best
		}
		back = append(back, v)
	}
	for _, v := range back {
		l.exact.push(v, s.key[v])
	}
	l.vs[best].inTree = true
	i, _ := slices.BinarySearch(s.rest, best)
	return s.take(i)
}

// vHeap is a binary min-heap of vertices by a priority, indexed so that a
// vertex's priority can change or the vertex leave in O(log n). Equal
// priorities go by vertex.
type vHeap struct {
	h   []int32
	pos []int32 // position of v in h, -1 when absent
	pri []float64
}

func newVHeap(n int) vHeap {
	q := vHeap{h: make([]int32, 0, n), pos: make([]int32, n), pri: make([]float64, n)}
	for v := range q.pos {
		q.pos[v] = -1
	}
	return q
}

func (q *vHeap) len() int { return len(q.h) }

// min returns the smallest priority, +Inf when empty.
func (q *vHeap) min() float64 {
	if len(q.h) == 0 {
		return math.Inf(1)
	}
	return q.pri[q.h[0]]
}

func (q *vHeap) less(a, b int32) bool {
	pa, pb := q.pri[a], q.pri[b]
	return pa < pb || pa == pb && a < b
}

func (q *vHeap) swap(i, j int) {
	q.h[i], q.h[j] = q.h[j], q.h[i]
	q.pos[q.h[i]], q.pos[q.h[j]] = int32(i), int32(j)
}

func (q *vHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !q.less(q.h[i], q.h[p]) {
			return
		}
		q.swap(i, p)
		i = p
	}
}

func (q *vHeap) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(q.h) {
			return
		}
		if r := l + 1; r < len(q.h) && q.less(q.h[r], q.h[l]) {
			l = r
		}
		if !q.less(q.h[l], q.h[i]) {
			return
		}
		q.swap(i, l)
		i = l
	}
}

// push adds v, which must be absent, with priority p.
func (q *vHeap) push(v int32, p float64) {
	q.pri[v] = p
	q.pos[v] = int32(len(q.h))
	q.h = append(q.h, v)
	q.up(len(q.h) - 1)
}

// fix sets v's priority to p; v must be present.
func (q *vHeap) fix(v int32, p float64) {
	q.pri[v] = p
	i := int(q.pos[v])
	q.up(i)
	q.down(int(q.pos[v]))
}

// remove takes v out; v must be present.
func (q *vHeap) remove(v int32) {
	i, last := int(q.pos[v]), len(q.h)-1
	if i != last {
		q.swap(i, last)
	}
	q.h = q.h[:last]
	q.pos[v] = -1
	if i != last {
		q.up(i)
		q.down(int(q.pos[q.h[i]]))
	}
}

// pop removes and returns the vertex of smallest priority; the heap must
// not be empty.
func (q *vHeap) pop() int32 {
	v := q.h[0]
	q.remove(v)
	return v
}

// lazyChunk is the number of pending vertices synchronised together.
var lazyChunk = gramTile

// minSyncWork is the least number of products for which sync splits the
// chunks among the workers.
var minSyncWork int64 = 1 << 16

// sync replays the windows of the pending vertices vs. Sorted by the
// start of their windows, they go in chunks of lazyChunk whose products
// with the union of their windows are computed together; chunks run in
// parallel (each touches only its own vertices' state).
func (l *lazyPrim) sync(vs []int32) {
	slices.SortFunc(vs, func(a, b int32) int {
		return cmp.Or(cmp.Compare(l.vs[a].since, l.vs[b].since), cmp.Compare(a, b))
	})
	nc := (len(vs) + lazyChunk - 1) / lazyChunk
	var work int64
	for i := 0; i < len(vs); i += lazyChunk {
		work += int64(min(lazyChunk, len(vs)-i)) * int64(len(l.s.order)-int(l.vs[vs[i]].since))
	}
	l.windows += work
	w := min(l.workers, nc)
	if work < minSyncWork {
		w = 1 // not worth waking a goroutine
	}
	evals := make([]int64, w)
	var wg sync.WaitGroup
	chunks := make(chan int, nc)
	for i := range nc {
		chunks <- i * lazyChunk
	}
	close(chunks)
	need := min(lazyChunk, len(vs)) * len(l.s.order)
	for k := range w {
		if cap(l.scratch[k]) < need {
			// Room for the largest chunk against the whole tree to come.
			l.scratch[k] = make([]float32, need, lazyChunk*len(l.vs))
		}
	}
	run := func(k int) {
		scratch := l.scratch[k][:need]
		for i := range chunks {
			evals[k] += l.syncChunk(vs[i:min(len(vs), i+lazyChunk)], scratch)
		}
	}
	for k := 1; k < w; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run(k)
		}()
	}
	run(0)
	wg.Wait()
	for _, e := range evals {
		l.evals += e
	}
}

// syncChunk replays the windows of the vertices vs (sorted by their
// start) and returns the exact distances it computed.
func (l *lazyPrim) syncChunk(vs []int32, scratch []float32) int64 {
	s, p := l.s, l.p
	start := int(l.vs[vs[0]].since)
	win := s.order[start:]
	lw := len(win)
	g := scratch[:len(vs)*lw]
	gatherDots(p, vs, win, g)
	var evals int64
	for i, v := range vs {
		gv := g[i*lw : i*lw+lw]
		hv := p.h[v]
		lv := &l.vs[v]
		for j := int(lv.since) - start; j < lw; j++ {
			u := win[j]
			if lowerOf(p.h[u], hv, gv[j], p.lbf) >= s.limit(v) {
				continue
			}
			evals++
			s.Relax(u, v, p.exact(u, int(v)))
		}
		lv.since, lv.win = -1, math.Inf(1)
	}
	return evals
}

// gatherDots sets out[i·len(cols)+j] = y_rows[i]·y_cols[j].
func gatherDots(p *points, rows []int32, cols []int, out []float32) {
	ld, y, lc := p.stride, p.y, len(cols)
	if len(rows) == 0 || lc == 0 {
		return
	}
	if !haveKernel || preferBLAS {
		gatherDotsBLAS(p, rows, cols, out)
		return
	}
	// As in gramStrip: blocks of 64 columns stay in L2 while every group
	// of 6 rows sweeps them.
	const nb = 64
	var res [12]float32
	var a [6]int
	for jb := 0; jb < lc; jb += nb {
		je := min(lc, jb+nb)
		for i := 0; i < len(rows); i += 6 {
			for q := range a {
				a[q] = int(rows[min(i+q, len(rows)-1)]) * ld
			}
			nr := min(6, len(rows)-i)
			for j := jb; j < je; j += 2 {
				j1 := min(j+1, je-1)
				dot12(y, ld, p.dim, &a, cols[j]*ld, cols[j1]*ld, &res)
				o := i*lc + j
				for q := range nr {
					out[o+q*lc] = res[2*q]
				}
				if j1 > j {
					for q := range nr {
						out[o+q*lc+1] = res[2*q+1]
					}
				}
			}
		}
	}
}

// gatherDotsBLAS is gatherDots through blas32.Gemm on gathered copies of
// the rows and of blocks of columns.
func gatherDotsBLAS(p *points, rows []int32, cols []int, out []float32) {
	const nb = 256
	ld, lc := p.stride, len(cols)
	d := p.dim
	a := make([]float32, len(rows)*d)
	for i, v := range rows {
		copy(a[i*d:i*d+d], p.y[int(v)*ld:])
	}
	b := make([]float32, min(nb, lc)*d)
	A := blas32.General{Rows: len(rows), Cols: d, Stride: d, Data: a}
	for jb := 0; jb < lc; jb += nb {
		je := min(lc, jb+nb)
		for j := jb; j < je; j++ {
			copy(b[(j-jb)*d:(j-jb)*d+d], p.y[cols[j]*ld:])
		}
		B := blas32.General{Rows: je - jb, Cols: d, Stride: d, Data: b[:(je-jb)*d]}
		C := blas32.General{Rows: len(rows), Cols: je - jb, Stride: lc, Data: out[jb : (len(rows)-1)*lc+je]}
		blas32.Gemm(blas.NoTrans, blas.Trans, 1, A, B, 0, C)
	}
}
