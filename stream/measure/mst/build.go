package mst

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"time"

	"cxray/stream/measure"
)

// Method chooses how Build finds the tree. Every method returns the same
// tree; they differ in speed and workspace.
type Method int

const (
	// Auto uses Stepwise for points of at most stepwiseMaxDim dimensions,
	// Lazy for wider ones when its workspace fits MaxWorkspace, else
	// Stepwise, else Dense. (Gram is about as fast as Lazy but needs n²
	// bytes, so it is used only on request.)
	Auto Method = iota
	// Gram computes lower bounds of all pairwise distances with blocked
	// float32 matrix products, stores them in one byte each, and runs Prim
	// on them, computing an exact distance only where a bound cannot settle
	// a comparison. Workspace: n·d float32 + n² bytes + Workers·128·n
	// float32 + O(n).
	Gram
	// Stepwise runs Prim computing, at every step, float32 dot products
	// from the vertex just added and exact distances only where their bound
	// cannot settle a comparison. Workspace: n·d float32 + O(n). Its work
	// is n²·d/2 multiply-adds shaped like matrix-vector products, so it is
	// bound by memory bandwidth.
	Stepwise
	// Dense is plain dense Prim with an exact float64 distance for every
	// comparison: the definition, n²·d/2 float64 multiply-adds and O(n)
	// workspace.
	Dense
	// Lazy computes every pair's bound once, as Gram does, but keeps only
	// each point's lazyK smallest (its candidates) and a floor below the
	// rest. Prim decides most pairs from those; the products of the few
	// points whose key the floors cannot settle are recomputed in blocks
	// when they might be next. Workspace: n·d float32 + 36·lazyK·n bytes +
	// Workers·128·n float32 + O(n).
	Lazy
	// Insert is not a method of Build (which rejects it) but the tree of an
	// Insertion; n1.ExactN1's Stats reports it when its Value returned the
	// value of the tree its Running keeps.
	Insert
)

