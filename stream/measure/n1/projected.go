package n1

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"

	"cxray/stream/measure"
	"cxray/stream/measure/mst"
	"cxray/stream/measure/project"
)

// ProjectedN1 computes N1 exactly on the random projections of all the
// points it is given: each batch is projected by a project.Map as it
// arrives, and only the k-dimensional images are kept.
//
// Memory: n·k float32 and n int32 labels for n points (k/d of ExactN1's
// n·d), plus the projection matrix (d·k float32) and the projections of
// one batch; Estimate adds mst.Build's workspace for n points of dimension
// k. It grows with the stream, like ExactN1; combine the projection with
// a reservoir.Sampler (SampledN1) to bound it.
//
// The trees are exact trees of the projected points, so the value differs
// from N1 of the original points only through the projection's distortion
// of distances, which reorders near-equal edges. That change is not
// bounded by the Johnson–Lindenstrauss guarantee. It is not noise around
// zero either: the distortion blurs neighbourhoods, and N1 rises. How
// much depends on the map:
//
//   - A fitted map (project.Fit, what cxray analyze uses by default)
//     keeps the principal directions of the first points exactly and
//     distorts only the rest, a few percent of the variance of network
//     activations. On the eight wide layers of the bundled LeNet-5 over
//     2000 MNIST test images (TestLeNetBoundedAccuracy), K = 256, N1 is
//     within 0.006 of exact on every layer over three seeds. Estimate
//     returns it uncorrected.
//
//   - A plain map (project.New) distorts every direction, by about 8.8%
//     on squared distances at K = 256: N1 was +0.001 to +0.012 above
//     exact on average over three projections, +0.022 at worst. Estimate
//     corrects that bias. Each coordinate is an independent random
//     projection, so the first and the last K/2 coordinates are two
//     projections to K/2 dimensions of the same points, with twice the
//     distortion variance (which is ∝ 1/K). Assuming the bias of N1 is,
//     to first order, proportional to that variance, N1(K) ≈ N1 + c/K and
//     N1(K/2) ≈ N1 + 2c/K, so
//
//     N1 ≈ 2·N1(K) − (N1(first K/2) + N1(last K/2))/2,
//
//     Richardson's extrapolation to K → ∞ (clamped to [0, 1]). It removes
//     the bias on LeNet-5's layers, but a single projection still errs by
//     up to ±0.019 on a layer: the correction doubles the spread that one
//     projection has. It costs two more trees of dimension K/2. The
//     uncorrected N1(K) is kept in the params as n1_projected.
//
// Projecting to k ≥ d only adds distortion: use ExactN1 for such layers.
//
// A per-feature normalisation of the whole stream cannot be applied to
// points projected before the stream ends, so a normalisation other than
// NormNone is an error. The zero value is not usable; call
// NewProjectedN1. A ProjectedN1 is not safe for concurrent use.
type ProjectedN1 struct {
	// Ties, TieRTol, MaxWorkspace, Workers and Method configure the tree,
	// as in ExactN1.
	Ties         mst.TieRule
	TieRTol      float64
	MaxWorkspace int64
	Workers      int
	Method       mst.Method

	dim  int
	proj *project.Map
	norm measure.Normalization
	in   *ExactN1
	buf  []float32
}

var (
	_ measure.Runner               = (*ProjectedN1)(nil)
	_ measure.Merger[*ProjectedN1] = (*ProjectedN1)(nil)
)

// NewProjectedN1 returns an empty estimator of dim-dimensional points
// projected by proj.
func NewProjectedN1(dim int, proj *project.Map, norm measure.Normalization) *ProjectedN1 {
	e := &ProjectedN1{
		TieRTol:      mst.DefaultTieRTol,
		MaxWorkspace: mst.DefaultMaxWorkspace,
		dim:          dim,
		proj:         proj,
		norm:         norm,
	}
	if proj != nil {
		e.in = NewExactN1(proj.Out(), measure.NormNone)
	}
	return e
}

