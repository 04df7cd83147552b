package measure

import (
	"errors"
	"fmt"
)

// ExactN1 computes N1 exactly over every point it is given.
//
// Memory: it keeps every point, n·d float32, plus n int32 labels (O(n)
// bookkeeping). Value adds, for the time it runs, the workspace of the
// method PrimMST chooses: MethodGram when it fits MaxWorkspace, n² bytes of
// distance bounds + n·d float32 (a centred copy) + 128·n float32 per worker
// + O(n); else MethodStepwise, n·d float32 + O(n); else MethodDense, O(n).
// At n = 5000, d = 784 that is 16 MB of points and 46 MB of workspace; at
// n = 10000, 31 MB and 142 MB.
//
// The result depends on the order of the points only through the tie rule
// (the tree is grown from the first point, and ties go to the lower index).
//
// The zero value is not usable; call NewExactN1. An ExactN1 is not safe for
// concurrent use.
type ExactN1 struct {
	// TieRTol is the relative tie tolerance (DefaultTieRTol); see MSTOptions.
	TieRTol float64
	// MaxWorkspace limits the workspace of Value in bytes
	// (DefaultMaxWorkspace); beyond it Value falls back to slower methods.
	MaxWorkspace int64
	// Workers is the number of goroutines Value uses; 0 means GOMAXPROCS.
	Workers int
	// Method forces a method (MethodAuto chooses by MaxWorkspace).
	Method Method

	dim    int
	norm   Normalization
	x      []float32
	labels []int32
	last   MSTStats
}

// NewExactN1 returns an empty estimator for dim-dimensional points whose
// distances are measured after the normalisation norm.
func NewExactN1(dim int, norm Normalization) *ExactN1 {
	return &ExactN1{
		TieRTol:      DefaultTieRTol,
		MaxWorkspace: DefaultMaxWorkspace,
		dim:          dim,
		norm:         norm,
	}
}

func (e *ExactN1) check() error {
	if e == nil || e.dim < 1 {
		return errors.New("measure: ExactN1 needs a dimension ≥ 1 (use NewExactN1)")
	}
	if !e.norm.valid() {
		return fmt.Errorf("measure: unknown normalization %d", int(e.norm))
	}
	return nil
}

// Update adds len(labels) points. x holds them row-major, len(labels)×dim
// values; both are copied. A NaN or ±Inf is an error that names the sample
// (counted over everything the estimator has seen) and the feature; then
// nothing is added.
func (e *ExactN1) Update(x []float32, labels []int32) error {
	if err := e.check(); err != nil {
		return err
	}
	if len(x) != len(labels)*e.dim {
		return fmt.Errorf("measure: %d values for %d labels of dimension %d, want %d", len(x), len(labels), e.dim, len(labels)*e.dim)
	}
	if err := checkFinite(x, e.dim, len(e.labels)); err != nil {
		return err
	}
	e.x = append(e.x, x...)
	e.labels = append(e.labels, labels...)
	return nil
}

// Merge appends other's points after e's. Since the tree grows from the
// first point and ties go to the lower index, merging b into a gives the
// value of one estimator fed a's points and then b's. other is unchanged.
func (e *ExactN1) Merge(other *ExactN1) error {
	if err := e.check(); err != nil {
		return err
	}
	if err := other.check(); err != nil {
		return err
	}
	if other.dim != e.dim {
		return fmt.Errorf("measure: cannot merge dimension %d into %d", other.dim, e.dim)
	}
	if other.norm != e.norm {
		return fmt.Errorf("measure: cannot merge normalization %v into %v", other.norm, e.norm)
	}
	e.x = append(e.x, other.x...)
	e.labels = append(e.labels, other.labels...)
	return nil
}

// N returns the number of points seen.
func (e *ExactN1) N() int { return len(e.labels) }

// Dim is the dimension of the points.
func (e *ExactN1) Dim() int { return e.dim }

// Conventions returns the conventions the value is computed under.
func (e *ExactN1) Conventions() Conventions { return n1Conventions(e.norm, e.TieRTol) }

// Stats describes the last successful Value.
func (e *ExactN1) Stats() MSTStats { return e.last }

// Value returns N1: the fraction of points incident to an edge of the
// minimum spanning tree whose endpoints have different labels. It builds
// the tree from scratch (see PrimMST) and fails with fewer than 2 points.
func (e *ExactN1) Value() (float64, error) {
	if err := e.check(); err != nil {
		return 0, err
	}
	n := e.N()
	if n < 2 {
		return 0, fmt.Errorf("measure: N1 needs at least 2 points, have %d", n)
	}
	t, err := PrimMST(e.x, e.dim, &MSTOptions{
		Weights:      featureWeights(e.x, n, e.dim, e.norm),
		TieRTol:      e.TieRTol,
		MaxWorkspace: e.MaxWorkspace,
		Workers:      e.Workers,
		Method:       e.Method,
	})
	if err != nil {
		return 0, err
	}
	e.last = t.Stats
	return float64(CrossVertices(t.Parent, e.labels)) / float64(n), nil
}

// CrossVertices counts the vertices incident to at least one tree edge
// (parent[v], v) whose endpoints carry different labels. A vertex is
// counted once however many such edges it has. Entries of parent outside
// [0, len(labels)) are roots and ignored.
func CrossVertices(parent []int, labels []int32) int {
	mark := make([]bool, len(labels))
	c := 0
	for v, p := range parent {
		if p < 0 || p >= len(labels) || v >= len(labels) || labels[p] == labels[v] {
			continue
		}
		for _, w := range [2]int{p, v} {
			if !mark[w] {
				mark[w] = true
				c++
			}
		}
	}
	return c
}
