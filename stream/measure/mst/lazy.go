package mst

import (
	"cmp"
	"math"
	"slices"
	"sync"
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
	// Every vertex within the threshold; the first (the lowest index
	// under DCoL) is taken and the others go back.
	best := l.exact.pop()
	var back []int32
	for l.exact.len() > 0 && l.exact.min() <= thr {
		v := l.exact.pop()
		if s.first(v, best) {
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
