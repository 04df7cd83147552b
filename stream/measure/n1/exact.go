package n1

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"

	"cxray/stream/measure"
	"cxray/stream/measure/feature"
	"cxray/stream/measure/mst"
)

// ExactN1 computes N1 exactly over every point it is given.
//
// Memory: it keeps every point, n·d float32, plus n int32 labels (Bytes).
// Value adds, for the time it runs, the workspace of the method mst.Build
// chooses within MaxWorkspace: on layers wider than 96, mst.Lazy,
// 36·32·n bytes of candidates + 128·n float32 per worker + O(n); else
// mst.Stepwise, O(n); else mst.Dense, O(n); each plus an n·d float32 copy
// of the points when they are normalised or far from centred. At d = 784 that is 16 MB of points and 11 MB
// of workspace at n = 5000, 31 MB and 22 MB at n = 10000, all O(n·d).
// Running keeps a tree of about 90 bytes per point (see its doc).
//
// The result depends on the order of the points only through the tie rule
// (the tree is grown from the first point, and ties go to the lower index).
//
// The zero value is not usable; call NewExactN1. An ExactN1 is not safe for
// concurrent use, and must not be copied.
type ExactN1 struct {
	// Ties is the tie rule (mst.DCoL); under mst.Total, TieRTol must be 0.
	Ties mst.TieRule
	// TieRTol is the relative tie tolerance (mst.DefaultTieRTol); see
	// mst.Options.
	TieRTol float64
	// MaxWorkspace limits the workspace of Value in bytes
	// (mst.DefaultMaxWorkspace); beyond it Value falls back to slower methods
	// (see mst.Build).
	MaxWorkspace int64
	// Workers is the number of goroutines Value uses; 0 means GOMAXPROCS.
	Workers int
	// Method forces a method (mst.Auto chooses by MaxWorkspace). Value
	// uses Running's tree only with mst.Auto.
	Method mst.Method

	dim    int
	norm   measure.Normalization
	pts    pointStore // the points, n×dim
	labels []int32
	last   mst.Stats
	run    *mst.Insertion // the tree of Running; nil until it is first called
	tree   []int32        // the parents of the tree of the last Value (Samples)
}

var (
	_ measure.Runner           = (*ExactN1)(nil)
	_ measure.Merger[*ExactN1] = (*ExactN1)(nil)
)

// NewExactN1 returns an empty estimator for dim-dimensional points whose
// distances are measured after the normalisation norm.
func NewExactN1(dim int, norm measure.Normalization) *ExactN1 {
	return &ExactN1{
		TieRTol:      mst.DefaultTieRTol,
		MaxWorkspace: mst.DefaultMaxWorkspace,
		dim:          dim,
		norm:         norm,
	}
}

func (e *ExactN1) check() error {
	if e == nil || e.dim < 1 {
		return errors.New("n1: ExactN1 needs a dimension ≥ 1 (use NewExactN1)")
	}
	if !e.norm.Valid() {
		return fmt.Errorf("n1: unknown normalization %d", int(e.norm))
	}
	return nil
}

// Update adds the batch's len(b.Labels) points. b.X holds them row-major,
// len(b.Labels)×dim values; both are copied. A NaN or ±Inf is an error
// that names the sample (counted over everything the estimator has seen)
// and the feature; then nothing is added. ExactN1 keeps every point, so a
// batch with reservoir slots is an error too.
func (e *ExactN1) Update(b measure.Batch) error {
	if err := e.check(); err != nil {
		return err
	}
	x, labels := b.X, b.Labels
	if err := b.CheckWhole("n1: ExactN1", false); err != nil {
		return err
	}
	if len(x) != len(labels)*e.dim {
		return fmt.Errorf("n1: %d values for %d labels of dimension %d, want %d", len(x), len(labels), e.dim, len(labels)*e.dim)
	}
	if err := measure.CheckFinite(x, e.dim, len(e.labels)); err != nil {
		return err
	}
	e.pts.append(x)
	e.labels = append(e.labels, labels...)
	return nil
}