func (e *ProjectedN1) check() error {
	switch {
	case e == nil || e.dim < 1:
		return errors.New("n1: ProjectedN1 needs a dimension ≥ 1 (use NewProjectedN1)")
	case e.proj == nil || e.in == nil:
		return errors.New("n1: ProjectedN1 needs a projection map")
	case e.proj.Check() != nil:
		return e.proj.Check()
	case e.proj.In() != e.dim:
		return fmt.Errorf("n1: projector maps dimension %d, points have %d", e.proj.In(), e.dim)
	case !e.norm.Valid():
		return fmt.Errorf("n1: unknown normalization %d", int(e.norm))
	case e.norm != measure.NormNone:
		return fmt.Errorf("n1: cannot project under normalization %v: it needs the whole stream before the first batch is projected", e.norm)
	}
	return nil
}

// Update projects and adds the batch's len(b.Labels) points, b.X
// row-major (len(b.Labels)×dim values). Wrong sizes, a NaN or ±Inf, or
// reservoir slots (every point is kept) are an error, and then nothing is
// added.
func (e *ProjectedN1) Update(b measure.Batch) error {
	if err := e.check(); err != nil {
		return err
	}
	if err := b.CheckWhole("n1: ProjectedN1", false); err != nil {
		return err
	}
	x, labels := b.X, b.Labels
	n := len(labels)
	if len(x) != n*e.dim {
		return fmt.Errorf("n1: %d values for %d labels of dimension %d, want %d", len(x), n, e.dim, n*e.dim)
	}
	if err := measure.CheckFinite(x, e.dim, e.in.N()); err != nil {
		return err
	}
	k := e.proj.Out()
	e.buf = slices.Grow(e.buf[:0], n*k)[:n*k]
	e.proj.Apply(e.buf, x, n)
	return e.in.Update(measure.Batch{X: e.buf, Labels: labels})
}

// Grow makes room for n more projected points (see ExactN1.Grow).
func (e *ProjectedN1) Grow(n int) {
	if e.in != nil {
		e.in.Grow(n)
	}
}

// Merge appends other's projected points after e's, as ExactN1.Merge.
// other must have the same settings and the same projection (a map
// fitted on its own leading points is another map); it is unchanged.
func (e *ProjectedN1) Merge(other *ProjectedN1) error {
	if err := e.check(); err != nil {
		return err
	}
	if err := other.check(); err != nil {
		return err
	}
	if d := other.settings().differ(other.dim, e.settings(), e.dim); d != "" {
		return fmt.Errorf("n1: cannot merge a ProjectedN1 of other settings: %s", d)
	}
	if !other.proj.Equal(e.proj) {
		return errors.New("n1: cannot merge a ProjectedN1 of another projection")
	}
	return e.in.Merge(other.in)
}

// N is the number of points seen.
func (e *ProjectedN1) N() int {
	if e.in == nil {
		return 0
	}
	return e.in.N()
}

// Conventions returns the conventions the value is computed under.
func (e *ProjectedN1) Conventions() measure.Conventions {
	c := measure.N1Conventions(e.norm, e.TieRTol)
	c.TieRule = e.Ties.String()
	return c
}

// Bytes is the size of the state: the projected points and labels, the
// batch buffer and the projection matrix.
func (e *ProjectedN1) Bytes() int64 {
	if e.in == nil {
		return 0
	}
	// Counted from N rather than read off ExactN1's slices, whose spare
	// capacity (up to 2× from append) is not included.
	n := int64(e.in.N())
	return n*(4*int64(e.proj.Out())+4) + 4*int64(cap(e.buf)) + e.proj.Bytes()
}

