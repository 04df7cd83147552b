package mst

import (
	"sync"
)

// gramStore holds a one-byte lower bound (code8) of every pairwise exact
// squared distance, the whole symmetric n×n matrix row-major, so that the
// row Prim reads at every step is contiguous. (The lower triangle alone in
// 16 bits takes the same memory, but half of every row is then a column,
// one cache line per element; at n = 10000 that made Prim three times
// slower.)
type gramStore struct {
	n     int
	code  code8
	codes []uint8
	free  func() // releases codes
}

// row returns the codes of the pairs (u, ·).
func (g *gramStore) row(u int) []uint8 { return g.codes[u*g.n : u*g.n+g.n] }

// buildGramStore fills the store. A strip is gramTile rows: one product
// y[strip rows]·y[0:end of strip]ᵀ, so the products are as large as BLAS
// likes them and only the lower triangle is computed; the codes are then
// mirrored. Workers take strips from a queue, longest first. Strips write
// disjoint parts of the matrix: rows [r0, r1) up to column r1, and the
// columns [r0, r1) of the rows above.
func buildGramStore(p *points, workers int) *gramStore {
	const t = gramTile
	n := p.n
	nt := (n + t - 1) / t
	// The top code stands for 4·q, q the 99th percentile of ‖y_u‖²: the
	// distances of all but the outlying points are ≤ (‖y_u‖+‖y_v‖)² ≤ 4q.
	// Larger bounds clamp to the top code, still lower bounds. Taking the
	// maximum instead would let one far outlier push the distances that
	// matter below the 16 binades of the code, where they read as 0 and
	// every comparison needs an exact distance.
	g := &gramStore{n: n, code: newCode8(4 * p.sqTop * 1.01)}
	g.codes, g.free = allocBytes(n * n)
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
			scratch := make([]float32, t*n)
			for I := range strips {
				r0 := I * t
				r1 := min(n, r0+t)
				c := scratch[:(r1-r0)*r1]
				gramStrip(p, r0, r1, r1, c)
				g.encodeStrip(p, r0, r1, c)
			}
		}()
	}
	wg.Wait()
	return g
}

// encodeStrip turns the dot products of rows [r0, r1) with rows [0, r1),
// held in c, into codes, and mirrors them.
func (g *gramStore) encodeStrip(p *points, r0, r1 int, c []float32) {
	n, lbf := g.n, p.lbf
	h := p.h[:r1]
	for u := r0; u < r1; u++ {
		dst := g.codes[u*n : u*n+r1]
		hu := p.h[u]
		for v, gv := range c[(u-r0)*r1 : (u-r0)*r1+r1] {
			// p.lower(u, v, gv), inlined by hand.
			dst[v] = g.code.encode((hu + h[v] - 2*float64(gv)) * lbf)
		}
		dst[u] = 0
	}
	// Mirror in blocks of 64 columns, so that the rows of the strip being
	// read stay in cache while the block's rows are written.
	const b = 64
	for v0 := 0; v0 < r0; v0 += b {
		v1 := min(r0, v0+b)
		for v := v0; v < v1; v++ {
			dst := g.codes[v*n+r0 : v*n+r1]
			for u := range dst {
				dst[u] = g.codes[(r0+u)*n+v]
			}
		}
	}
}

// gramTree runs Prim on the stored bounds. A pair (u, v) is skipped when
// its bound already reaches limit(v), so no exact distance could change
// key[v]; otherwise the exact distance decides. The keys are always exact,
// so every decision is the one dense Prim makes, and so is the tree.
func gramTree(s *Prim, p *points, g *gramStore, workers int) {
	// thr[v] is the smallest code that proves the bound reaches limit(v).
	thr := make([]uint16, p.n)
	for v := range thr {
		thr[v] = codeNever
	}
	u := 0
	evals := make([]int64, workers)
	var wg sync.WaitGroup
	for len(s.rest) > 0 {
		// Split the non-tree vertices among the workers when there are
		// enough to pay for waking them. relax and thr touch only the
		// entries of the part's own vertices, so the parts never write the
		// same element.
		rest := s.rest
		w := max(1, min(workers, len(rest)/minPerWorker))
		chunk := (len(rest) + w - 1) / w
		for k := w - 1; k >= 0; k-- {
			part := rest[min(len(rest), k*chunk):min(len(rest), (k+1)*chunk)]
			if k == 0 {
				evals[k] += gramStep(s, p, g, thr, u, part)
				break
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				evals[k] += gramStep(s, p, g, thr, u, part)
			}()
		}
		wg.Wait()
		u = s.Next()
	}
	for _, e := range evals {
		s.evals += e
	}
}

// minPerWorker is the least number of vertices a worker gets in a Prim step.
var minPerWorker = 2048

// gramStep offers u, the vertex just added, to the vertices in part and
// returns the number of exact distances it computed.
func gramStep(s *Prim, p *points, g *gramStore, thr []uint16, u int, part []int32) int64 {
	row := g.row(u)
	var evals int64
	for _, v := range part {
		if uint16(row[v]) >= thr[v] {
			continue
		}
		evals++
		if s.Relax(u, v, p.exact(u, int(v))) {
			thr[v] = g.code.atLeast(s.limit(v))
		}
	}
	return evals
}
