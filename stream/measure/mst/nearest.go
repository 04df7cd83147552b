package mst

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"cxray/stream/measure"
)

// Nearest holds every point's nearest neighbours: of its own class, of
// another class, and of any class, each excluding the point itself.
type Nearest struct {
	// Same and Other are the nearest point of the same class and of
	// another class, -1 when there is none; SameD2 and OtherD2 their exact
	// squared distances (SqDist), +Inf when there is none.
	Same, Other     []int32
	SameD2, OtherD2 []float64
	// NN is the nearest other point of any class.
	NN []int32
	// ExactEvals counts the exact distances computed, and Rows the points
	// whose shortlists did not decide and whose row of products was
	// computed again.
	ExactEvals, Rows int64
}

// nearestRows is the number of rows of products a worker computes at
// once, and nearestK the number of candidates kept per point and kind
// (same class, other class).
const nearestRows = 32

var nearestK = 8 // a variable for the tests, which shorten the lists

// NearestBytes is the workspace of FindNearest on n points of dimension
// dim with the given workers, beyond the points and the result (32·n
// bytes): each worker's block of products (128·n) and shortlists
// (24·nearestK+34 bytes a point), the per-point bound terms and, when the
// points need one (see Build), their float32 copy.
func NearestBytes(n, dim, workers int) int64 {
	n64 := int64(n)
	perWorker := nearestRows*4*n64 + int64(24*nearestK+34)*n64
	return int64(max(workers, 1))*perWorker + 16*n64 + 4*n64*int64((dim+7)&^7)
}

// FindNearest finds every point's nearest neighbours (Nearest) among the n
// = len(labels) points x (row-major n×dim float32), on the exact squared
// distances of the package (SqDist, scaled by opt.Weights). Ties follow
// package neighbour's rule: among the points whose distance is within a
// relative opt.TieRTol of the nearest (only exact zeros when it is 0),
// the lowest index. Of opt, only Weights, TieRTol and Workers apply.
//
// It is exact and takes O(n·d) memory (NearestBytes): the points' float32
// products, computed once per pair in blocks of rows as Build's are, give
// a rigorous lower bound of every distance, and each point keeps the
// smallest bounds of each kind; an exact distance is computed only where
// the bounds do not rule a pair out (see the package documentation).
// Work: n²·d/2 multiply-adds of products plus, on typical data, two exact
// distances per point.
func FindNearest(x []float32, dim int, labels []int32, opt *Options) (*Nearest, error) {
	var o Options
	if opt != nil {
		o = *opt
	}
	if dim < 1 {
		return nil, fmt.Errorf("mst: dimension %d < 1", dim)
	}
	n := len(labels)
	if len(x) != n*dim {
		return nil, fmt.Errorf("mst: %d values for %d labels of dimension %d", len(x), n, dim)
	}
	if n == 0 {
		return nil, errors.New("mst: no points")
	}
	if o.Weights != nil && len(o.Weights) != dim {
		return nil, fmt.Errorf("mst: %d weights for %d features", len(o.Weights), dim)
	}
	if !(o.TieRTol >= 0 && o.TieRTol <= 1e-3) {
		return nil, fmt.Errorf("mst: tie tolerance %v outside [0, 1e-3]", o.TieRTol)
	}
	if err := measure.CheckFinite(x, dim, 0); err != nil {
		return nil, err
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	p := newPoints(x, n, dim, o.Weights, true)
	defer p.free()
	nr := &Nearest{
		Same: make([]int32, n), Other: make([]int32, n), NN: make([]int32, n),
		SameD2: make([]float64, n), OtherD2: make([]float64, n),
	}
	lists := shortlists(p, labels, o.Workers)
	settleAll(p, labels, o.TieRTol, lists, nr, o.Workers)
	return nr, nil
}

// shortlist keeps, for every point and kind (0: its class, 1: another),
// the nearestK smallest lower bounds offered with their points, and the
// floor: the smallest bound offered but not kept (+Inf while none was
// dropped). Every point of that kind outside the list is at least the
// floor away.
type shortlist struct {
	bound []float64 // per point and kind, nearestK entries
	idx   []int32
	count []uint8   // entries kept, per point and kind
	top   []float64 // the largest bound kept, once the list is full
	floor []float64
}

func newShortlist(n int) *shortlist {
	s := &shortlist{
		bound: make([]float64, 2*n*nearestK), idx: make([]int32, 2*n*nearestK),
		count: make([]uint8, 2*n), top: make([]float64, 2*n), floor: make([]float64, 2*n),
	}
	for i := range s.floor {
		s.floor[i] = math.Inf(1)
	}
	return s
}

// offer offers point v at bound l to list i (point·2 + kind).
func (s *shortlist) offer(i int, l float64, v int32) {
	c := int(s.count[i])
	b := s.bound[i*nearestK : (i+1)*nearestK]
	if c < nearestK {
		b[c], s.idx[i*nearestK+c] = l, v
		s.count[i]++
		if c+1 == nearestK {
			s.top[i] = slices.Max(b)
		}
		return
	}
	if l >= s.top[i] {
		s.floor[i] = min(s.floor[i], l)
		return
	}
	j := slices.Index(b, s.top[i])
	s.floor[i] = min(s.floor[i], s.top[i])
	b[j], s.idx[i*nearestK+j] = l, v
	s.top[i] = slices.Max(b)
}

// merge offers other's lists to s.
func (s *shortlist) merge(other *shortlist) {
	for i := range s.count {
		for k := range int(other.count[i]) {
			s.offer(i, other.bound[i*nearestK+k], other.idx[i*nearestK+k])
		}
		s.floor[i] = min(s.floor[i], other.floor[i])
	}
}

// kind is 0 when u and v have the same label, else 1.
func kind(labels []int32, u, v int) int {
	if labels[u] == labels[v] {
		return 0
	}
	return 1
}

// shortlists offers every pair once, by its lower bound, to both its
// points' lists: the products of the lower triangle, in strips of
// nearestRows rows as buildGramStore computes them. Each worker keeps its
// own lists; they are merged at the end.
func shortlists(p *points, labels []int32, workers int) *shortlist {
	n := p.n
	strips := (n + nearestRows - 1) / nearestRows
	next := make(chan int, strips)
	for i := strips - 1; i >= 0; i-- {
		next <- i // longest first
	}
	close(next)
	workers = max(1, min(workers, strips))
	lists := make([]*shortlist, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := newShortlist(n)
			g := make([]float32, nearestRows*n)
			h, lbf := p.h, p.lbf
			for I := range next {
				r0 := I * nearestRows
				r1 := min(n, r0+nearestRows)
				gramStrip(p, r0, r1, r1, g[:(r1-r0)*r1])
				for u := r0; u < r1; u++ {
					hu, lu := h[u], labels[u]
					row := g[(u-r0)*r1 : (u-r0)*r1+u]
					for v, gv := range row {
						l := lowerOf(hu, h[v], gv, lbf)
						k := 0
						if labels[v] != lu {
							k = 1
						}
						s.offer(2*u+k, l, int32(v))
						s.offer(2*v+k, l, int32(u))
					}
				}
			}
			lists[w] = s
		}()
	}
	wg.Wait()
	for _, s := range lists[1:] {
		lists[0].merge(s)
	}
	return lists[0]
}

