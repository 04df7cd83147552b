package n1

import (
	"fmt"
	"math"

	"cxray/stream/measure"
	"cxray/stream/measure/feature"
	"cxray/stream/measure/internal/wire"
	"cxray/stream/measure/mst"
	"cxray/stream/measure/project"
	"cxray/stream/measure/reservoir"
)

// The type tags and layout versions of the binary states (package
// measure/internal/wire describes the layout).
const (
	exactTag         = "n1.ExactN1"
	projectedTag     = "n1.ProjectedN1"
	sampledTag       = "n1.SampledN1"
	exactVersion     = 1
	projectedVersion = 1
	sampledVersion   = 1
	maxDim           = 1 << 28
)

// treeSettings are the settings that fix an N1 value beside the
// dimension: the normalisation, the tie rule and its tolerance.
type treeSettings struct {
	norm measure.Normalization
	ties mst.TieRule
	rtol float64
}

func (s treeSettings) put(w *wire.Writer) {
	w.U8(uint8(s.norm))
	w.U8(uint8(s.ties))
	w.F64(s.rtol)
}

func getTreeSettings(r *wire.Reader) treeSettings {
	s := treeSettings{norm: measure.Normalization(r.U8()), ties: mst.TieRule(r.U8()), rtol: r.F64()}
	switch {
	case r.Err() != nil:
	case !s.norm.Valid():
		r.Fail("unknown normalization %d", int(s.norm))
	case s.ties != mst.DCoL && s.ties != mst.Total:
		r.Fail("unknown tie rule %d", int(s.ties))
	case !(s.rtol >= 0 && s.rtol <= 1e-3) || s.ties == mst.Total && s.rtol != 0:
		r.Fail("tie tolerance %v under the tie rule %v", s.rtol, s.ties)
	}
	return s
}

// differ describes how the settings of a state (dimension dim, s) differ
// from an estimator's (wantDim, want), or returns "".
func (s treeSettings) differ(dim int, want treeSettings, wantDim int) string {
	switch {
	case dim != wantDim:
		return fmt.Sprintf("dimension %d (want %d)", dim, wantDim)
	case s.norm != want.norm:
		return fmt.Sprintf("normalization %v (want %v)", s.norm, want.norm)
	case s.ties != want.ties || s.rtol != want.rtol:
		return fmt.Sprintf("tie rule %v with tolerance %g (want %v with %g)", s.ties, s.rtol, want.ties, want.rtol)
	}
	return ""
}

func (e *ExactN1) settings() treeSettings { return treeSettings{e.norm, e.Ties, e.TieRTol} }

// putPoints writes labels and points.
func putPoints(w *wire.Writer, labels []int32, x []float32) {
	w.I32s(labels)
	w.F32s(x)
}

// getPoints reads labels and points of dimension dim, which must be
// finite.
func getPoints(r *wire.Reader, dim int) ([]int32, []float32) {
	labels := r.I32s(-1)
	if r.Err() != nil {
		return nil, nil
	}
	if len(labels) > r.Left()/(4*dim) {
		r.Fail("%d points of dimension %d in %d bytes", len(labels), dim, r.Left())
		return nil, nil
	}
	x := r.F32s(len(labels) * dim)
	if r.Err() == nil {
		if err := measure.CheckFinite(x, dim, 0); err != nil {
			r.Fail("%v", err)
		}
	}
	return labels, x
}

// MarshalBinary writes the state: the dimension, normalisation, tie rule
// and tolerance (the settings), then the labels and the points in arrival
// order, n·(4·dim+4) bytes. The tree Running keeps is not written: it is
// rebuilt when read.
func (e *ExactN1) MarshalBinary() ([]byte, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	w := wire.NewWriter(exactTag, exactVersion, 4*len(e.pts.values())+4*len(e.labels)+64)
	w.Int(e.dim)
	e.settings().put(w)
	putPoints(w, e.labels, e.pts.values())
	return w.Bytes(), nil
}

// UnmarshalBinary replaces e's points with a state MarshalBinary wrote. A
// zero ExactN1 takes the state's settings (and the default MaxWorkspace);
// one made by NewExactN1 must have the same dimension, normalisation, tie
// rule and tolerance.
func (e *ExactN1) UnmarshalBinary(data []byte) error {
	r, _, err := wire.NewReader(data, exactTag, exactVersion)
	if err != nil {
		return err
	}
	dim := r.Int("dimension", 1, maxDim)
	s := getTreeSettings(r)
	if r.Err() == nil && e.dim != 0 {
		if d := s.differ(dim, e.settings(), e.dim); d != "" {
			r.Fail("other settings than this ExactN1's: %s", d)
		}
	}
	labels, x := getPoints(r, dim)
	if err := r.Close(); err != nil {
		return err
	}
	if e.dim == 0 {
		*e = *NewExactN1(dim, s.norm)
		e.Ties, e.TieRTol = s.ties, s.rtol
	}
	e.pts, e.labels, e.run, e.last = pointStore{data: x}, labels, nil, mst.Stats{}
	return nil
}

