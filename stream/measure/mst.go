package measure

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"time"
)

// Method chooses how PrimMST finds the tree. Every method returns the same
// tree; they differ in speed and workspace.
type Method int

const (
	// MethodAuto uses MethodStepwise for points of at most
	// stepwiseMaxDim dimensions, MethodLazy for wider ones when its
	// workspace fits MaxWorkspace, else MethodStepwise, else MethodDense.
	// (MethodGram is about as fast as MethodLazy but needs n² bytes, so
	// it is used only on request.)
	MethodAuto Method = iota
	// MethodGram computes lower bounds of all pairwise distances with
	// blocked float32 matrix products, stores them in one byte each, and
	// runs Prim on them, computing an exact distance only where a bound
	// cannot settle a comparison. Workspace: n·d float32 + n² bytes +
	// Workers·128·n float32 + O(n).
	MethodGram
	// MethodStepwise runs Prim computing, at every step, float32 dot
	// products from the vertex just added and exact distances only where
	// their bound cannot settle a comparison. Workspace: n·d float32 + O(n).
	// Its work is n²·d/2 multiply-adds shaped like matrix-vector products,
	// so it is bound by memory bandwidth.
	MethodStepwise
	// MethodDense is plain dense Prim with an exact float64 distance for
	// every comparison: the definition, n²·d/2 float64 multiply-adds and
	// O(n) workspace.
	MethodDense
	// MethodLazy computes every pair's bound once, as MethodGram does, but
	// keeps only each point's lazyK smallest (its candidates) and a floor
	// below the rest. Prim decides most pairs from those; the products of
	// the few points whose key the floors cannot settle are recomputed in
	// blocks when they might be next. Workspace: n·d float32 +
	// 36·lazyK·n bytes + Workers·128·n float32 + O(n).
	MethodLazy
	// MethodInsert is not a method of PrimMST (which rejects it) but the
	// tree ExactN1.Running keeps by vertex insertion; ExactN1.Stats reports
	// it when Value returned that tree's value.
	MethodInsert
)

// String names the method.
func (m Method) String() string {
	switch m {
	case MethodAuto:
		return "auto"
	case MethodGram:
		return "gram"
	case MethodStepwise:
		return "stepwise"
	case MethodDense:
		return "dense"
	case MethodLazy:
		return "lazy"
	case MethodInsert:
		return "insert"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// DefaultMaxWorkspace is the default limit on the workspace of MethodAuto.
const DefaultMaxWorkspace = 256 << 20

// DefaultTieRTol is the tie tolerance of ExactN1 (see MSTOptions.TieRTol):
// squared distances within a relative 1e-5 of each other tie. Data that
// reaches cxray as float32 carries about 6e-8 relative error per value, and
// a difference of two close values amplifies it: decimal data such as iris
// loses its exact ties by about 1e-7 relative once read into float32. 1e-5
// restores those ties with a hundredfold margin, and is still far above the
// float64 rounding of a distance sum, so a tie never depends on the order
// of summation and trees agree with any float64 reference that uses the
// same tolerance.
const DefaultTieRTol = 1e-5

// MSTOptions configures PrimMST. The zero value (and a nil *MSTOptions)
// means: no weights, exact comparisons (TieRTol 0, unlike ExactN1's
// DefaultTieRTol), DefaultMaxWorkspace, GOMAXPROCS workers and MethodAuto.
type MSTOptions struct {
	// Weights, when not nil, scales feature i by Weights[i] (this is how
	// a normalisation enters).
	Weights []float64
	// TieRTol is the relative tie tolerance, in [0, 1e-3]. A key is
	// replaced only when the new squared distance d < key·(1-TieRTol);
	// the next vertex is the lowest-indexed one whose key is ≤
	// min·(1+TieRTol) (≤ 0 when the minimum is 0).
	TieRTol float64
	// MaxWorkspace limits, in bytes, the workspace MethodAuto may choose.
	MaxWorkspace int64
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
	// Method forces a method; MethodAuto chooses by MaxWorkspace.
	Method Method
}

// MST is the tree PrimMST found.
type MST struct {
	// Parent[v] is the vertex v was attached to; Parent[0] = -1.
	Parent []int
	// Weight[v] is the exact squared length of the edge (Parent[v], v);
	// Weight[0] = 0.
	Weight []float64
	// Order lists the vertices in the order Prim added them.
	Order []int
	// Stats describes the run.
	Stats MSTStats
}

// MSTStats describes how a tree was found.
type MSTStats struct {
	Method Method // the method used (never MethodAuto)
	// ExactEvals counts exact float64 distances computed. MethodDense
	// computes one per comparison, n(n-1)/2; the other methods only where
	// the float32 bound cannot settle a comparison.
	ExactEvals int64
	// WorkspaceBytes is the estimated workspace of the method, excluding
	// the input points and the returned tree.
	WorkspaceBytes int64
	// Prepare is the time spent preparing the float32 rows and, for
	// MethodGram, computing the distance bounds (the matrix products); Tree
	// the time after that (for MethodLazy, its products and its Prim).
	Prepare, Tree time.Duration
}

const gramTile = 128

// stepwiseMaxDim is the widest layer for which MethodAuto prefers
// MethodStepwise to MethodLazy. On narrow layers a step of Prim costs
// little (n·d products), while MethodLazy's candidates settle few points
// and its windows recompute most pairs: on the bundled LeNet-5 over 10000
// MNIST test images, MethodStepwise took 0.46 s on the 10-wide output
// layer (MethodLazy 1.2 s) and 1.1 s on an 84-wide layer (1.9 s); at 120
// dimensions the two were even, and from 128 up (the 256-dimensional
// projections, the 400-wide and wider layers) MethodLazy was 3 to 5
// times faster.
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
	case MethodGram:
		scratch := int64(workers) * gramTile * n64 * 4
		return y + n64*n64 + scratch + common
	case MethodStepwise:
		return y + 8*n64 + common
	case MethodLazy:
		k := int64(min(lazyK, max(n-1, 0)))
		scratch := int64(workers) * gramTile * n64 * 4
		return y + 36*k*n64 + 24*n64 + scratch + common
	}
	return common
}

