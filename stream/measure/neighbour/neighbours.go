package neighbour

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"cxray/stream/measure/internal/numeric"
)

// Neighbours is the neighbour structure of one labelled point set, built
// once by Build and shared by every measure of the package.
//
// Per point i it holds, under the chosen distance and tie rule (ties within
// TieRTol go to the lowest index):
//   - its nearest neighbour of the same class and of another class (the
//     nearest enemy), index and distance (N2, N3, T1, LSC);
//   - its nearest other point and the distances of its two nearest other
//     points (N3, TwoNN), and ECoL's 1-NN under ZeroECoL (N3);
//   - its local set LS(i) = {j : key(i,j) < key of its nearest enemy},
//     the point itself included (LSC, and T1, whose hyperspheres lie
//     inside the local sets), with the distances;
//   - the undirected ε-graph with distance weights (Density, ClsCoef, Hubs).
//
// It keeps a reference to the points (N1 and N4 compute distances again):
// they must not change while the structure is in use.
//
// Memory: besides the n·d float32 points, about 80·n bytes of per-point
// fields, 12 bytes per local-set member (Σ|LS(i)| = n²·(1-LSC), at most
// n²/2 for two well-separated balanced classes, n²/C for C), and 12 bytes
// per directed graph edge (at most 2·⌊ε·n⌋·n under GraphKNN). Build adds
// per worker a tile of rowBlock·n float64 keys and n float64 of scratch.
// Never an n×n matrix.
type Neighbours struct {
	n, dim int
	x      []float32
	labels []int32
	opt    Options
	metric *Metric
	work   int

	sameIdx, otherIdx []int32   // nearest same-class / other-class point, -1 if none
	sameD, otherD     []float64 // their distances, +Inf if none
	nnIdx             []int32   // nearest other point
	nnECoL            []int32   // ECoL's 1-NN (ZeroECoL)
	d1, d2            []float64 // distances of the two nearest other points

	lsStart []int64 // local sets, CSR
	lsIdx   []int32
	lsD     []float64

	adjStart []int64 // undirected graph, CSR, sorted, no loops
	adjIdx   []int32
	adjW     []float64

	stats Stats
}

// Stats describes a Build.
type Stats struct {
	Pairs      int64         // ordered pairs whose distance was computed
	LocalSet   int64         // Σ|LS(i)|
	GraphEdges int64         // undirected edges of the ε-graph
	K          int           // neighbours per point under GraphKNN
	Elapsed    time.Duration // wall time of Build
}

// rowBlock is the number of rows a worker finishes at once, and colBlock
// the number of points a tile visits before moving on, so that both fit in
// the L2 cache for d in the thousands.
const (
	rowBlock = 16
	colBlock = 64
)

// Build computes the neighbour structure of the n = len(labels) points x
// (row-major n×dim float32), in row blocks of the pairwise keys, with
// opt.Workers goroutines (0: GOMAXPROCS). opt nil means DefaultOptions.
//
// Every pair's distance is computed exactly once per ordered pair, in
// float64 (Metric), n²·d operations in all. It fails on a shape mismatch,
// NaN or ±Inf, fewer than 2 points, or fewer than 2 classes.
func Build(x []float32, dim int, labels []int32, opt *Options) (*Neighbours, error) {
	t0 := time.Now()
	o := DefaultOptions()
	if opt != nil {
		o = *opt
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	if dim < 1 {
		return nil, fmt.Errorf("neighbour: dimension %d < 1", dim)
	}
	n := len(labels)
	if len(x) != n*dim {
		return nil, fmt.Errorf("neighbour: %d values for %d labels of dimension %d", len(x), n, dim)
	}
	if n < 2 {
		return nil, fmt.Errorf("neighbour: need at least 2 points, have %d", n)
	}
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("neighbour: sample %d feature %d is %v", i/dim, i%dim, v)
		}
	}
	classes := map[int32]bool{}
	for _, l := range labels {
		classes[l] = true
	}
	if len(classes) < 2 {
		return nil, errors.New("neighbour: need at least 2 classes")
	}
	m, err := NewMetric(o.Distance, x, dim)
	if err != nil {
		return nil, err
	}
	w := o.Workers
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	nb := &Neighbours{
		n: n, dim: dim, x: x, labels: labels, opt: o, metric: m, work: w,
		sameIdx: make([]int32, n), otherIdx: make([]int32, n),
		sameD: make([]float64, n), otherD: make([]float64, n),
		nnIdx: make([]int32, n), nnECoL: make([]int32, n),
		d1: make([]float64, n), d2: make([]float64, n),
	}
	k := 0
	if o.Graph == GraphKNN {
		k = int(math.Floor(o.Epsilon * float64(n)))
	}
	nb.stats.K = k

	ls := make([][]lsEntry, n)
	out := make([][]lsEntry, n) // directed graph edges i→j with distance
	blocks := (n + rowBlock - 1) / rowBlock
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(w, blocks) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := newRowWorker(nb, k)
			for {
				b := int(next.Add(1) - 1)
				if b >= blocks {
					return
				}
				i0 := b * rowBlock
				i1 := min(i0+rowBlock, n)
				r.tile(i0, i1)
				for i := i0; i < i1; i++ {
					ls[i], out[i] = r.row(i, r.keys[(i-i0)*n:(i-i0+1)*n])
				}
			}
		}()
	}
	wg.Wait()
	nb.stats.Pairs = int64(n) * int64(n)

	nb.lsStart = make([]int64, n+1)
	for i, l := range ls {
		nb.lsStart[i+1] = nb.lsStart[i] + int64(len(l))
	}
	nb.lsIdx = make([]int32, nb.lsStart[n])
	nb.lsD = make([]float64, nb.lsStart[n])
	for i, l := range ls {
		for t, e := range l {
			nb.lsIdx[nb.lsStart[i]+int64(t)] = e.j
			nb.lsD[nb.lsStart[i]+int64(t)] = e.d
		}
		ls[i] = nil
	}
	nb.stats.LocalSet = nb.lsStart[n]
	nb.symmetrize(out)
	nb.stats.GraphEdges = nb.adjStart[n] / 2
	nb.stats.Elapsed = time.Since(t0)
	return nb, nil
}