// Merge appends other's points after e's: merging b into a gives the
// state, and the value, of one estimator fed a's points and then b's
// (under DCoL's rule the tree depends on the order through ties; under
// the total order a point's index breaks them). other must have the same
// dimension, normalisation, tie rule and tolerance; it is unchanged.
func (e *ExactN1) Merge(other *ExactN1) error {
	if err := e.check(); err != nil {
		return err
	}
	if err := other.check(); err != nil {
		return err
	}
	if d := other.settings().differ(other.dim, e.settings(), e.dim); d != "" {
		return fmt.Errorf("n1: cannot merge an ExactN1 of other settings: %s", d)
	}
	e.pts.append(other.pts.values())
	e.labels = append(e.labels, other.labels...)
	runtime.KeepAlive(other)
	return nil
}

// workers is the number of goroutines to use.
func (e *ExactN1) workers() int {
	if e.Workers > 0 {
		return e.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// Grow makes room for n more points, for a caller that knows how many
// will come: the points then fill one allocation of exactly that size.
func (e *ExactN1) Grow(n int) {
	if n > 0 && e.dim > 0 {
		e.pts.grow(n * e.dim)
		e.labels = slices.Grow(e.labels, n)
	}
}

// N returns the number of points seen.
func (e *ExactN1) N() int { return len(e.labels) }

// Dim is the dimension of the points.
func (e *ExactN1) Dim() int { return e.dim }

// Conventions returns the conventions the value is computed under.
func (e *ExactN1) Conventions() measure.Conventions {
	c := measure.N1Conventions(e.norm, e.TieRTol)
	c.TieRule = e.Ties.String()
	return c
}

// Bytes is the size of the state: the points and labels, n·(4·dim+4)
// bytes, and the tree Running keeps (about 90 bytes per point once it is
// read).
func (e *ExactN1) Bytes() int64 {
	b := int64(e.N()) * (4*int64(e.dim) + 4)
	if e.run != nil {
		b += e.run.Bytes()
	}
	return b
}

// Estimate returns Value as a reading: Method "exact", no interval, and
// the conventions in its Params.
func (e *ExactN1) Estimate() (measure.Estimate, error) {
	v, err := e.Value()
	if err != nil {
		return measure.Estimate{}, err
	}
	return e.reading(v), nil
}

// reading is the Estimate of the value v over the points so far. Points
// that are all the same (a constant of the model, such as a recurrent
// layer's zero initial state, or units saturated on every sample) are
// marked "identical_points": every edge
// of their tree has length 0, so N1 reflects the tie rule, not the
// classes.
func (e *ExactN1) reading(v float64) measure.Estimate {
	params := e.Conventions().Params()
	if e.identical() {
		params["identical_points"] = true
	}
	return measure.Estimate{
		Value: v, CILow: math.NaN(), CIHigh: math.NaN(), N: e.N(), Seen: int64(e.N()),
		Method: measure.EstimateExact, Params: params,
	}
}

// identical reports whether every point equals the first, value for value
// (the first difference ends the comparison).
func (e *ExactN1) identical() bool {
	x := e.pts.values()
	for i := e.dim; i < len(x); i++ {
		if x[i] != x[i%e.dim] {
			return false
		}
	}
	return len(x) > e.dim
}

// Stats describes the last successful Value.
func (e *ExactN1) Stats() mst.Stats { return e.last }

// Value returns N1: the fraction of points incident to an edge of the
// minimum spanning tree whose endpoints have different labels, on dense
// Prim's tree under the tie rule (see mst.Build). It fails with fewer than 2
// points.
//
// Value builds the tree from scratch, except when Running has kept a tree
// (NormNone, Method mst.Auto): then it inserts the points that arrived
// since, and if no insertion has met a tie within the tolerance
// (RunningStats().Ties is 0), that tree is dense Prim's and its value is
// returned without recomputing (Stats().Method is mst.Insert).
func (e *ExactN1) Value() (float64, error) {
	if err := e.check(); err != nil {
		return 0, err
	}
	n := e.N()
	if n < 2 {
		return 0, fmt.Errorf("n1: N1 needs at least 2 points, have %d", n)
	}
	if e.run != nil && e.norm == measure.NormNone && e.Method == mst.Auto {
		if err := e.extendRunning(); err != nil {
			return 0, err
		}
		if e.run.Ties() == 0 {
			e.last = mst.Stats{Method: mst.Insert, ExactEvals: e.run.Evals(), WorkspaceBytes: e.run.Bytes()}
			e.tree = parents(e.run.Parent())
			return float64(mst.CrossVertices(e.run.Parent(), e.labels)) / float64(n), nil
		}
	}
	x := e.pts.values()
	t, err := mst.Build(x, e.dim, &mst.Options{
		Weights:      feature.Weights(x, n, e.dim, e.norm),
		Ties:         e.Ties,
		TieRTol:      e.TieRTol,
		MaxWorkspace: e.MaxWorkspace,
		Workers:      e.Workers,
		Method:       e.Method,
	})
	if err != nil {
		return 0, err
	}
	e.last = t.Stats
	e.tree = parents(t.Parent)
	return float64(mst.CrossVertices(t.Parent, e.labels)) / float64(n), nil
}

// Running reads N1 of the points seen so far, like Estimate, cheaply
// enough to be read after every batch: it keeps a minimum spanning tree
// and inserts the points that arrived since the last call one at a time
// (Chin and Houck's vertex insertion, mst.Insertion). Inserting a batch
// of b points into a tree of n costs b·n·d multiply-adds for the float32 products (shaped
// like a matrix product), O(b·n) for the tree, and an exact distance only
// for the few pairs the products cannot rule out; a stream read after
// every batch of 64 costs in all one to two times what one Value costs
// (on MNIST pixels, 2.3 exact distances per point). The products are
// bounded on the points as stored, not centred: on points whose common
// offset is large against their spread the bounds weaken and more exact
// distances are needed (the result is the same).
//
// The tree is a minimum spanning tree of the points so far, exactly; with
// distances that tie within TieRTol it may be another one than dense
// Prim's tree under the tie rule, so the value may differ from Value's.
// RunningStats().Ties counts the insertions' comparisons that were within
// the tolerance: while it is 0 the tree is unique up to the tolerance and
// is dense Prim's, and Running equals Value. Value returns dense Prim's
// value in every case.
//
// Memory: the tree and its scratch take about 90 bytes per point, kept
// between calls (capacity doubles as points arrive), plus 4·n·min(b, 128)
// bytes of products during a call; the products are taken on the points
// as stored, without a copy. Under a normalisation (NormMinMax,
// NormZScore) every distance changes with the statistics, so Running
// returns Value, recomputed from scratch.
func (e *ExactN1) Running() (measure.Estimate, error) {
	v, err := e.runningValue()
	if err != nil {
		return measure.Estimate{}, err
	}
	return e.reading(v), nil
}

// runningValue is Running's value.
func (e *ExactN1) runningValue() (float64, error) {
	if err := e.check(); err != nil {
		return 0, err
	}
	n := e.N()
	if n < 2 {
		return 0, fmt.Errorf("n1: N1 needs at least 2 points, have %d", n)
	}
	if e.norm != measure.NormNone {
		return e.Value()
	}
	if err := e.extendRunning(); err != nil {
		return 0, err
	}
	return float64(mst.CrossVertices(e.run.Parent(), e.labels)) / float64(n), nil
}

// extendRunning brings the running tree up to date, starting over if the
// tolerance changed.
func (e *ExactN1) extendRunning() error {
	if !(e.TieRTol >= 0 && e.TieRTol <= 1e-3) {
		return fmt.Errorf("n1: tie tolerance %v outside [0, 1e-3]", e.TieRTol)
	}
	if e.Ties == mst.Total && e.TieRTol != 0 {
		return fmt.Errorf("n1: the total tie order compares exactly; tie tolerance %v must be 0", e.TieRTol)
	}
	if e.run == nil || e.run.RTol() != e.TieRTol {
		e.run = mst.NewInsertion(e.dim, e.TieRTol, e.workers())
	}
	return e.run.Extend(e.pts.values())
}

// RunningStats describes the tree Running keeps.
type RunningStats struct {
	// N is the number of points in the tree.
	N int
	// Ties counts the comparisons of the insertions so far in which the
	// edge that left the tree was not longer than the next one of its
	// cycle by the tie tolerance. While it is 0, Running equals Value.
	Ties int64
	// ExactEvals counts the exact distances the insertions computed.
	ExactEvals int64
}

// RunningStats describes the tree Running keeps (all zero before the
// first call).
func (e *ExactN1) RunningStats() RunningStats {
	if e == nil || e.run == nil {
		return RunningStats{}
	}
	return RunningStats{N: e.run.N(), Ties: e.run.Ties(), ExactEvals: e.run.Evals()}
}

// Points returns the points and labels held, in arrival order, for
// measures computed from the same data. The slices are the estimator's
// own: read them, do not modify them, and do not keep them past the next
// Update.
func (e *ExactN1) Points() (x []float32, labels []int32) { return e.pts.values(), e.labels }
