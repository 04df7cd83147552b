package n1

import (
	"errors"
	"fmt"
	"slices"

	"cxray/stream/measure"
	"cxray/stream/measure/feature"
	"cxray/stream/measure/reservoir"
)

var _ measure.Merger[*SampledN1] = (*SampledN1)(nil)

// sampledSettings are the settings that fix a SampledN1's value.
type sampledSettings struct {
	dim, k              int
	norm                measure.Normalization
	rtol                float64
	maxPool, replicates int
	level               float64
	seed                uint64
	capacity            []int
}

func (e *SampledN1) settings() sampledSettings {
	s := sampledSettings{dim: e.dim, k: e.k, norm: e.norm, rtol: e.TieRTol, maxPool: e.MaxPool, replicates: e.Replicates, level: e.Level}
	if e.sampler != nil {
		s.seed = e.sampler.Seed()
		for c := range e.sampler.Classes() {
			s.capacity = append(s.capacity, e.sampler.ClassCapacity(c))
		}
	}
	return s
}

// differ describes how s differs from want, or returns "".
func (s sampledSettings) differ(want sampledSettings) string {
	switch {
	case s.dim != want.dim || s.k != want.k:
		return fmt.Sprintf("dimension %d kept as %d (want %d as %d)", s.dim, s.k, want.dim, want.k)
	case s.norm != want.norm:
		return fmt.Sprintf("normalization %v (want %v)", s.norm, want.norm)
	case s.rtol != want.rtol || s.maxPool != want.maxPool || s.replicates != want.replicates || s.level != want.level:
		return fmt.Sprintf("tie tolerance %g, pool %d, %d replicates at level %g (want %g, %d, %d at %g)",
			s.rtol, s.maxPool, s.replicates, s.level, want.rtol, want.maxPool, want.replicates, want.level)
	case s.seed != want.seed || !slices.Equal(s.capacity, want.capacity):
		return fmt.Sprintf("a reservoir of seed %d and capacities %v (want %d and %v)", s.seed, s.capacity, want.seed, want.capacity)
	}
	return ""
}

// inStep reports an estimator that has not been given every batch its
// sampler admitted: its counts must be the sampler's, and every slot the
// sampler handed out must hold a point.
func (e *SampledN1) inStep() error {
	for c, n := range e.seenCls {
		if n != e.sampler.SeenClass(c) {
			return fmt.Errorf("n1: SampledN1 has seen %d samples of class %d, its sampler %d: give it every batch the sampler admitted", n, c, e.sampler.SeenClass(c))
		}
	}
	used := usedSlots(e.sampler)
	if used > len(e.seq) || slices.Contains(e.seq[:used], -1) {
		return errors.New("n1: SampledN1 lacks points of slots its sampler handed out: give it every batch the sampler admitted")
	}
	return nil
}

// Merge folds in the state of other, fed the stream that follows e's: the
// union of the two reservoirs (reservoir.Union), which keeps, class by
// class, a uniform sample of both streams' samples, exactly in
// distribution, with the points it keeps from either side; the counts
// add, other's arrival order follows e's, and the normalisation's
// statistics merge (feature.Columns.Merge). While nothing has been
// dropped, the result is the state of one estimator fed both streams,
// bit for bit.
//
// The two must have the same settings (dimension, normalisation,
// projection, reading options, the sampler's seed and capacities), and
// each must have been given every batch its own sampler admitted. Their
// samplers must have drawn from independent random streams
// (reservoir.NewPart for each part). e then holds a sampler of its own,
// the union, which every estimator of the same two runs computes alike:
// the union depends only on the two samplers. other is unchanged.
func (e *SampledN1) Merge(other *SampledN1) error {
	if err := e.check(); err != nil {
		return err
	}
	if err := other.check(); err != nil {
		return err
	}
	if d := other.settings().differ(e.settings()); d != "" {
		return fmt.Errorf("n1: cannot merge a SampledN1 of other settings: %s", d)
	}
	if !other.proj.Equal(e.proj) {
		return errors.New("n1: cannot merge a SampledN1 of another projection")
	}
	if err := e.inStep(); err != nil {
		return err
	}
	if err := other.inStep(); err != nil {
		return err
	}
	u, from, err := reservoir.Union(e.sampler, other.sampler)
	if err != nil {
		return err
	}
	k := e.k
	x := make([]float32, len(from)*k)
	labels := make([]int32, len(from))
	seq := make([]int64, len(from))
	for i, f := range from {
		src, offset := e, int64(0)
		if f.Twin {
			src, offset = other, e.seen
		}
		copy(x[i*k:(i+1)*k], src.x[f.Slot*k:(f.Slot+1)*k])
		labels[i], seq[i] = src.labels[f.Slot], src.seq[f.Slot]+offset
	}
	switch {
	case other.stats == nil:
	case e.stats == nil:
		e.stats = feature.NewColumns(e.dim, feature.ForNorm(e.norm))
		fallthrough
	default:
		e.stats.Merge(other.stats)
	}
	for c, n := range other.seenCls {
		e.seenCls[c] += n
	}
	e.seen += other.seen
	e.x, e.labels, e.seq, e.sampler = x, labels, seq, u
	return nil
}

// usedSlots is the number of slots in use in s: they are its first ones.
func usedSlots(s *reservoir.Sampler) int {
	n := 0
	for c := range s.Classes() {
		n += s.Kept(c)
	}
	return n
}