type lsEntry struct {
	j int32
	d float64
}

// rowWorker holds one goroutine's tile and scratch.
type rowWorker struct {
	nb   *Neighbours
	k    int
	keys []float64 // rowBlock×n keys
	sel  []float64 // scratch for selection
	tied []int32
}

func newRowWorker(nb *Neighbours, k int) *rowWorker {
	return &rowWorker{nb: nb, k: k, keys: make([]float64, rowBlock*nb.n), sel: make([]float64, nb.n)}
}

// tile fills keys with the keys of rows i0…i1-1 against every point,
// visiting the points in blocks of colBlock so that they stay in cache
// while every row of the block meets them.
func (r *rowWorker) tile(i0, i1 int) {
	nb := r.nb
	n, d := nb.n, nb.dim
	for j0 := 0; j0 < n; j0 += colBlock {
		j1 := min(j0+colBlock, n)
		for i := i0; i < i1; i++ {
			base := (i - i0) * n
			nb.metric.keysRange(nb.x[i*d:i*d+d], nb.x, j0, j1, r.keys[base+j0:base+j1])
		}
	}
}

// lim returns the bounds of a tie with key v: keys in [lo, hi] tie with v.
func (nb *Neighbours) lim(v float64) (lo, hi float64) {
	if v == 0 || math.IsInf(v, 1) {
		return v, v
	}
	return v * (1 - nb.opt.TieRTol), v * (1 + nb.opt.TieRTol)
}

// row analyses the keys c of point i against every point (c[i] = 0).
func (r *rowWorker) row(i int, c []float64) ([]lsEntry, []lsEntry) {
	nb := r.nb
	lab := nb.labels[i]
	inf := math.Inf(1)
	minS, minO, m1, m2 := inf, inf, inf, inf
	for j, v := range c {
		if j == i {
			continue
		}
		if nb.labels[j] == lab {
			minS = min(minS, v)
		} else {
			minO = min(minO, v)
		}
		if v < m1 {
			m1, m2 = v, m1
		} else if v < m2 {
			m2 = v
		}
	}
	// Lowest index within the tolerance of each minimum.
	_, hiS := nb.lim(minS)
	_, hiO := nb.lim(minO)
	_, hi1 := nb.lim(m1)
	si, oi, ni := int32(-1), int32(-1), int32(-1)
	for j, v := range c {
		if j == i {
			continue
		}
		if ni < 0 && v <= hi1 {
			ni = int32(j)
		}
		if nb.labels[j] == lab {
			if si < 0 && v <= hiS {
				si = int32(j)
			}
		} else if oi < 0 && v <= hiO {
			oi = int32(j)
		}
	}
	nb.sameIdx[i], nb.otherIdx[i], nb.nnIdx[i] = si, oi, ni
	nb.sameD[i], nb.otherD[i] = nb.metric.dist(minS), nb.metric.dist(minO)
	nb.d1[i], nb.d2[i] = nb.metric.dist(m1), nb.metric.dist(m2)

	// ECoL's 1-NN: entry 2 of the row sorted stably with i in it. With no
	// duplicate that is the nearest other point; among i and its
	// duplicates (keys exactly 0) it is the second-lowest index.
	nb.nnECoL[i] = ni
	if m1 == 0 {
		first := -1
		for j, v := range c {
			if v == 0 || j == i {
				if first < 0 {
					first = j
				} else {
					nb.nnECoL[i] = int32(j)
					break
				}
			}
		}
	}

	// Local set: keys strictly below the nearest enemy's.
	var ls []lsEntry
	if oi >= 0 {
		lo, _ := nb.lim(minO)
		for j, v := range c {
			if v < lo {
				ls = append(ls, lsEntry{int32(j), nb.metric.dist(v)})
			}
		}
	}
	return ls, r.edges(i, c)
}