func (e *ProjectedN1) settings() treeSettings { return treeSettings{e.norm, e.Ties, e.TieRTol} }

// MarshalBinary writes the state: the dimension, normalisation, tie rule
// and tolerance, the projection map (matrix included), then the labels
// and the projected points, n·(4·k+4) bytes.
func (e *ProjectedN1) MarshalBinary() ([]byte, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	proj, err := e.proj.MarshalBinary()
	if err != nil {
		return nil, err
	}
	w := wire.NewWriter(projectedTag, projectedVersion, len(proj)+4*len(e.in.pts.values())+4*len(e.in.labels)+64)
	w.Int(e.dim)
	e.settings().put(w)
	w.Blob(proj)
	putPoints(w, e.in.labels, e.in.pts.values())
	return w.Bytes(), nil
}

// UnmarshalBinary replaces e's points with a state MarshalBinary wrote. A
// zero ProjectedN1 takes the state's settings and map; one made by
// NewProjectedN1 must have the same settings and the same map.
func (e *ProjectedN1) UnmarshalBinary(data []byte) error {
	r, _, err := wire.NewReader(data, projectedTag, projectedVersion)
	if err != nil {
		return err
	}
	dim := r.Int("dimension", 1, maxDim)
	s := getTreeSettings(r)
	proj := new(project.Map)
	if blob := r.Blob(); r.Err() == nil {
		if err := proj.UnmarshalBinary(blob); err != nil {
			r.Fail("%v", err)
		} else if proj.In() != dim {
			r.Fail("a projection from %d dimensions for points of %d", proj.In(), dim)
		} else if s.norm != measure.NormNone {
			r.Fail("normalization %v under a projection", s.norm)
		}
	}
	if r.Err() == nil && e.dim != 0 {
		if d := s.differ(dim, e.settings(), e.dim); d != "" {
			r.Fail("other settings than this ProjectedN1's: %s", d)
		} else if !proj.Equal(e.proj) {
			r.Fail("another projection than this ProjectedN1's")
		}
	}
	var labels []int32
	var x []float32
	if r.Err() == nil {
		labels, x = getPoints(r, proj.Out())
	}
	if err := r.Close(); err != nil {
		return err
	}
	if e.dim == 0 {
		*e = *NewProjectedN1(dim, proj, s.norm)
		e.Ties, e.TieRTol = s.ties, s.rtol
	}
	e.in.pts, e.in.labels, e.in.run = pointStore{data: x}, labels, nil
	return nil
}

// MarshalBinary writes the state: the settings (dimension, normalisation,
// tie tolerance, pool, replicates, level), the sampler and the projection
// (if any) as nested states, the normalisation's statistics (if any), the
// counts, and the label, arrival index and point of every slot in use,
// about Kept()·(4·k+12) bytes. The estimator must have been given every
// batch its sampler admitted.
func (e *SampledN1) MarshalBinary() ([]byte, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	if err := e.inStep(); err != nil {
		return nil, err
	}
	sampler, err := e.sampler.MarshalBinary()
	if err != nil {
		return nil, err
	}
	used := usedSlots(e.sampler)
	w := wire.NewWriter(sampledTag, sampledVersion, len(sampler)+used*(4*e.k+12)+64)
	w.Int(e.dim)
	w.U8(uint8(e.norm))
	w.F64(e.TieRTol)
	w.Int(e.MaxPool)
	w.Int(e.Replicates)
	w.F64(e.Level)
	w.Blob(sampler)
	w.Bool(e.proj != nil)
	if e.proj != nil {
		b, err := e.proj.MarshalBinary()
		if err != nil {
			return nil, err
		}
		w.Blob(b)
	}
	w.Bool(e.stats != nil)
	if e.stats != nil {
		b, err := e.stats.MarshalBinary()
		if err != nil {
			return nil, err
		}
		w.Blob(b)
	}
	w.I64(e.seen)
	w.I64s(e.seenCls)
	w.I32s(e.labels[:used])
	w.I64s(e.seq[:used])
	w.F32s(e.x[:used*e.k])
	return w.Bytes(), nil
}

