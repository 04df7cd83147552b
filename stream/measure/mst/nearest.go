package mst

import (
	"errors"
	"fmt"
	"math"
	"runtime"
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
	// ExactEvals counts the exact distances computed.
	ExactEvals int64
}

// nearestRows is the number of rows of products a worker computes at once:
// its scratch is nearestRows·n float32.
const nearestRows = 32

// NearestBytes is the workspace of FindNearest on n points of dimension
// dim with the given workers, beyond the points and the result (32·n
// bytes): each worker's block of products, the per-point bound terms and,
// when the points need one (see Build), their float32 copy.
func NearestBytes(n, dim, workers int) int64 {
	n64 := int64(n)
	return int64(max(workers, 1))*nearestRows*4*n64 + 16*n64 + 4*n64*int64((dim+7)&^7)
}

// FindNearest finds every point's nearest neighbours (Nearest) among the n
// = len(labels) points x (row-major n×dim float32), on the exact squared
// distances of the package (SqDist, scaled by opt.Weights). Ties follow
// package neighbour's rule: among the points whose distance is within a
// relative opt.TieRTol of the nearest (only exact zeros when it is 0),
// the lowest index. Of opt, only Weights, TieRTol and Workers apply.
//
// It is exact and takes O(n·d) memory (NearestBytes): the points' float32
// products, computed in blocks of rows against all points as Build's are,
// give a rigorous lower bound of every distance; an exact distance is
// computed only for the pairs whose bound does not rule them out. Work:
// n²·d multiply-adds of products plus, on typical data, a few exact
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
	blocks := (n + nearestRows - 1) / nearestRows
	next := make(chan int, blocks)
	for b := range blocks {
		next <- b
	}
	close(next)
	workers := max(1, min(o.Workers, blocks))
	evals := make([]int64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := nearestScan{p: p, labels: labels, rtol: o.TieRTol, out: nr, g: make([]float32, nearestRows*n)}
			for b := range next {
				r0 := b * nearestRows
				r1 := min(n, r0+nearestRows)
				gramStrip(p, r0, r1, n, s.g[:(r1-r0)*n])
				for u := r0; u < r1; u++ {
					s.row(u, s.g[(u-r0)*n:(u-r0+1)*n])
				}
			}
			evals[w] = s.evals
		}()
	}
	wg.Wait()
	for _, e := range evals {
		nr.ExactEvals += e
	}
	return nr, nil
}

// nearestScan is one worker's state.
type nearestScan struct {
	p      *points
	labels []int32
	rtol   float64
	out    *Nearest
	g      []float32   // products of a block of rows with every point
	cand   []candidate // the pairs of the current row given an exact distance
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
	// The candidates are in index order: the first within a limit is the
	// lowest index.
	for _, c := range s.cand {
		if ni < 0 && c.d <= hi1 {
			ni = c.v
		}
		if c.same && si < 0 && c.d <= hiS {
			si = c.v
		}
		if !c.same && oi < 0 && c.d <= hiO {
			oi = c.v
		}
	}
	o := s.out
	o.Same[u], o.Other[u], o.NN[u] = si, oi, ni
	o.SameD2[u], o.OtherD2[u] = minS, minO
}