// edges returns the graph edges chosen by point i, ascending.
func (r *rowWorker) edges(i int, c []float64) []lsEntry {
	nb := r.nb
	lab := nb.labels[i]
	ecol := nb.opt.ZeroDistances == ZeroECoL
	keep := func(j int) bool {
		return j != i && nb.labels[j] == lab && (!ecol || c[j] > 0)
	}
	var out []lsEntry
	if nb.opt.Graph == GraphRadius {
		lo, _ := nb.lim(nb.metric.keyOf(nb.opt.Epsilon))
		for j, v := range c {
			if v < lo && keep(j) {
				out = append(out, lsEntry{int32(j), nb.metric.dist(v)})
			}
		}
		return out
	}
	// GraphKNN: the m smallest keys, ties within the tolerance of the m-th
	// taken in index order. ECoL sorts the row with i in it and takes
	// entries 2…k+1; cxray takes the k nearest other points.
	m := r.k
	vals := r.sel[:0]
	for j, v := range c {
		if ecol || j != i {
			vals = append(vals, v)
		}
	}
	if ecol {
		m++
	}
	if m <= 0 {
		return nil
	}
	if m > len(vals) {
		m = len(vals)
	}
	v := numeric.Select(vals, m-1)
	lo, hi := nb.lim(v)
	below := 0
	for j, x := range c {
		if (ecol || j != i) && x < lo {
			below++
		}
	}
	room := m - below
	drop := -1
	if ecol {
		// Entry 1 of the sorted row: the lowest index at key 0 (i itself
		// unless a duplicate precedes it).
		for j, x := range c {
			if x == 0 || j == i {
				drop = j
				break
			}
		}
	}
	for j, x := range c {
		if !ecol && j == i {
			continue
		}
		in := x < lo
		if !in && x <= hi && room > 0 {
			in = true
			room--
		}
		if in && j != drop && keep(j) {
			out = append(out, lsEntry{int32(j), nb.metric.dist(x)})
		}
	}
	return out
}

// symmetrize builds the undirected graph: an edge where either end chose
// the other, weighted by the distance (the same from either end: the
// per-feature terms do not depend on the order of the two points).
func (nb *Neighbours) symmetrize(out [][]lsEntry) {
	n := nb.n
	deg := make([]int64, n)
	for i, l := range out {
		for _, e := range l {
			deg[i]++
			deg[e.j]++
		}
	}
	start := make([]int64, n+1)
	for i := range n {
		start[i+1] = start[i] + deg[i]
	}
	fill := append([]int64(nil), start[:n]...)
	all := make([]lsEntry, start[n])
	for i, l := range out {
		for _, e := range l {
			all[fill[i]] = e
			fill[i]++
			all[fill[e.j]] = lsEntry{int32(i), e.d}
			fill[e.j]++
		}
		out[i] = nil
	}
	nb.adjStart = make([]int64, n+1)
	nb.adjIdx = make([]int32, 0, start[n])
	nb.adjW = make([]float64, 0, start[n])
	for i := range n {
		l := all[start[i]:start[i+1]]
		slices.SortFunc(l, func(a, b lsEntry) int { return int(a.j) - int(b.j) })
		for t, e := range l {
			if t > 0 && e.j == l[t-1].j {
				continue
			}
			nb.adjIdx = append(nb.adjIdx, e.j)
			nb.adjW = append(nb.adjW, e.d)
		}
		nb.adjStart[i+1] = int64(len(nb.adjIdx))
	}
}

// N returns the number of points.
func (nb *Neighbours) N() int { return nb.n }

// Dim returns the dimension of the points.
func (nb *Neighbours) Dim() int { return nb.dim }

// Options returns the conventions the structure was built under.
func (nb *Neighbours) Options() Options { return nb.opt }

// Stats describes the Build.
func (nb *Neighbours) Stats() Stats { return nb.stats }
