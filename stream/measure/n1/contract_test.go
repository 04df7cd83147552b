package n1

import (
	"math/rand/v2"
	"testing"

	"cxray/stream/measure"
	"cxray/stream/measure/internal/contracttest"
	"cxray/stream/measure/internal/oracle"
	"cxray/stream/measure/mst"
	"cxray/stream/measure/project"
)

// n1Stream returns a stream of up to 140 points of dim coordinates in 3
// classes; with ints the coordinates are in {0, 1, 2}, so that squared
// distances tie everywhere and points repeat.
func n1Stream(dim int, ints bool) func(*rand.Rand) measure.Batch {
	return func(rng *rand.Rand) measure.Batch {
		n := 20 + rng.IntN(120)
		b := measure.Batch{X: oracle.RandomSet(rng, n, dim, ints), Labels: make([]int32, n)}
		for i := range b.Labels {
			b.Labels[i] = int32(rng.IntN(3))
		}
		return b
	}
}

// readEstimate reads an estimator's Estimate as numbers.
func readEstimate(e measure.Estimator) ([]float64, error) {
	r, err := e.Estimate()
	if err != nil {
		return nil, err
	}
	return []float64{r.Value, r.CILow, r.CIHigh, float64(r.N), float64(r.Seen)}, nil
}

// exactCase is ExactN1 of 3-dimensional points under the tie rule ties.
// Merging the parts of a stream in order gives the whole stream's points
// in its order: the same state and the same N1, bit for bit, under
// either rule (and under the total order the tree is unique).
func exactCase(ties mst.TieRule, ints bool) contracttest.Case[*ExactN1] {
	make := func(dim int, norm measure.Normalization) *ExactN1 {
		e := NewExactN1(dim, norm)
		if ties == mst.Total {
			e.Ties, e.TieRTol = mst.Total, 0
		}
		return e
	}
	return contracttest.Case[*ExactN1]{
		New:       func(int) *ExactN1 { return make(3, measure.NormNone) },
		Zero:      func() *ExactN1 { return new(ExactN1) },
		Other:     func() *ExactN1 { return make(3, measure.NormZScore) },
		Stream:    n1Stream(3, ints),
		Read:      func(e *ExactN1) ([]float64, error) { return readEstimate(e) },
		SameBytes: true,
	}
}

func TestExactN1Contract(t *testing.T) {
	contracttest.Run(t, exactCase(mst.Total, true))
	contracttest.Run(t, exactCase(mst.Total, false))
	contracttest.Run(t, exactCase(mst.DCoL, true))
	// Another tie rule is other settings too.
	c := exactCase(mst.DCoL, true)
	c.Other = func() *ExactN1 { e := NewExactN1(3, measure.NormNone); e.Ties, e.TieRTol = mst.Total, 0; return e }
	contracttest.Run(t, c)
}

// projectedCase is ProjectedN1 of 8-dimensional points projected to 4 by
// a plain map; another seed is another map, which must be refused.
func projectedCase() contracttest.Case[*ProjectedN1] {
	make := func(seed uint64) *ProjectedN1 {
		e := NewProjectedN1(8, project.New(8, 4, seed), measure.NormNone)
		e.Ties, e.TieRTol = mst.Total, 0
		return e
	}
	return contracttest.Case[*ProjectedN1]{
		New:       func(int) *ProjectedN1 { return make(7) },
		Zero:      func() *ProjectedN1 { return new(ProjectedN1) },
		Other:     func() *ProjectedN1 { return make(8) },
		Stream:    n1Stream(8, false),
		Read:      func(e *ProjectedN1) ([]float64, error) { return readEstimate(e) },
		SameBytes: true,
	}
}

func TestProjectedN1Contract(t *testing.T) { contracttest.Run(t, projectedCase()) }

func FuzzUnmarshalExactN1(f *testing.F)     { contracttest.Fuzz(f, exactCase(mst.Total, true)) }
func FuzzUnmarshalProjectedN1(f *testing.F) { contracttest.Fuzz(f, projectedCase()) }
