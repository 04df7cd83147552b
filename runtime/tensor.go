package runtime

import (
	"fmt"
	"math"

	"cxray/importer"
)

// Tensor is a dense row-major tensor. Integer tensors (shapes, indices,
// axes) have Int set and Data nil; every other tensor is float32 and has
// Int nil. A zero-size float tensor may have Data nil as well.
type Tensor struct {
	Shape []int
	Data  []float32
	Int   []int64

	// An executor's node outputs own their buffers (bufF, bufI), or share
	// a slot with outputs of disjoint lifetimes (see shareBuffers), grown
	// through m; Data and Int are views of them, or of another tensor's
	// (alias). dry marks a tensor of the shape step, which has a shape but
	// no values.
	m    *meter
	bufF []float32
	bufI []int64
	slot *slot
	dry  bool
}

// IsInt reports whether t holds integers.
func (t *Tensor) IsInt() bool { return t.Int != nil }

// Len is the number of elements implied by the shape.
func (t *Tensor) Len() int { return numel(t.Shape) }

// numel is the product of the dimensions; 1 for a scalar. Shapes that
// reach it were checked by checkedNumel when their tensor was sized.
func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// setFloat makes t a float tensor of the given shape, reusing its buffer
// when it is large enough; a larger one is checked against the executor's
// budget first. The contents are not cleared: every kernel writes each
// element of its outputs. In a dry step it sets the shape only and
// returns errDry, which the kernel returns at once.
func (t *Tensor) setFloat(shape ...int) ([]float32, error) {
	t.Shape = append(t.Shape[:0], shape...)
	t.Int = nil
	buf := &t.bufF
	if t.slot != nil {
		buf = &t.slot.f
	}
	data, err := reserve(t.m, buf, checkedNumel(shape), "output", shape)
	t.Data, t.dry = data, t.m != nil && t.m.dry
	if err == nil && t.dry {
		err = errDry
	}
	return data, err
}

// fits reports a float output of this shape that overflows or alone
// exceeds the budget, as setFloat would, for kernels that reserve scratch
// before their output: the error then names the output, the larger buffer.
func (t *Tensor) fits(shape ...int) error {
	n := checkedNumel(shape)
	if n >= 0 && (t.m == nil || t.m.limit == 0 || int64(n) <= t.m.limit/4) {
		return nil
	}
	return &BudgetError{What: "output", Shape: append([]int(nil), shape...), Need: floatBytes(n)}
}

// floatBytes is the bytes of n float32 values; math.MaxInt64 when n < 0
// (an overflowed count) or when they would overflow.
func floatBytes(n int) int64 {
	if n < 0 || int64(n) > math.MaxInt64/4 {
		return math.MaxInt64
	}
	return 4 * int64(n)
}

// setInt makes t an integer tensor of the given shape. Int is non-nil even
// when empty, since that is what marks the tensor as integer.
func (t *Tensor) setInt(shape ...int) ([]int64, error) {
	t.Shape = append(t.Shape[:0], shape...)
	t.Data = nil
	buf := &t.bufI
	if t.slot != nil {
		buf = &t.slot.i
	}
	data, err := reserve(t.m, buf, checkedNumel(shape), "output", shape)
	t.Int, t.dry = data, t.m != nil && t.m.dry
	if t.Int == nil {
		t.Int = []int64{}
	}
	if err == nil && t.dry {
		err = errDry
	}
	return data, err
}

// alias makes t a view of src with another shape of the same size. The
// kernels that alias (Identity, Reshape, ...) never write into their
// outputs, so sharing the buffer is safe.
func (t *Tensor) alias(src *Tensor, shape ...int) {
	t.Shape = append(t.Shape[:0], shape...)
	t.Data = src.Data
	t.Int = src.Int
	t.dry = src.dry
}

// fromImporter wraps an initializer without copying it.
func fromImporter(it *importer.Tensor) *Tensor {
	t := &Tensor{Shape: append([]int(nil), it.Shape...)}
	switch {
	case it.Int != nil:
		t.Int = it.Int
	default:
		t.Data = it.Float
	}
	return t
}

// check reports a tensor whose buffer does not match its shape, which
// would otherwise surface as an index panic deep inside a kernel.
func (t *Tensor) check() error {
	for _, d := range t.Shape {
		if d < 0 {
			return fmt.Errorf("shape %v has a negative dimension", t.Shape)
		}
	}
	n := numel(t.Shape)
	if t.Int != nil {
		if len(t.Int) != n {
			return fmt.Errorf("shape %v needs %d elements, Int has %d", t.Shape, n, len(t.Int))
		}
		return nil
	}
	if len(t.Data) != n {
		return fmt.Errorf("shape %v needs %d elements, Data has %d", t.Shape, n, len(t.Data))
	}
	return nil
}

// ints appends the values of an integer tensor to dst[:0], so that a
// kernel can keep dst as scratch across batches. An empty tensor of either
// type is accepted, since initializers of zero size carry no element type
// through the importer.
func ints(dst []int, t *Tensor, what string) ([]int, error) {
	dst = dst[:0]
	if t == nil {
		return dst, fmt.Errorf("%s is missing", what)
	}
	if t.dry {
		return dst, fmt.Errorf("%s depends on the input's values, which the shape step does not compute", what)
	}
	if t.Int == nil {
		if t.Len() == 0 {
			return dst, nil
		}
		return dst, fmt.Errorf("%s must be an integer tensor, got float32 of shape %v", what, t.Shape)
	}
	for _, v := range t.Int {
		dst = append(dst, int(v))
	}
	return dst, nil
}

// scalar returns the single value of a float tensor such as Clip's min.
func scalar(t *Tensor, what string) (float32, error) {
	if t.dry {
		return 0, fmt.Errorf("%s depends on the input's values, which the shape step does not compute", what)
	}
	if t.Int != nil || len(t.Data) != 1 {
		return 0, fmt.Errorf("%s must be a float32 scalar, got shape %v", what, t.Shape)
	}
	return t.Data[0], nil
}

// normAxis maps a possibly negative axis into [0, rank).
func normAxis(axis, rank int, what string) (int, error) {
	if axis < -rank || axis >= rank {
		return 0, fmt.Errorf("%s %d is out of range for rank %d", what, axis, rank)
	}
	if axis < 0 {
		axis += rank
	}
	return axis, nil
}

func toInts(v []int64) []int {
	if v == nil {
		return nil
	}
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x)
	}
	return out
}
