package repr

import (
	"math"

	"cxray/stream/measure/internal/wire"
)

// The type tags and layout versions of the binary states (package
// measure/internal/wire describes the layout).
const (
	ckaTag     = "repr.CKA"
	nc1Tag     = "repr.NC1Moments"
	ckaVersion = 1
	nc1Version = 1
	maxDim     = 1 << 28
)

// MarshalBinary writes the state: the two dimensions (the settings), the
// batches and points seen and the three sums.
func (c *CKA) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(ckaTag, ckaVersion, 56)
	w.Int(c.dx)
	w.Int(c.dy)
	w.Int(c.batches)
	w.I64(c.points)
	w.F64(c.xy)
	w.F64(c.xx)
	w.F64(c.yy)
	return w.Bytes(), nil
}

// UnmarshalBinary replaces c's state with one MarshalBinary wrote. A zero
// CKA takes the state's dimensions; one made by NewCKA must have the same.
func (c *CKA) UnmarshalBinary(data []byte) error {
	r, _, err := wire.NewReader(data, ckaTag, ckaVersion)
	if err != nil {
		return err
	}
	got := CKA{dx: r.Int("dimension", 1, maxDim), dy: r.Int("dimension", 1, maxDim)}
	if r.Err() == nil && c.dx != 0 && (got.dx != c.dx || got.dy != c.dy) {
		r.Fail("dimensions %d, %d, this CKA has %d, %d", got.dx, got.dy, c.dx, c.dy)
	}
	got.batches = r.Int("batches", 0, math.MaxInt32)
	got.points = int64(r.Int("points", 4*got.batches, math.MaxInt64))
	got.xy, got.xx, got.yy = r.F64(), r.F64(), r.F64()
	for _, v := range []float64{got.xy, got.xx, got.yy} {
		if math.IsNaN(v) || math.IsInf(v, 0) || got.batches == 0 && v != 0 {
			r.Fail("sum %v over %d batches", v, got.batches)
		}
	}
	if err := r.Close(); err != nil {
		return err
	}
	*c = got
	return nil
}

// MarshalBinary writes the state: the dimension (the setting), the
// number of points, every class in the state's own order with its label,
// count and mean, and the upper triangle of S_W.
func (m *NC1Moments) MarshalBinary() ([]byte, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	w := wire.NewWriter(nc1Tag, nc1Version, int(m.Bytes())/2+64)
	w.Int(m.dim)
	w.I64(m.points)
	w.U64(uint64(len(m.class)))
	for _, c := range m.class {
		w.U32(uint32(c.label))
		w.I64(c.N)
		w.F64s(c.Mean)
	}
	if m.points > 0 {
		w.Sym(m.w, m.dim)
	}
	return w.Bytes(), nil
}

// UnmarshalBinary replaces m's state with one MarshalBinary wrote. A zero
// NC1Moments takes the state's dimension; one made by NewNC1Moments must
// have the same.
func (m *NC1Moments) UnmarshalBinary(data []byte) error {
	r, _, err := wire.NewReader(data, nc1Tag, nc1Version)
	if err != nil {
		return err
	}
	got := NewNC1Moments(r.Int("dimension", 1, maxDim))
	if r.Err() == nil && m.dim != 0 && got.dim != m.dim {
		r.Fail("dimension %d, this NC1Moments has %d", got.dim, m.dim)
	}
	got.points = r.I64()
	classes := r.Count(4 + 8 + 8 + 8*got.dim)
	var total int64
	for range classes {
		label := int32(r.U32())
		n := r.I64()
		mean := r.F64s(got.dim)
		if r.Err() != nil {
			return r.Err()
		}
		if _, dup := got.index[label]; dup || n < 1 {
			r.Fail("class %d is repeated or empty", label)
			return r.Err()
		}
		for _, v := range mean {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				r.Fail("class %d has the mean %v", label, v)
				return r.Err()
			}
		}
		c := got.get(label)
		c.N, c.Mean = n, mean
		total += n
	}
	if r.Err() == nil && (total != got.points || got.points < 0) {
		r.Fail("%d points in the classes, %d in all", total, got.points)
	}
	if r.Err() == nil && got.points > 0 {
		got.w = r.Sym(got.dim)
	}
	if err := r.Close(); err != nil {
		return err
	}
	*m = *got
	return nil
}
