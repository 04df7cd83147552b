package measure

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// FeatureMoments is the streaming state of the feature-based measures (F1,
// F1v, F2), the balance measures (C1, C2) and the dimensionality measures
// (T2, T3, T4). For every class it keeps, per feature, the count, the mean
// and the sum of squared deviations from the mean (M2) and the minimum and
// maximum; with co-moments it also keeps the class's d×d matrix of summed
// cross deviations, needed by F1v and by the PCA of T3 and T4.
//
// Update folds a batch in and Merge folds in a twin fed with other points,
// like gonum's stat/card: per batch the class's mean and M2 are computed in
// float64 about the batch mean and combined with the running ones by the
// pairwise formula of Chan, Golub and LeVeque (1979), which is Welford's
// update when the batch has one point. The result does not depend on how the
// stream is cut into batches, up to float64 rounding.
//
// Memory: k·(4d+O(1)) float64 for k classes and d features, plus k·d²
// float64 with co-moments (and 256·d float64 of scratch during Update);
// the points themselves are not kept.
type FeatureMoments struct {
	dim    int
	comom  bool
	index  map[int32]int
	class  []*classMoments
	points int64
}

// classMoments holds the moments of one class.
type classMoments struct {
	label    int32
	n        int64
	mean     []float64
	m2       []float64 // per feature Σ(x-mean)²
	min, max []float64
	c        []float64 // d×d row-major Σ(x-mean)(x-mean)ᵀ, or nil
}

// NewFeatureMoments returns an empty state for points of dim features. With
// comoments it also keeps each class's co-moment matrix (k·d² float64),
// which F1v, T3 and T4 need.
func NewFeatureMoments(dim int, comoments bool) *FeatureMoments {
	if dim < 1 {
		panic("measure: FeatureMoments needs dim >= 1")
	}
	return &FeatureMoments{dim: dim, comom: comoments, index: map[int32]int{}}
}

// Dim returns the number of features.
func (m *FeatureMoments) Dim() int { return m.dim }

// Len returns the number of points seen.
func (m *FeatureMoments) Len() int64 { return m.points }

// HasComoments reports whether m keeps co-moment matrices.
func (m *FeatureMoments) HasComoments() bool { return m.comom }

// Labels returns the labels seen, in increasing order. Classes are always
// visited in this order (ECoL's order of factor levels).
func (m *FeatureMoments) Labels() []int32 {
	out := make([]int32, len(m.class))
	for i, c := range m.sorted() {
		out[i] = c.label
	}
	return out
}

// Counts returns the number of points of each class, in the order of Labels.
func (m *FeatureMoments) Counts() []int64 {
	out := make([]int64, len(m.class))
	for i, c := range m.sorted() {
		out[i] = c.n
	}
	return out
}

func (m *FeatureMoments) sorted() []*classMoments {
	s := append([]*classMoments(nil), m.class...)
	sort.Slice(s, func(i, j int) bool { return s[i].label < s[j].label })
	return s
}

func (m *FeatureMoments) newClass(label int32) *classMoments {
	d := m.dim
	c := &classMoments{
		label: label,
		mean:  make([]float64, d),
		m2:    make([]float64, d),
		min:   make([]float64, d),
		max:   make([]float64, d),
	}
	for j := range d {
		c.min[j] = math.Inf(1)
		c.max[j] = math.Inf(-1)
	}
	if m.comom {
		c.c = make([]float64, d*d)
	}
	return c
}

func (m *FeatureMoments) get(label int32) *classMoments {
	i, ok := m.index[label]
	if !ok {
		i = len(m.class)
		m.index[label] = i
		m.class = append(m.class, m.newClass(label))
	}
	return m.class[i]
}

// Update adds a batch of len(labels) points stored row by row in x
// (len(x) = len(labels)·Dim). NaN or infinite coordinates are an error and
// leave m unchanged.
func (m *FeatureMoments) Update(x []float32, labels []int32) error {
	d := m.dim
	if len(x) != len(labels)*d {
		return fmt.Errorf("measure: FeatureMoments.Update: %d values for %d points of dimension %d", len(x), len(labels), d)
	}
	for _, v := range x {
		if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
			return errors.New("measure: FeatureMoments.Update: NaN or infinite coordinate")
		}
	}
	// Group the batch by class, in order of first appearance.
	rows := map[int32][]int{}
	var order []int32
	for i, l := range labels {
		if _, ok := rows[l]; !ok {
			order = append(order, l)
		}
		rows[l] = append(rows[l], i)
	}
	for _, l := range order {
		b := m.batchMoments(l, x, rows[l])
		m.get(l).merge(b)
	}
	m.points += int64(len(labels))
	return nil
}

