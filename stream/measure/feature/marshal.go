package feature

import (
	"math"

	"cxray/stream/measure/internal/wire"
)

// The type tags and layout versions of the binary states (package
// measure/internal/wire describes the layout).
const (
	columnsTag     = "feature.Columns"
	momentsTag     = "feature.Moments"
	columnsVersion = 1
	momentsVersion = 1
)

// maxDim bounds the number of features a state may declare.
const maxDim = 1 << 28

// keeps returns the Stats c keeps.
func (c *Columns) keeps() Stats {
	var s Stats
	if c.Min != nil {
		s |= Range
	}
	if c.M2 != nil {
		s |= Spread
	} else if c.Mean != nil {
		s |= Mean
	}
	return s
}

// put writes c: its Stats, count and kept vectors.
func (c *Columns) put(w *wire.Writer) {
	w.U8(uint8(c.keeps()))
	w.I64(c.N)
	for _, v := range [][]float64{c.Min, c.Max, c.Mean, c.M2} {
		if v != nil {
			w.F64s(v)
		}
	}
}

// getColumns reads what put wrote for dim features, checking that the
// statistics are those of N points: minima ≤ maxima when N > 0, finite
// means and M2 ≥ 0.
func getColumns(r *wire.Reader, dim int) *Columns {
	keep := Stats(r.U8())
	if keep&^(Range|Mean|Spread) != 0 || keep&Mean != 0 && keep&Spread != 0 {
		r.Fail("unknown statistics %#x", uint8(keep))
		return nil
	}
	c := &Columns{N: r.I64()}
	if c.N < 0 {
		r.Fail("count %d", c.N)
	}
	if keep&Range != 0 {
		c.Min, c.Max = r.F64s(dim), r.F64s(dim)
	}
	if keep&(Mean|Spread) != 0 {
		c.Mean = r.F64s(dim)
	}
	if keep&Spread != 0 {
		c.M2 = r.F64s(dim)
	}
	if r.Err() != nil {
		return nil
	}
	for j := range c.Min {
		if c.N > 0 && !(c.Min[j] <= c.Max[j]) || c.N == 0 && (c.Min[j] != math.Inf(1) || c.Max[j] != math.Inf(-1)) {
			r.Fail("feature %d has the range [%v, %v] over %d points", j, c.Min[j], c.Max[j], c.N)
			return nil
		}
	}
	for j, mean := range c.Mean {
		m2 := 0.0
		if c.M2 != nil {
			m2 = c.M2[j]
		}
		if math.IsNaN(mean) || math.IsInf(mean, 0) || !(m2 >= 0) || math.IsInf(m2, 1) {
			r.Fail("feature %d has the mean %v and M2 %v", j, mean, m2)
			return nil
		}
	}
	return c
}

// MarshalBinary writes the statistics: which are kept, the count and the
// vectors.
func (c *Columns) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(columnsTag, columnsVersion, 8*4*len(c.Mean)+32)
	dim := max(len(c.Min), len(c.Mean))
	w.Int(dim)
	c.put(w)
	return w.Bytes(), nil
}

// UnmarshalBinary replaces c with the statistics MarshalBinary wrote.
func (c *Columns) UnmarshalBinary(data []byte) error {
	r, _, err := wire.NewReader(data, columnsTag, columnsVersion)
	if err != nil {
		return err
	}
	dim := r.Int("dimension", 0, maxDim)
	got := getColumns(r, dim)
	if err := r.Close(); err != nil {
		return err
	}
	*c = *got
	return nil
}

// MarshalBinary writes the state: the dimension and whether co-moments
// are kept (the settings), the number of points, then every class in the
// state's own order (which fixes the order of its sums) with its label,
// Columns and, with co-moments, the upper triangle of its matrix.
func (m *Moments) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(momentsTag, momentsVersion, int(m.Bytes())+64)
	w.Int(m.dim)
	w.Bool(m.comom)
	w.I64(m.points)
	w.U64(uint64(len(m.class)))
	for _, c := range m.class {
		w.U32(uint32(c.label))
		c.Columns.put(w)
		if m.comom {
			w.Sym(c.c, m.dim)
		}
	}
	return w.Bytes(), nil
}

// UnmarshalBinary replaces m's state with one MarshalBinary wrote. A zero
// Moments takes the state's dimension and co-moment setting; one made by
// NewMoments must have the same.
func (m *Moments) UnmarshalBinary(data []byte) error {
	r, _, err := wire.NewReader(data, momentsTag, momentsVersion)
	if err != nil {
		return err
	}
	got := &Moments{dim: r.Int("dimension", 1, maxDim), comom: r.Bool(), points: r.I64(), index: map[int32]int{}}
	if r.Err() == nil && m.dim != 0 && (got.dim != m.dim || got.comom != m.comom) {
		r.Fail("dimension %d (co-moments %v), this Moments has %d (co-moments %v)", got.dim, got.comom, m.dim, m.comom)
	}
	classes := r.Count(4 + 9 + 8*4*got.dim)
	var total int64
	for range classes {
		label := int32(r.U32())
		cols := getColumns(r, got.dim)
		if r.Err() != nil {
			return r.Err()
		}
		if _, dup := got.index[label]; dup || cols.keeps() != Range|Spread || cols.N < 1 {
			r.Fail("class %d is repeated, empty or lacks its statistics", label)
			return r.Err()
		}
		c := &classMoments{label: label, Columns: cols}
		if got.comom {
			c.c = r.Sym(got.dim)
		}
		got.index[label] = len(got.class)
		got.class = append(got.class, c)
		total += cols.N
	}
	if r.Err() == nil && total != got.points {
		r.Fail("%d points in the classes, %d in all", total, got.points)
	}
	if err := r.Close(); err != nil {
		return err
	}
	*m = *got
	return nil
}
