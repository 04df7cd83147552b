package mst

import (
	"sync"

	"gonum.org/v1/gonum/blas/blas32"
)

// stepwiseTree runs Prim with O(n·d) workspace: at every step the float32
// dot products from the vertex just added to the non-tree vertices give
// lower bounds (points.lower), and an exact distance is computed only where
// the bound is below limit(v). The work is n²·d/2 multiply-adds read from
// memory once per step, so it is bound by memory bandwidth: it is the
// fallback for sets whose byte matrix does not fit MaxWorkspace.
func stepwiseTree(s *Prim, p *points, workers int) {
	evals := make([]int64, max(1, workers))
	u := 0
	var wg sync.WaitGroup
	for len(s.rest) > 0 {
		// The workers split the non-tree vertices; relax touches only v's
		// own entries, so they never write the same element.
		rest := s.rest
		w := max(1, min(workers, len(rest)/minPerStepWorker))
		chunk := (len(rest) + w - 1) / w
		for k := w - 1; k >= 0; k-- {
			part := rest[min(len(rest), k*chunk):min(len(rest), (k+1)*chunk)]
			if k == 0 {
				evals[k] += stepwiseStep(s, p, u, part)
				break
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				evals[k] += stepwiseStep(s, p, u, part)
			}()
		}
		wg.Wait()
		u = s.Next()
	}
	for _, e := range evals {
		s.evals += e
	}
}

// minPerStepWorker is the least number of vertices a worker of
// stepwiseTree gets in a Prim step.
var minPerStepWorker = 256

// stepwiseStep offers u to the vertices in part and returns the number of
// exact distances it computed.
func stepwiseStep(s *Prim, p *points, u int, part []int32) int64 {
	d, ld := p.dim, p.stride
	yu := p.y[u*ld : u*ld+d]
	var evals int64
	offer := func(v int32, g float32) {
		if p.lower(u, int(v), g) >= s.limit(v) {
			return
		}
		evals++
		s.Relax(u, v, p.exact(u, int(v)))
	}
	i := 0
	if haveKernel {
		// Six vertices against u at a time: out[2r] = y_v(r)·y_u.
		var out [12]float32
		var a [6]int
		for ; i+6 <= len(part); i += 6 {
			q := part[i : i+6]
			for r, v := range q {
				a[r] = int(v) * ld
			}
			dot12(p.y, ld, d, &a, u*ld, u*ld, &out)
			for r, v := range q {
				offer(v, out[2*r])
			}
		}
	}
	bu := blas32.Vector{N: d, Inc: 1, Data: yu}
	for _, v := range part[i:] {
		bv := blas32.Vector{N: d, Inc: 1, Data: p.y[int(v)*ld : int(v)*ld+d]}
		offer(v, blas32.Dot(bu, bv))
	}
	return evals
}
