package n1

import (
	"errors"
	"fmt"
	"math"

	"cxray/stream/measure"
	"cxray/stream/measure/feature"
	"cxray/stream/measure/mst"
)

// Samples is each point's part in the measures of one point set, and each
// pair of classes' part in N1:
//
//   - OnBoundary: the point is an end of a tree edge whose ends carry
//     different labels. N1 is the mean of OnBoundary, exactly.
//   - SameD, OtherD: the Euclidean distances to the nearest point of the
//     same class and of another class (+Inf when there is none); the
//     point's part in N2 is SameD/OtherD (N2Ratio).
//   - NNOther: the nearest other point has another label; N3 is its mean.
//
// The tree is the one the estimator's value was read from; the neighbours
// are mst.FindNearest's, with the tree's tie tolerance.
type Samples struct {
	// Index is each point's position, counted from 0, in ascending order:
	// in the stream for ExactN1; for SampledN1, among the rows given to
	// Update (the stream's, when dropped rows are given too, with slot -1).
	Index []int64
	// Slots is each point's reservoir slot (SampledN1), nil for ExactN1.
	Slots      []int
	Labels     []int32
	OnBoundary []bool
	SameD      []float64
	OtherD     []float64
	NNOther    []bool
	// Pairs counts the tree's edges between every pair of classes that
	// has any.
	Pairs []mst.CrossPair
	// Method is how the set relates to the stream: measure.EstimateExact
	// (every point) or measure.EstimateSampled (the points a reservoir
	// kept, whose tree is that of those points alone).
	Method string
}

// N2Ratio is point i's part in N2: the distance to its nearest point of
// the same class over that to its nearest point of another class. It is
// +Inf for a point alone in its class and NaN when both distances are 0 or
// both are infinite.
func (s *Samples) N2Ratio(i int) float64 { return s.SameD[i] / s.OtherD[i] }

// N is the number of points.
func (s *Samples) N() int { return len(s.Labels) }

// parents converts a tree's parents to int32.
func parents[P int | int32](p []P) []int32 {
	out := make([]int32, len(p))
	for i, v := range p {
		out[i] = int32(v)
	}
	return out
}

// Samples returns each point's part in N1, N2 and N3 (see Samples), from
// the tree that the last Value (or Estimate) read. It fails if Value has
// not been read since the last Update, and with a *WorkspaceError when
// the neighbours do not fit MaxWorkspace.
//
// Memory: the tree's parents, kept since Value (4·n bytes), the result
// (about 40·n bytes) and, while it runs, mst.FindNearest's workspace
// (mst.NearestBytes), with as many workers as fit MaxWorkspace.
func (e *ExactN1) Samples() (*Samples, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	n := e.N()
	if len(e.tree) != n {
		return nil, errors.New("n1: Samples reads the tree of the last Value: read the value first")
	}
	x := e.pts.values()
	index := make([]int64, n)
	for i := range index {
		index[i] = int64(i)
	}
	return samplesOf(x, e.dim, e.labels, index, e.tree, &mst.Options{
		Weights: feature.Weights(x, n, e.dim, e.norm), TieRTol: e.TieRTol,
		MaxWorkspace: e.MaxWorkspace, Workers: e.Workers,
	}, measure.EstimateExact)
}

