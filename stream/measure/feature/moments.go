package feature

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"cxray/stream/measure"
)

// Moments is the streaming state of the feature-based measures (F1,
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
type Moments struct {
	dim    int
	comom  bool
	index  map[int32]int
	class  []*classMoments
	points int64
}

// classMoments holds the moments of one class: its Columns (Range and
// Spread) and, with co-moments, c, the d×d row-major Σ(x−mean)(x−mean)ᵀ.
type classMoments struct {
	label int32
	*Columns
	c []float64
}

var _ measure.Merger[*Moments] = (*Moments)(nil)

// NewMoments returns an empty state for points of dim features. With
// comoments it also keeps each class's co-moment matrix (k·d² float64),
// which F1v, T3 and T4 need.
func NewMoments(dim int, comoments bool) *Moments {
	if dim < 1 {
		panic("feature: Moments needs dim >= 1")
	}
	return &Moments{dim: dim, comom: comoments, index: map[int32]int{}}
}

// Dim returns the number of features.
func (m *Moments) Dim() int { return m.dim }

// Len returns the number of points seen.
func (m *Moments) Len() int64 { return m.points }

// HasComoments reports whether m keeps co-moment matrices.
func (m *Moments) HasComoments() bool { return m.comom }

// Labels returns the labels seen, in increasing order. Classes are always
// visited in this order (ECoL's order of factor levels).
func (m *Moments) Labels() []int32 {
	out := make([]int32, len(m.class))
	for i, c := range m.sorted() {
		out[i] = c.label
	}
	return out
}

// Counts returns the number of points of each class, in the order of Labels.
func (m *Moments) Counts() []int64 {
	out := make([]int64, len(m.class))
	for i, c := range m.sorted() {
		out[i] = c.N
	}
	return out
}

func (m *Moments) sorted() []*classMoments {
	s := append([]*classMoments(nil), m.class...)
	sort.Slice(s, func(i, j int) bool { return s[i].label < s[j].label })
	return s
}

func (m *Moments) newClass(label int32) *classMoments {
	c := &classMoments{label: label, Columns: NewColumns(m.dim, Range|Spread)}
	if m.comom {
		c.c = make([]float64, m.dim*m.dim)
	}
	return c
}

func (m *Moments) get(label int32) *classMoments {
	i, ok := m.index[label]
	if !ok {
		i = len(m.class)
		m.index[label] = i
		m.class = append(m.class, m.newClass(label))
	}
	return m.class[i]
}

// Update adds the batch's len(b.Labels) points, stored row by row in b.X
// (len(b.X) = len(b.Labels)·Dim). NaN or infinite coordinates, or
// reservoir slots (the moments take every point), are an error and leave m
// unchanged.
func (m *Moments) Update(b measure.Batch) error {
	d := m.dim
	x, labels := b.X, b.Labels
	if err := b.CheckWhole("feature: Moments", false); err != nil {
		return err
	}
	if len(x) != len(labels)*d {
		return fmt.Errorf("feature: Moments.Update: %d values for %d points of dimension %d", len(x), len(labels), d)
	}
	for _, v := range x {
		if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
			return errors.New("feature: Moments.Update: NaN or infinite coordinate")
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

// batchMoments computes the moments of the rows idx of x: their Columns
// (two passes in float64) and, with co-moments, the summed outer products
// of their deviations.
func (m *Moments) batchMoments(label int32, x []float32, idx []int) *classMoments {
	d := m.dim
	b := &classMoments{label: label, Columns: OfRows(x, d, idx, Range|Spread)}
	if !m.comom {
		return b
	}
	b.c = make([]float64, d*d)
	AddScatter(b.c, x, d, idx, b.Mean)
	// AddScatter writes the upper triangle; merge and the readers of the
	// lower one see the full matrix.
	for j := range d {
		for k := range j {
			b.c[j*d+k] = b.c[k*d+j]
		}
	}
	return b
}

// AddScatter adds to the upper triangle of the d×d row-major matrix s the
// scatter of the rows of x listed in rows about mean,
// Σ (x_i − mean)(x_i − mean)ᵀ, in float64. The deviations go a block of
// coMomentRows rows at a time into one symmetric rank-k update (BLAS
// Dsyrk: OpenBLAS with -tags openblas), d² work per point that a loop of
// outer products would do at a tenth of the speed. The lower triangle is
// left as it was.
func AddScatter(s []float64, x []float32, d int, rows []int, mean []float64) {
	blk := min(len(rows), coMomentRows)
	dev := make([]float64, blk*d)
	for lo := 0; lo < len(rows); lo += blk {
		part := rows[lo:min(lo+blk, len(rows))]
		for r, i := range part {
			dr := dev[r*d : (r+1)*d]
			for j, v := range x[i*d : (i+1)*d] {
				dr[j] = float64(v) - mean[j]
			}
		}
		blas64.Syrk(blas.Trans, 1, blas64.General{Rows: len(part), Cols: d, Stride: d, Data: dev[:len(part)*d]},
			1, blas64.Symmetric{N: d, Stride: d, Data: s, Uplo: blas.Upper})
	}
}

// coMomentRows is the number of deviation rows per rank-k update: 256·d
// float64 of scratch.
const coMomentRows = 256

// merge folds the moments of b (same label, same dimension) into c: the
// Columns by Chan et al.'s update, the co-moments by its matrix form,
// C += C_b + δδᵀ·n_a·n_b/n with δ the difference of the means.
func (c *classMoments) merge(b *classMoments) {
	if b.N == 0 {
		return
	}
	if c.N == 0 || c.c == nil {
		copy(c.c, b.c)
		c.Columns.Merge(b.Columns)
		return
	}
	na, nb := float64(c.N), float64(b.N)
	d := len(c.Mean)
	delta := make([]float64, d)
	for j := range d {
		delta[j] = b.Mean[j] - c.Mean[j]
	}
	c.Columns.Merge(b.Columns)
	f := na * nb / (na + nb)
	for j := range d {
		for k := range d {
			c.c[j*d+k] += b.c[j*d+k] + delta[j]*delta[k]*f
		}
	}
}

// Merge folds the state of o, fed with other points, into m. Both must
// have the same dimension and both keep co-moments or neither; o is not
// changed.
func (m *Moments) Merge(o *Moments) error {
	if o.dim != m.dim || o.comom != m.comom {
		return fmt.Errorf("feature: Moments.Merge: dimension %d (co-moments %v) into %d (co-moments %v)", o.dim, o.comom, m.dim, m.comom)
	}
	for _, b := range o.sorted() {
		m.get(b.label).merge(b)
	}
	m.points += o.points
	return nil
}

// Bytes is the size of the state: each class's Columns and co-moments.
func (m *Moments) Bytes() int64 {
	var b int64
	for _, c := range m.class {
		b += c.Columns.Bytes() + 8*int64(len(c.c))
	}
	return b
}

// grandMean returns the mean of all points, per feature.
func (m *Moments) grandMean() []float64 {
	mu := make([]float64, m.dim)
	for _, c := range m.class {
		w := float64(c.N) / float64(m.points)
		for j, v := range c.Mean {
			mu[j] += w * v
		}
	}
	return mu
}