// settleAll finds every point's neighbours from its shortlists: the
// candidates are measured exactly in the order of their bounds while a
// bound is within the tie tolerance of the smallest distance so far. When
// the floor of a list is beyond that tolerance too, no point outside it
// can be as near, and the list decides; otherwise the point's whole row
// of products is computed again and scanned (nearestScan.row).
func settleAll(p *points, labels []int32, rtol float64, lists *shortlist, out *Nearest, workers int) {
	n := p.n
	chunk := max(256, n/(8*max(workers, 1)))
	next := make(chan int, (n+chunk-1)/chunk)
	for at := 0; at < n; at += chunk {
		next <- at
	}
	close(next)
	var cols []int // all points, for the rows computed again
	var once sync.Once
	evals, rows := make([]int64, workers), make([]int64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := nearestScan{p: p, labels: labels, rtol: rtol, out: out}
			var order []int
			for at := range next {
				for u := at; u < min(n, at+chunk); u++ {
					if s.settle(u, lists, &order) {
						continue
					}
					once.Do(func() {
						cols = make([]int, n)
						for v := range cols {
							cols[v] = v
						}
					})
					if s.g == nil {
						s.g = make([]float32, n)
					}
					gatherDots(p, []int32{int32(u)}, cols, s.g)
					s.row(u, s.g)
					rows[w]++
				}
			}
			evals[w] = s.evals
		}()
	}
	wg.Wait()
	for w := range workers {
		out.ExactEvals += evals[w]
		out.Rows += rows[w]
	}
}

// nearestScan is one worker's state.
type nearestScan struct {
	p      *points
	labels []int32
	rtol   float64
	out    *Nearest
	g      []float32   // products of a point with every point
	cand   []candidate // the pairs of the current point given an exact distance
	evals  int64
}

