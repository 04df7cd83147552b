package n1

import (
	"math/rand/v2"
	"slices"
	"testing"

	"cxray/stream/measure"
	"cxray/stream/measure/internal/contracttest"
	"cxray/stream/measure/internal/oracle"
	"cxray/stream/measure/mst"
	"cxray/stream/measure/project"
	"cxray/stream/measure/reservoir"
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

// sampledCase is SampledN1 of 3-dimensional points in a class-stratified
// reservoir of capacity slots per class, each part of a stream with its
// own random stream (reservoir.NewPart). With pipeline, batches come as a
// run's pipeline gives them (only admitted rows, the others as
// Batch.Dropped); else every row comes, dropped ones with slot −1, under
// a z-score normalisation whose statistics then cover every row.
func sampledCase(capacity int, pipeline bool) contracttest.Case[*SampledN1] {
	norm := measure.NormZScore
	if pipeline {
		norm = measure.NormNone
	}
	make := func(part int, capacity int) *SampledN1 {
		s := reservoir.NewPart([]int{capacity, capacity, capacity}, 5, uint64(part))
		e := NewSampledN1(3, s, nil, norm)
		e.Replicates = 4
		return e
	}
	c := contracttest.Case[*SampledN1]{
		New:    func(part int) *SampledN1 { return make(part, capacity) },
		Zero:   func() *SampledN1 { return new(SampledN1) },
		Other:  func() *SampledN1 { return make(0, capacity+1) },
		Stream: n1Stream(3, false),
		Feed: func(e *SampledN1, b measure.Batch) error {
			slots, err := e.Sampler().OfferBatch(nil, b.Labels)
			if err != nil {
				return err
			}
			if !pipeline {
				b.Slots = slots
				return e.Update(b)
			}
			kept := measure.Batch{Slots: []int{}}
			for i, s := range slots {
				if s < 0 {
					kept.Dropped = append(kept.Dropped, b.Labels[i])
					continue
				}
				kept.X = append(kept.X, b.X[i*3:(i+1)*3]...)
				kept.Labels = append(kept.Labels, b.Labels[i])
				kept.Slots = append(kept.Slots, s)
			}
			return e.Update(kept)
		},
		Read: func(e *SampledN1) ([]float64, error) { return readEstimate(e) },
	}
	if capacity < 50 {
		c.Check = func(t *testing.T, merged, whole *SampledN1, stream measure.Batch) {
			checkSampledMerge(t, merged, whole, stream, capacity, pipeline)
		}
	} else if pipeline {
		// Nothing dropped: the union is the whole stream's state.
		c.SameBytes = true
	} else {
		// The same, but for the normalisation's statistics, Welford's
		// updates over the whole stream and Chan et al.'s merge of the
		// parts', which agree to rounding.
		c.Tol = 1e-12
	}
	return c
}

// checkSampledMerge checks what a union of reservoirs must satisfy
// whatever its random draws: the counts are the whole stream's, every
// class keeps min(capacity, seen) of its own samples, and every kept point
// is a point of the stream of its label (fed every row, the very sample
// its arrival index names); the normalisation's statistics are the whole
// stream's.
func checkSampledMerge(t *testing.T, merged, whole *SampledN1, stream measure.Batch, capacity int, pipeline bool) {
	t.Helper()
	if merged.Seen() != int64(len(stream.Labels)) || merged.Seen() != whole.Seen() || !slices.Equal(merged.seenCls, whole.seenCls) {
		t.Fatalf("merged state saw %d samples %v, the whole stream %d %v", merged.Seen(), merged.seenCls, whole.Seen(), whole.seenCls)
	}
	s := merged.Sampler()
	for c, n := range merged.seenCls {
		if want := int(min(int64(capacity), n)); s.Kept(c) != want || whole.Sampler().Kept(c) != want {
			t.Fatalf("class %d keeps %d of %d samples (whole stream %d), want %d", c, s.Kept(c), n, whole.Sampler().Kept(c), want)
		}
	}
	rows := map[[3]float32]int32{}
	for i, l := range stream.Labels {
		rows[[3]float32(stream.X[i*3:(i+1)*3])] = l
	}
	for slot, q := range merged.seq {
		x := [3]float32(merged.x[slot*3 : (slot+1)*3])
		l, ok := rows[x]
		if !ok || l != merged.labels[slot] || int(l) != s.SlotClass(slot) {
			t.Fatalf("slot %d holds a point of class %d that the stream does not have", slot, merged.labels[slot])
		}
		if !pipeline && ([3]float32(stream.X[q*3:(q+1)*3]) != x || stream.Labels[q] != l) {
			t.Fatalf("slot %d holds another point than sample %d", slot, q)
		}
	}
	if !pipeline {
		for j, m := range merged.stats.Mean {
			if !contracttest.Close(m, whole.stats.Mean[j], 1e-12) || !contracttest.Close(merged.stats.M2[j], whole.stats.M2[j], 1e-12) || merged.stats.N != whole.stats.N {
				t.Fatalf("feature %d: merged statistics %v %v, whole stream %v %v", j, m, merged.stats.M2[j], whole.stats.Mean[j], whole.stats.M2[j])
			}
		}
	}
}

func TestSampledN1Contract(t *testing.T) {
	contracttest.Run(t, sampledCase(8, true))
	contracttest.Run(t, sampledCase(8, false))
	contracttest.Run(t, sampledCase(200, true))
	contracttest.Run(t, sampledCase(200, false))
}

func FuzzUnmarshalSampledN1(f *testing.F) { contracttest.Fuzz(f, sampledCase(8, false)) }