// batchMoments computes the moments of the rows idx of x, two passes in
// float64.
func (m *FeatureMoments) batchMoments(label int32, x []float32, idx []int) *classMoments {
	d := m.dim
	b := m.newClass(label)
	b.n = int64(len(idx))
	for _, i := range idx {
		row := x[i*d : (i+1)*d]
		for j, v := range row {
			f := float64(v)
			b.mean[j] += f
			b.min[j] = math.Min(b.min[j], f)
			b.max[j] = math.Max(b.max[j], f)
		}
	}
	for j := range b.mean {
		b.mean[j] /= float64(b.n)
	}
	// The deviations, a block of coMomentRows rows at a time; with
	// co-moments each block is folded in by one symmetric rank-k update
	// (BLAS Dsyrk: OpenBLAS with -tags openblas), d² work per point that a
	// loop of outer products would do at a tenth of the speed.
	rows := 1
	if b.c != nil {
		rows = min(len(idx), coMomentRows)
	}
	dev := make([]float64, rows*d)
	for lo := 0; lo < len(idx); lo += rows {
		blk := idx[lo:min(lo+rows, len(idx))]
		for r, i := range blk {
			dr := dev[r*d : (r+1)*d]
			for j, v := range x[i*d : (i+1)*d] {
				dr[j] = float64(v) - b.mean[j]
				b.m2[j] += dr[j] * dr[j]
			}
		}
		if b.c != nil {
			blas64.Syrk(blas.Trans, 1, blas64.General{Rows: len(blk), Cols: d, Stride: d, Data: dev[:len(blk)*d]},
				1, blas64.Symmetric{N: d, Stride: d, Data: b.c, Uplo: blas.Upper})
		}
	}
	if b.c != nil {
		// Syrk writes the upper triangle; merge and the readers of the
		// lower one see the full matrix.
		for j := range d {
			for k := range j {
				b.c[j*d+k] = b.c[k*d+j]
			}
		}
	}
	return b
}

// coMomentRows is the number of deviation rows per rank-k update: 256·d
// float64 of scratch.
const coMomentRows = 256

// merge folds the moments of b (same label, same dimension) into c.
func (c *classMoments) merge(b *classMoments) {
	if b.n == 0 {
		return
	}
	if c.n == 0 {
		c.n = b.n
		copy(c.mean, b.mean)
		copy(c.m2, b.m2)
		copy(c.min, b.min)
		copy(c.max, b.max)
		if c.c != nil {
			copy(c.c, b.c)
		}
		return
	}
	na, nb := float64(c.n), float64(b.n)
	n := na + nb
	d := len(c.mean)
	delta := make([]float64, d)
	for j := range d {
		delta[j] = b.mean[j] - c.mean[j]
		c.mean[j] += delta[j] * nb / n
		c.m2[j] += b.m2[j] + delta[j]*delta[j]*na*nb/n
		c.min[j] = math.Min(c.min[j], b.min[j])
		c.max[j] = math.Max(c.max[j], b.max[j])
	}
	if c.c != nil {
		f := na * nb / n
		for j := range d {
			for k := range d {
				c.c[j*d+k] += b.c[j*d+k] + delta[j]*delta[k]*f
			}
		}
	}
	c.n += b.n
}

// Merge folds the state of o, fed with other points, into m. Both must
// have the same dimension and both keep co-moments or neither; o is not
// changed.
func (m *FeatureMoments) Merge(o *FeatureMoments) error {
	if o.dim != m.dim || o.comom != m.comom {
		return fmt.Errorf("measure: FeatureMoments.Merge: dimension %d (co-moments %v) into %d (co-moments %v)", o.dim, o.comom, m.dim, m.comom)
	}
	for _, b := range o.sorted() {
		m.get(b.label).merge(b)
	}
	m.points += o.points
	return nil
}

// grandMean returns the mean of all points, per feature.
func (m *FeatureMoments) grandMean() []float64 {
	mu := make([]float64, m.dim)
	for _, c := range m.class {
		w := float64(c.n) / float64(m.points)
		for j, v := range c.mean {
			mu[j] += w * v
		}
	}
	return mu
}