// String names the method.
func (m Method) String() string {
	switch m {
	case Auto:
		return "auto"
	case Gram:
		return "gram"
	case Stepwise:
		return "stepwise"
	case Dense:
		return "dense"
	case Lazy:
		return "lazy"
	case Insert:
		return "insert"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// DefaultMaxWorkspace is the default limit on the workspace of Auto.
const DefaultMaxWorkspace = 256 << 20

// DefaultTieRTol is the tie tolerance of cxray's trees (see Options.TieRTol),
// the estimators' default: squared distances within a relative 1e-5 of each
// other tie. Data that reaches cxray as float32 carries about 6e-8 relative
// error per value, and a difference of two close values amplifies it: decimal
// data such as iris loses its exact ties by about 1e-7 relative once read into
// float32. 1e-5 restores those ties with a hundredfold margin, and is still
// far above the float64 rounding of a distance sum, so a tie never depends on
// the order of summation and trees agree with any float64 reference that uses
// the same tolerance.
const DefaultTieRTol = 1e-5

// Options configures Build. The zero value (and a nil *Options) means: no
// weights, exact comparisons (TieRTol 0, where the estimators default to
// DefaultTieRTol), DefaultMaxWorkspace, GOMAXPROCS workers and Auto.
type Options struct {
	// Weights, when not nil, scales feature i by Weights[i] (this is how
	// a normalisation enters).
	Weights []float64
	// Ties is the tie rule; under Total, TieRTol must be 0.
	Ties TieRule
	// TieRTol is the relative tie tolerance, in [0, 1e-3]. A key is
	// replaced only when the new squared distance d < key·(1-TieRTol);
	// the next vertex is the lowest-indexed one whose key is ≤
	// min·(1+TieRTol) (≤ 0 when the minimum is 0).
	TieRTol float64
	// MaxWorkspace limits, in bytes, the workspace Auto may choose.
	MaxWorkspace int64
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
	// Method forces a method; Auto chooses by MaxWorkspace.
	Method Method
}

// Tree is the tree Build found.
type Tree struct {
	// Parent[v] is the vertex v was attached to; Parent[0] = -1.
	Parent []int
	// Weight[v] is the exact squared length of the edge (Parent[v], v);
	// Weight[0] = 0.
	Weight []float64
	// Order lists the vertices in the order Prim added them.
	Order []int
	// Stats describes the run.
	Stats Stats
}

// Stats describes how a tree was found.
type Stats struct {
	Method Method // the method used (never Auto)
	// ExactEvals counts exact float64 distances computed. Dense computes
	// one per comparison, n(n-1)/2; the other methods only where the
	// float32 bound cannot settle a comparison.
	ExactEvals int64
	// WorkspaceBytes is the estimated workspace of the method, excluding
	// the input points and the returned tree.
	WorkspaceBytes int64
	// Prepare is the time spent preparing the float32 rows and, for Gram,
	// computing the distance bounds (the matrix products); Tree the time
	// after that (for Lazy, its products and its Prim).
	Prepare, Tree time.Duration
}

const gramTile = 128

// stepwiseMaxDim is the widest layer for which Auto prefers Stepwise to Lazy.
// On narrow layers a step of Prim costs little (n·d products), while Lazy's
// candidates settle few points and its windows recompute most pairs: on the
// bundled LeNet-5 over 10000 MNIST test images, Stepwise took 0.46 s on the
// 10-wide output layer (Lazy 1.2 s) and 1.1 s on an 84-wide layer (1.9 s); at
// 120 dimensions the two were even, and from 128 up (the 256-dimensional
// projections, the 400-wide and wider layers) Lazy was 3 to 5 times faster.
const stepwiseMaxDim = 96

// workspace estimates the bytes each method needs for n points of dim d;
// copyY says whether the points need a float32 copy (see newPoints).
func workspace(m Method, n, d, workers int, copyY bool) int64 {
	n64, d64 := int64(n), int64(d)
	common := 64 * n64 // keys, parents, thresholds, bounds, order, ...
	var y int64
	if copyY {
		y = 4 * n64 * ((d64 + 7) &^ 7)
	}
	switch m {
	case Gram:
		scratch := int64(workers) * gramTile * n64 * 4
		return y + n64*n64 + scratch + common
	case Stepwise:
		return y + 8*n64 + common
	case Lazy:
		k := int64(min(lazyK, max(n-1, 0)))
		scratch := int64(workers) * gramTile * n64 * 4
		return y + 36*k*n64 + 24*n64 + scratch + common
	}
	return common
}

// Build returns the minimum spanning tree of the n = len(x)/dim points x
// (row-major float32) that dense Prim builds from vertex 0 on exact squared
// Euclidean distances, with DCoL's tie rule (see the package
// documentation). Zero distances are ordinary edges, so the tree always has
// n-1 edges.
//
// opt may be nil (see Options for the defaults). It fails on an empty
// set, a length that is not a multiple of dim, NaN or ±Inf coordinates, or
// bad options; it never panics on its input.
func Build(x []float32, dim int, opt *Options) (*Tree, error) {
	var o Options
	if opt != nil {
		o = *opt
	}
	if dim < 1 {
		return nil, fmt.Errorf("mst: dimension %d < 1", dim)
	}
	if len(x)%dim != 0 {
		return nil, fmt.Errorf("mst: %d values are not a whole number of %d-dimensional points", len(x), dim)
	}
	n := len(x) / dim
	if n == 0 {
		return nil, errors.New("mst: no points")
	}
	if o.Weights != nil && len(o.Weights) != dim {
		return nil, fmt.Errorf("mst: %d weights for %d features", len(o.Weights), dim)
	}
	for i, w := range o.Weights {
		if !(w >= 0) || math.IsInf(w, 1) {
			return nil, fmt.Errorf("mst: weight %d is %v, want a finite value ≥ 0", i, w)
		}
	}
	if !(o.TieRTol >= 0 && o.TieRTol <= 1e-3) {
		return nil, fmt.Errorf("mst: tie tolerance %v outside [0, 1e-3]", o.TieRTol)
	}
	switch {
	case o.Ties == Total && o.TieRTol != 0:
		return nil, fmt.Errorf("mst: the total tie order compares exactly; tie tolerance %v must be 0", o.TieRTol)
	case o.Ties != DCoL && o.Ties != Total:
		return nil, fmt.Errorf("mst: unknown tie rule %d", int(o.Ties))
	}
	if err := measure.CheckFinite(x, dim, 0); err != nil {
		return nil, err
	}
	if o.MaxWorkspace <= 0 {
		o.MaxWorkspace = DefaultMaxWorkspace
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	m := o.Method
	copyY := false
	if m != Dense {
		copyY = needsCopy(x, n, dim, o.Weights)
	}
	switch m {
	case Auto:
		switch {
		case dim <= stepwiseMaxDim && workspace(Stepwise, n, dim, o.Workers, copyY) <= o.MaxWorkspace:
			m = Stepwise
		case workspace(Lazy, n, dim, o.Workers, copyY) <= o.MaxWorkspace:
			m = Lazy
		case workspace(Stepwise, n, dim, o.Workers, copyY) <= o.MaxWorkspace:
			m = Stepwise
		default:
			m = Dense
		}
	case Gram, Stepwise, Dense, Lazy:
	default:
		return nil, fmt.Errorf("mst: unknown method %d", int(m))
	}

	s := NewPrim(n, o.TieRTol)
	if o.Ties == Total {
		s = NewTotalPrim(n)
	}
	t0 := time.Now()
	p := newPoints(x, n, dim, o.Weights, m != Dense)
	defer p.free()
	var t1 time.Time
	switch m {
	case Dense:
		t1 = time.Now()
		denseTree(s, p)
	case Stepwise:
		t1 = time.Now()
		stepwiseTree(s, p, o.Workers)
	case Lazy:
		t1 = time.Now()
		lazyTree(s, p, o.Workers)
	case Gram:
		g := buildGramStore(p, o.Workers)
		t1 = time.Now()
		gramTree(s, p, g, o.Workers)
		g.free()
	}
	t2 := time.Now()
	return &Tree{
		Parent: s.parent,
		Weight: s.weight,
		Order:  s.order,
		Stats: Stats{
			Method:         m,
			ExactEvals:     s.evals,
			WorkspaceBytes: workspace(m, n, dim, o.Workers, copyY && m != Dense),
			Prepare:        t1.Sub(t0),
			Tree:           t2.Sub(t1),
		},
	}, nil
}