type candidate struct {
	v    int32
	same bool
	d    float64
}

// tieLimit is the largest key that ties with the minimum m.
func (s *nearestScan) tieLimit(m float64) float64 {
	if m == 0 || math.IsInf(m, 1) {
		return m
	}
	return m * (1 + s.rtol)
}

// settle decides point u from its shortlists, and reports whether they
// sufficed.
func (s *nearestScan) settle(u int, lists *shortlist, order *[]int) bool {
	s.cand = s.cand[:0]
	for k := range 2 {
		i := 2*u + k
		c := int(lists.count[i])
		*order = (*order)[:0]
		for j := range c {
			*order = append(*order, i*nearestK+j)
		}
		slices.SortFunc(*order, func(a, b int) int { return cmp.Compare(lists.bound[a], lists.bound[b]) })
		m := math.Inf(1)
		for _, e := range *order {
			if lists.bound[e] > s.tieLimit(m) {
				break
			}
			v := int(lists.idx[e])
			d := s.p.exact(u, v)
			s.evals++
			m = min(m, d)
			s.cand = append(s.cand, candidate{v: int32(v), same: k == 0, d: d})
		}
		if f := lists.floor[i]; !math.IsInf(f, 1) && f <= s.tieLimit(m) {
			return false
		}
	}
	s.decide(u)
	return true
}

// row finds the neighbours of point u from g, the products of u with every
// point. The nearest point of each kind by lower bound is measured
// exactly, which caps that kind's minimum at its distance d; every point
// whose bound is within the tie tolerance of that cap is measured too.
// Any point within the tolerance of the true minimum is then measured
// (its bound is at most its distance), and so is, for the nearest of any
// class, every point within the tolerance of the smaller minimum.
func (s *nearestScan) row(u int, g []float32) {
	p, lab := s.p, s.labels[u]
	hu, lbf, h := p.h[u], p.lbf, p.h
	inf := math.Inf(1)
	bestS, bestO := -1, -1
	lowS, lowO := inf, inf
	for v, gv := range g {
		if v == u {
			continue
		}
		l := lowerOf(hu, h[v], gv, lbf)
		if s.labels[v] == lab {
			if l < lowS {
				lowS, bestS = l, v
			}
		} else if l < lowO {
			lowO, bestO = l, v
		}
	}
	capS, capO, dS, dO := inf, inf, inf, inf
	if bestS >= 0 {
		dS = p.exact(u, bestS)
		capS = s.tieLimit(dS)
		s.evals++
	}
	if bestO >= 0 {
		dO = p.exact(u, bestO)
		capO = s.tieLimit(dO)
		s.evals++
	}
	s.cand = s.cand[:0]
	for v, gv := range g {
		if v == u {
			continue
		}
		same := s.labels[v] == lab
		limit := capO
		if same {
			limit = capS
		}
		if lowerOf(hu, h[v], gv, lbf) > limit {
			continue
		}
		var d float64
		switch v {
		case bestS:
			d = dS
		case bestO:
			d = dO
		default:
			d = p.exact(u, v)
			s.evals++
		}
		s.cand = append(s.cand, candidate{v: int32(v), same: same, d: d})
	}
	s.decide(u)
}

// decide sets point u's neighbours from its measured candidates, which
// hold every point within the tie tolerance of either minimum: of each
// kind, and of any, the lowest index within the tolerance of the minimum.
func (s *nearestScan) decide(u int) {
	inf := math.Inf(1)
	minS, minO := inf, inf
	for _, c := range s.cand {
		if c.same {
			minS = min(minS, c.d)
		} else {
			minO = min(minO, c.d)
		}
	}
	hiS, hiO, hi1 := s.tieLimit(minS), s.tieLimit(minO), s.tieLimit(min(minS, minO))
	si, oi, ni := int32(-1), int32(-1), int32(-1)
	lower := func(cur, v int32) bool { return cur < 0 || v < cur }
	for _, c := range s.cand {
		if c.d <= hi1 && lower(ni, c.v) {
			ni = c.v
		}
		if c.same && c.d <= hiS && lower(si, c.v) {
			si = c.v
		}
		if !c.same && c.d <= hiO && lower(oi, c.v) {
			oi = c.v
		}
	}
	o := s.out
	o.Same[u], o.Other[u], o.NN[u] = si, oi, ni
	o.SameD2[u], o.OtherD2[u] = minS, minO
}