// UnmarshalBinary replaces e's state with one MarshalBinary wrote. A zero
// SampledN1 takes the state's settings, projection and sampler; one made
// by NewSampledN1 must have the same settings and projection, and a
// sampler of the same seed and capacities. Either way e then holds the
// state's sampler, not one shared with other estimators.
func (e *SampledN1) UnmarshalBinary(data []byte) error {
	r, _, err := wire.NewReader(data, sampledTag, sampledVersion)
	if err != nil {
		return err
	}
	dim := r.Int("dimension", 1, maxDim)
	norm := measure.Normalization(r.U8())
	rtol := r.F64()
	maxPool, replicates := r.Int("pool", 0, math.MaxInt32), r.Int("replicates", 0, math.MaxInt32)
	level := r.F64()
	if r.Err() == nil && (!norm.Valid() || !(rtol >= 0 && rtol <= 1e-3)) {
		r.Fail("normalization %d, tie tolerance %v", int(norm), rtol)
	}
	sampler := new(reservoir.Sampler)
	if blob := r.Blob(); r.Err() == nil {
		if err := sampler.UnmarshalBinary(blob); err != nil {
			r.Fail("%v", err)
		}
	}
	var proj *project.Map
	if r.Bool() {
		proj = new(project.Map)
		if blob := r.Blob(); r.Err() == nil {
			if err := proj.UnmarshalBinary(blob); err != nil {
				r.Fail("%v", err)
			} else if proj.In() != dim || norm != measure.NormNone {
				r.Fail("a projection from %d dimensions for points of %d, normalization %v", proj.In(), dim, norm)
			}
		}
	}
	var stats *feature.Columns
	if r.Bool() {
		stats = new(feature.Columns)
		if blob := r.Blob(); r.Err() == nil {
			if err := stats.UnmarshalBinary(blob); err != nil {
				r.Fail("%v", err)
			} else if feature.ForNorm(norm) == 0 || stats.N < 1 || len(stats.Min)+len(stats.M2) != dim {
				r.Fail("statistics of %d points of %d features for normalization %v", stats.N, len(stats.Min)+len(stats.M2), norm)
			}
		}
	}
	if r.Err() != nil {
		return r.Err()
	}
	got := NewSampledN1(dim, sampler, proj, norm)
	got.TieRTol, got.MaxPool, got.Replicates, got.Level = rtol, maxPool, replicates, level
	got.MaxWorkspace, got.Workers = e.MaxWorkspace, e.Workers
	if e.dim == 0 {
		got.MaxWorkspace = mst.DefaultMaxWorkspace
	} else if d := got.settings().differ(e.settings()); d != "" {
		r.Fail("other settings than this SampledN1's: %s", d)
	} else if !proj.Equal(e.proj) {
		r.Fail("another projection than this SampledN1's")
	}
	got.stats = stats
	got.seen = r.I64()
	got.seenCls = r.I64s(sampler.Classes())
	got.labels = r.I32s(-1)
	got.seq = r.I64s(len(got.labels))
	if r.Err() == nil && len(got.labels) > r.Left()/(4*got.k) {
		r.Fail("%d points of dimension %d in %d bytes", len(got.labels), got.k, r.Left())
	}
	if r.Err() == nil {
		got.x = r.F32s(len(got.labels) * got.k)
	}
	if err := r.Close(); err != nil {
		return err
	}
	if err := got.restored(); err != nil {
		return fmt.Errorf("%s state: %v", sampledTag, err)
	}
	*e = *got
	return nil
}

// restored checks that a state read back is one Update can reach: the
// counts are the sampler's, every slot in use holds a point of its class,
// arrival indices are distinct and below the count, points are finite.
func (e *SampledN1) restored() error {
	var total int64
	for _, n := range e.seenCls {
		total += n
	}
	if total != e.seen || (e.stats != nil && e.stats.N > e.seen) {
		return fmt.Errorf("%d samples seen, %d by class", e.seen, total)
	}
	if err := e.inStep(); err != nil {
		return err
	}
	if len(e.seq) != usedSlots(e.sampler) {
		return fmt.Errorf("%d slots for the sampler's %d", len(e.seq), usedSlots(e.sampler))
	}
	seen := make(map[int64]bool, len(e.seq))
	for s, q := range e.seq {
		if q < 0 || q >= e.seen || seen[q] || e.sampler.SlotClass(s) != int(e.labels[s]) {
			return fmt.Errorf("slot %d holds sample %d of class %d", s, q, e.labels[s])
		}
		seen[q] = true
	}
	return measure.CheckFinite(e.x, e.k, 0)
}