// PrimMST returns the minimum spanning tree of the n = len(x)/dim points x
// (row-major float32) that dense Prim builds from vertex 0 on exact squared
// Euclidean distances, with DCoL's tie rule (see the package
// documentation). Zero distances are ordinary edges, so the tree always has
// n-1 edges.
//
// opt may be nil (see MSTOptions for the defaults). It fails on an empty
// set, a length that is not a multiple of dim, NaN or ±Inf coordinates, or
// bad options; it never panics on its input.
func PrimMST(x []float32, dim int, opt *MSTOptions) (*MST, error) {
	var o MSTOptions
	if opt != nil {
		o = *opt
	}
	if dim < 1 {
		return nil, fmt.Errorf("measure: dimension %d < 1", dim)
	}
	if len(x)%dim != 0 {
		return nil, fmt.Errorf("measure: %d values are not a whole number of %d-dimensional points", len(x), dim)
	}
	n := len(x) / dim
	if n == 0 {
		return nil, errors.New("measure: no points")
	}
	if o.Weights != nil && len(o.Weights) != dim {
		return nil, fmt.Errorf("measure: %d weights for %d features", len(o.Weights), dim)
	}
	for i, w := range o.Weights {
		if !(w >= 0) || math.IsInf(w, 1) {
			return nil, fmt.Errorf("measure: weight %d is %v, want a finite value ≥ 0", i, w)
		}
	}
	if !(o.TieRTol >= 0 && o.TieRTol <= 1e-3) {
		return nil, fmt.Errorf("measure: tie tolerance %v outside [0, 1e-3]", o.TieRTol)
	}
	if err := checkFinite(x, dim, 0); err != nil {
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
	if m != MethodDense {
		copyY = needsCopy(x, n, dim, o.Weights)
	}
	switch m {
	case MethodAuto:
		switch {
		case dim <= stepwiseMaxDim && workspace(MethodStepwise, n, dim, o.Workers, copyY) <= o.MaxWorkspace:
			m = MethodStepwise
		case workspace(MethodLazy, n, dim, o.Workers, copyY) <= o.MaxWorkspace:
			m = MethodLazy
		case workspace(MethodStepwise, n, dim, o.Workers, copyY) <= o.MaxWorkspace:
			m = MethodStepwise
		default:
			m = MethodDense
		}
	case MethodGram, MethodStepwise, MethodDense, MethodLazy:
	default:
		return nil, fmt.Errorf("measure: unknown method %d", int(m))
	}

	s := newPrimState(n, o.TieRTol)
	t0 := time.Now()
	p := newPoints(x, n, dim, o.Weights, m != MethodDense)
	defer p.free()
	var t1 time.Time
	switch m {
	case MethodDense:
		t1 = time.Now()
		denseTree(s, p)
	case MethodStepwise:
		t1 = time.Now()
		stepwiseTree(s, p, o.Workers)
	case MethodLazy:
		t1 = time.Now()
		lazyTree(s, p, o.Workers)
	case MethodGram:
		g := buildGramStore(p, o.Workers)
		t1 = time.Now()
		gramTree(s, p, g, o.Workers)
		g.free()
	}
	t2 := time.Now()
	return &MST{
		Parent: s.parent,
		Weight: s.weight,
		Order:  s.order,
		Stats: MSTStats{
			Method:         m,
			ExactEvals:     s.evals,
			WorkspaceBytes: workspace(m, n, dim, o.Workers, copyY && m != MethodDense),
			Prepare:        t1.Sub(t0),
			Tree:           t2.Sub(t1),
		},
	}, nil
}

// checkFinite reports the first NaN or ±Inf in x, naming its sample
// (offset by first) and feature.
func checkFinite(x []float32, dim, first int) error {
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("measure: sample %d feature %d is %v", first+i/dim, i%dim, v)
		}
	}
	return nil
}