// Estimate returns N1 of the projected points (Method "projected", no
// interval).
func (e *ProjectedN1) Estimate() (measure.Estimate, error) {
	if err := e.check(); err != nil {
		return measure.Estimate{}, err
	}
	v, corr, err := correctedProjectedN1(e.in.pts.values(), e.in.labels, e.proj, &mst.Options{
		Ties: e.Ties, TieRTol: e.TieRTol, MaxWorkspace: e.MaxWorkspace, Workers: e.Workers, Method: e.Method,
	})
	if err != nil {
		return measure.Estimate{}, err
	}
	return e.reading(v, corr), nil
}

// reading is the Estimate of value v over the points so far, with the
// projection's params and extra.
func (e *ProjectedN1) reading(v float64, extra map[string]any) measure.Estimate {
	params := e.Conventions().Params()
	maps.Copy(params, e.proj.Params())
	maps.Copy(params, extra)
	return measure.Estimate{
		Value: v, CILow: math.NaN(), CIHigh: math.NaN(),
		N: e.in.N(), Seen: int64(e.in.N()), Method: measure.EstimateProjected,
		Params: params,
	}
}

// Running returns a reading before the stream ends without building a
// tree from scratch: for a fitted map (project.Fit), N1 of the minimum
// spanning tree ExactN1.Running keeps by vertex insertion, which is
// Estimate's value unless distances tied within TieRTol (see there). A
// plain map's reading is the corrected value of three trees, which
// insertion does not keep, so it is Estimate's.
func (e *ProjectedN1) Running() (measure.Estimate, error) {
	if err := e.check(); err != nil {
		return measure.Estimate{}, err
	}
	if e.proj.Plain() {
		return e.Estimate()
	}
	e.in.Ties, e.in.TieRTol, e.in.MaxWorkspace, e.in.Workers = e.Ties, e.TieRTol, e.MaxWorkspace, e.Workers
	v, err := e.in.runningValue()
	if err != nil {
		return measure.Estimate{}, err
	}
	return e.reading(v, map[string]any{"n1_projected": v}), nil
}

// correctedProjectedN1 is N1 of the points x (n×k, projected to k
// dimensions by proj), for a plain Johnson–Lindenstrauss map with the
// distortion bias removed by Richardson's extrapolation (see ProjectedN1),
// and the params that record it. A fitted map is not corrected: its
// halves are not two like projections, and its bias is within its spread.
func correctedProjectedN1(x []float32, y []int32, proj *project.Map, o *mst.Options) (float64, map[string]any, error) {
	k := proj.Out()
	full, err := n1On(x, y, k, 0, k, o)
	if err != nil || k < 2 || !proj.Plain() {
		return full, map[string]any{"n1_projected": full}, err
	}
	lo, err := n1On(x, y, k, 0, k/2, o)
	if err != nil {
		return 0, nil, err
	}
	hi, err := n1On(x, y, k, k/2, k, o)
	if err != nil {
		return 0, nil, err
	}
	return min(1, max(0, 2*full-(lo+hi)/2)), map[string]any{
		"n1_projected":          full,
		"n1_half_projections":   []float64{lo, hi},
		"projection_correction": "richardson: 2·N1(K) − mean N1(K/2 halves)",
	}, nil
}

// n1On is N1 of the rows of x (width k) restricted to coordinates [a, b).
func n1On(x []float32, y []int32, k, a, b int, o *mst.Options) (float64, error) {
	n := len(y)
	t, err := mst.Build(columns(x, n, k, a, b), b-a, o)
	if err != nil {
		return 0, err
	}
	return float64(mst.CrossVertices(t.Parent, y)) / float64(n), nil
}

// columns returns the n rows of x (width k) restricted to coordinates
// [a, b): x itself when that is all of them, else a copy.
func columns(x []float32, n, k, a, b int) []float32 {
	if a == 0 && b == k {
		return x
	}
	sub := make([]float32, 0, n*(b-a))
	for i := range n {
		sub = append(sub, x[i*k+a:i*k+b]...)
	}
	return sub
}
