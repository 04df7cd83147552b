package feature

import (
	"math"

	"cxray/stream/measure"
)

// Stats selects the per-feature statistics a Columns keeps.
type Stats uint8

const (
	// Range keeps each feature's minimum and maximum.
	Range Stats = 1 << iota
	// Mean keeps each feature's mean.
	Mean
	// Spread keeps the mean and the sum of squared deviations from it
	// (M2), from which the variance follows.
	Spread
)

// Columns holds per-feature statistics of a set of points: their count
// and, per feature, what its Stats keep. It is the one column-statistics
// type of cxray: the class moments of the feature measures, the
// normalisation weights of the estimators (over a whole set, or streamed),
// the centring of the projection fit and of the sample pool, the ranges of
// the Gower distance and the standardisation of the linear measures all
// come from it.
//
// The statistics are float64 over the float32 (or float64) values. Of
// takes a set in two passes, the mean first and then the squared
// deviations from it, so that a large common offset costs no accuracy;
// Merge folds in a twin by the pairwise formula of Chan, Golub and LeVeque
// (1979), so a state built batch by batch does not depend on where the
// stream was cut, up to rounding; Push folds in one point by Welford's
// update. The three agree up to float64 rounding, not bit for bit, and
// each caller keeps to one of them, so that its values are reproducible.
//
// Memory: 8 bytes per feature and statistic kept (two for Range and for
// Spread, one for Mean).
type Columns struct {
	// N is the number of points.
	N int64
	// Min and Max are kept under Range, Mean under Mean or Spread, M2
	// (Σ (x − mean)²) under Spread; the others are nil.
	Min, Max []float64
	Mean, M2 []float64
}

// NewColumns returns empty statistics of dim features: minima +Inf and
// maxima −Inf.
func NewColumns(dim int, keep Stats) *Columns {
	c := &Columns{}
	if keep&Range != 0 {
		c.Min, c.Max = make([]float64, dim), make([]float64, dim)
		for j := range dim {
			c.Min[j], c.Max[j] = math.Inf(1), math.Inf(-1)
		}
	}
	if keep&(Mean|Spread) != 0 {
		c.Mean = make([]float64, dim)
	}
	if keep&Spread != 0 {
		c.M2 = make([]float64, dim)
	}
	return c
}

// ForNorm returns the statistics a normalisation's weights need.
func ForNorm(norm measure.Normalization) Stats {
	switch norm {
	case measure.NormMinMax:
		return Range
	case measure.NormZScore:
		return Spread
	}
	return 0
}

// Of returns the statistics of all the points of x (dim values each): the
// minimum, maximum and sum in one pass, the mean as the sum over the
// count, then the squared deviations from it in a second pass.
func Of[T float32 | float64](x []T, dim int, keep Stats) *Columns {
	return of(dim, len(x)/dim, func(i int) []T { return x[i*dim : (i+1)*dim] }, keep)
}

// OfRows is Of on the points of x listed in rows, in that order.
func OfRows[T float32 | float64](x []T, dim int, rows []int, keep Stats) *Columns {
	return of(dim, len(rows), func(i int) []T { return x[rows[i]*dim : (rows[i]+1)*dim] }, keep)
}

// of is Of on the n points row(0), …, row(n−1).
func of[T float32 | float64](dim, n int, row func(i int) []T, keep Stats) *Columns {
	c := NewColumns(dim, keep)
	c.N = int64(n)
	if n == 0 {
		return c
	}
	if c.Min != nil || c.Mean != nil {
		for i := range n {
			for j, v := range row(i) {
				f := float64(v)
				if c.Mean != nil {
					c.Mean[j] += f
				}
				if c.Min != nil {
					c.Min[j] = math.Min(c.Min[j], f)
					c.Max[j] = math.Max(c.Max[j], f)
				}
			}
		}
	}
	for j := range c.Mean {
		c.Mean[j] /= float64(n)
	}
	if c.M2 != nil {
		for i := range n {
			for j, v := range row(i) {
				d := float64(v) - c.Mean[j]
				c.M2[j] += d * d
			}
		}
	}
	return c
}

// Merge folds in o, the statistics of other points with the same features
// and the same Stats: Chan, Golub and LeVeque's pairwise update of the
// mean and M2, and the minima and maxima. o is not changed.
func (c *Columns) Merge(o *Columns) {
	if o.N == 0 {
		return
	}
	if c.N == 0 {
		c.N = o.N
		copy(c.Min, o.Min)
		copy(c.Max, o.Max)
		copy(c.Mean, o.Mean)
		copy(c.M2, o.M2)
		return
	}
	na, nb := float64(c.N), float64(o.N)
	n := na + nb
	for j := range c.Mean {
		delta := o.Mean[j] - c.Mean[j]
		c.Mean[j] += delta * nb / n
		if c.M2 != nil {
			c.M2[j] += o.M2[j] + delta*delta*na*nb/n
		}
	}
	for j := range c.Min {
		c.Min[j] = math.Min(c.Min[j], o.Min[j])
		c.Max[j] = math.Max(c.Max[j], o.Max[j])
	}
	c.N += o.N
}

// Push folds in one point by Welford's update of the mean and M2, and
// updates the minima and maxima.
func (c *Columns) Push(x []float32) {
	c.N++
	for j, v := range x {
		f := float64(v)
		if c.Min != nil {
			c.Min[j] = math.Min(c.Min[j], f)
			c.Max[j] = math.Max(c.Max[j], f)
		}
		if c.M2 != nil {
			d := f - c.Mean[j]
			c.Mean[j] += d / float64(c.N)
			c.M2[j] += d * (f - c.Mean[j])
		}
	}
}

// Weights returns the per-feature factors w of the normalisation norm,
// such that the normalised squared distance is Σ((a_j−b_j)·w_j)²:
// 1/(max−min) for NormMinMax, 1/σ with the population σ = √(M2/N) for
// NormZScore, and 0 for a feature whose range or σ is 0; nil for NormNone.
// Both normalisations are affine per feature, and a translation does not
// change a distance, so only the scale matters. c must keep ForNorm(norm).
func (c *Columns) Weights(norm measure.Normalization) []float64 {
	var dim int
	switch norm {
	case measure.NormMinMax:
		dim = len(c.Min)
	case measure.NormZScore:
		dim = len(c.M2)
	default:
		return nil
	}
	w := make([]float64, dim)
	for j := range w {
		var r float64
		if norm == measure.NormMinMax {
			r = c.Max[j] - c.Min[j]
		} else {
			r = math.Sqrt(c.M2[j] / float64(c.N))
		}
		if r > 0 {
			w[j] = 1 / r
		}
	}
	return w
}

// Bytes is the size of the statistics kept.
func (c *Columns) Bytes() int64 {
	return 8 * int64(cap(c.Min)+cap(c.Max)+cap(c.Mean)+cap(c.M2))
}