// Samples returns each kept point's part in N1, N2 and N3 (see Samples),
// on the tree and the neighbours of the kept points alone, in stream
// order, as the points are held (projected, when the estimator projects).
// Its mean OnBoundary is N1 of the sample itself, not the estimate of N1
// of the stream, which extrapolates from it; Method says which. When the
// reservoir kept every point seen, the set is the stream's and Method is
// measure.EstimateExact (or measure.EstimateProjected).
//
// Memory: the tree of the kept points (mst.Build within MaxWorkspace) and
// then mst.FindNearest's workspace, and the result, about 48 bytes a
// kept point.
func (e *SampledN1) Samples() (*Samples, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	order := e.keptInOrder()
	m := len(order)
	if m < 2 {
		return nil, fmt.Errorf("n1: per-sample values need at least 2 points, have %d", m)
	}
	y := make([]int32, m)
	index := make([]int64, m)
	for i, s := range order {
		y[i], index[i] = e.labels[s], e.seq[s]
	}
	method := measure.EstimateSampled
	switch {
	case e.seen == int64(m) && e.proj != nil:
		method = measure.EstimateProjected
	case e.seen == int64(m):
		method = measure.EstimateExact
	case e.proj != nil:
		method = measure.EstimateSampledProjected
	}
	var out *Samples
	err := e.arrange(order, func(x []float32) error {
		// The weights ExactN1 would use: of the kept points when they are
		// the whole stream, else of every point seen.
		w := feature.Weights(x, m, e.k, e.norm)
		if e.seen != int64(m) && e.stats != nil {
			w = e.stats.Weights(e.norm)
		}
		o := &mst.Options{Weights: w, TieRTol: e.TieRTol, MaxWorkspace: e.MaxWorkspace, Workers: e.Workers}
		t, err := mst.Build(x, e.k, o)
		if err != nil {
			return err
		}
		out, err = samplesOf(x, e.k, y, index, parents(t.Parent), o, method)
		if out != nil {
			out.Slots = order
		}
		return err
	})
	return out, err
}

// WorkspaceError says that the neighbours of a point set need more
// workspace than the estimator may take.
type WorkspaceError struct {
	N, Dim      int
	Need, Limit int64
}

func (e *WorkspaceError) Error() string {
	return fmt.Sprintf("the nearest neighbours of %d points of dimension %d need %d MB of workspace, over the %d MB allowed",
		e.N, e.Dim, e.Need>>20, e.Limit>>20)
}

// samplesOf assembles Samples of the points x (dim features) with tree
// parents. It fails with a *WorkspaceError when mst.FindNearest's
// workspace with one worker exceeds o.MaxWorkspace.
func samplesOf(x []float32, dim int, labels []int32, index []int64, parent []int32, o *mst.Options, method string) (*Samples, error) {
	n := len(labels)
	opt := *o
	if opt.MaxWorkspace <= 0 {
		opt.MaxWorkspace = mst.DefaultMaxWorkspace
	}
	if need := mst.NearestBytes(n, dim, 1); need > opt.MaxWorkspace {
		return nil, &WorkspaceError{N: n, Dim: dim, Need: need, Limit: opt.MaxWorkspace}
	}
	opt.Workers = nearestWorkers(n, dim, opt.Workers, opt.MaxWorkspace)
	nr, err := mst.FindNearest(x, dim, labels, &opt)
	if err != nil {
		return nil, err
	}
	s := &Samples{
		Index: index, Labels: labels, OnBoundary: mst.CrossMarks(parent, labels),
		SameD: make([]float64, n), OtherD: make([]float64, n), NNOther: make([]bool, n),
		Pairs: mst.CrossPairs(parent, labels), Method: method,
	}
	for i := range n {
		s.SameD[i], s.OtherD[i] = math.Sqrt(nr.SameD2[i]), math.Sqrt(nr.OtherD2[i])
		s.NNOther[i] = nr.NN[i] >= 0 && labels[nr.NN[i]] != labels[i]
	}
	return s, nil
}

// nearestWorkers is the number of workers whose mst.FindNearest workspace
// fits limit bytes (0: mst.DefaultMaxWorkspace), at least one; want 0 means
// GOMAXPROCS.
func nearestWorkers(n, dim, want int, limit int64) int {
	if limit <= 0 {
		limit = mst.DefaultMaxWorkspace
	}
	if want <= 0 {
		want = (&ExactN1{}).workers()
	}
	for want > 1 && mst.NearestBytes(n, dim, want) > limit {
		want--
	}
	return want
}
