package n1

import (
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"cxray/stream/measure/feature"
	"cxray/stream/measure/mst"
)

// samplePool holds the squared distances of every pair of a set of p
// points (the pool), so that N1 of many subsets can be computed without
// touching the coordinates again: a subset of m points costs O(m²) instead
// of O(m²·d). It is the engine of the size curve and of the replicates of
// SampledN1.
//
// The distances come from one float32 Gram matrix of the centred (and
// weighted) points: dist(u, v) = g_uu + g_vv − 2·g_uv, evaluated in
// float64 and stored as float32. Its relative error is about 1e-5 on
// MNIST-like data (Gram products of d terms in float32), so trees built
// on it can differ from the exact ones only between edges within about
// 1e-5 of each other. That matters for an exact value, and pool values are
// never reported as exact ones: they enter a statistical estimate whose
// own error is orders of magnitude larger.
//
// Memory: p² float32 for the matrix (the products are computed in place)
// plus, while it is built, p·d float32 for the centred copy.
type samplePool struct {
	p      int
	dist   []float32 // p×p
	labels []int32
	byCls  [][]int32 // pool indices of each class, increasing
}

// newSamplePool builds the pool of the p = len(labels) points of x listed
// in rows (dim features each, in stream order), scaled by w (nil: no
// scaling).
func newSamplePool(x []float32, rows []int, labels []int32, dim int, w []float64, classes int) *samplePool {
	p := len(labels)
	// Centre in float64 and scale, then round once to float32: the Gram
	// products lose accuracy with the norms, which centring minimises.
	mean := feature.OfRows(x, dim, rows, feature.Mean).Mean
	y := make([]float32, p*dim)
	for i := range p {
		dst := y[i*dim : (i+1)*dim]
		for j, v := range x[rows[i]*dim : (rows[i]+1)*dim] {
			f := float64(v) - mean[j]
			if w != nil {
				f *= w[j]
			}
			dst[j] = float32(f)
		}
	}
	// Only the lower triangle is needed: strips of rows [r0, r1) times
	// rows [0, r1), each a product large enough for BLAS to run well,
	// about half the work of the full product.
	g := make([]float32, p*p)
	const strip = 256
	for r0 := 0; r0 < p; r0 += strip {
		r1 := min(r0+strip, p)
		blas32.Gemm(blas.NoTrans, blas.Trans, 1,
			blas32.General{Rows: r1 - r0, Cols: dim, Stride: dim, Data: y[r0*dim : r1*dim]},
			blas32.General{Rows: r1, Cols: dim, Stride: dim, Data: y[:r1*dim]},
			0, blas32.General{Rows: r1 - r0, Cols: r1, Stride: p, Data: g[r0*p:]})
	}
	sp := &samplePool{p: p, labels: labels, byCls: make([][]int32, classes)}
	diag := make([]float64, p)
	for i := range p {
		diag[i] = float64(g[i*p+i])
	}
	// Mirror the lower triangle so that dist(u, v) = dist(v, u) exactly.
	for i := range p {
		for j := 0; j < i; j++ {
			d := diag[i] + diag[j] - 2*float64(g[i*p+j])
			if d < 0 {
				d = 0
			}
			g[i*p+j] = float32(d)
			g[j*p+i] = float32(d)
		}
		g[i*p+i] = 0
	}
	sp.dist = g
	for i, l := range labels {
		if l >= 0 && int(l) < classes {
			sp.byCls[l] = append(sp.byCls[l], int32(i))
		}
	}
	return sp
}

// n1 returns N1 of the pool points idx (increasing pool indices): the
// tree of mst.Prim from idx[0] without a tie tolerance (strict <, the
// lowest index on ties), on the pool's distances. work is reused between
// calls.
func (sp *samplePool) n1(idx []int32, work *poolWork) float64 {
	m := len(idx)
	if m < 2 {
		return 0
	}
	p := &work.prim
	p.Reset(m, 0)
	for u := 0; len(p.Rest()) > 0; u = p.Next() {
		row := sp.dist[int(idx[u])*sp.p : int(idx[u])*sp.p+sp.p]
		for _, v := range p.Rest() {
			p.Relax(u, v, float64(row[idx[v]]))
		}
	}
	work.labels = work.labels[:0]
	for _, i := range idx {
		work.labels = append(work.labels, sp.labels[i])
	}
	return float64(mst.CrossVertices(p.Parent(), work.labels)) / float64(m)
}

// poolWork is the scratch space of samplePool.n1 and of the subset draws.
type poolWork struct {
	prim   mst.Prim
	labels []int32
	idx    []int32
	perm   []int32
}

// draw returns, in increasing order, a uniform random subset of
// k[c] pool points of each class c, taken from from[c] (which must hold at
// least k[c] indices). The result aliases w.idx.
func (w *poolWork) draw(rng *rand.Rand, from [][]int32, k []int) []int32 {
	w.idx = w.idx[:0]
	for c, kc := range k {
		src := from[c]
		if kc >= len(src) {
			w.idx = append(w.idx, src...)
			continue
		}
		// Partial Fisher–Yates on a copy of the class's indices.
		w.perm = append(w.perm[:0], src...)
		for i := range kc {
			j := i + int(rng.Uint64N(uint64(len(w.perm)-i)))
			w.perm[i], w.perm[j] = w.perm[j], w.perm[i]
		}
		w.idx = append(w.idx, w.perm[:kc]...)
	}
	slices.Sort(w.idx)
	return w.idx
}
