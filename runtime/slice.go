package runtime

import (
	"errors"
	"fmt"
	"math"
)

// buildSlice: the starts, ends, axes and steps are inputs 1 to 4 from
// opset 10 and attributes before (no steps). Each selects, along its
// axis, what Python's data[start:end:step] selects: negative positions
// count from the end and out-of-range ones are clamped.
func buildSlice(c *nodeCtx) (kernel, error) {
	k := &slice{}
	if c.opset < 10 {
		a := c.attrs()
		if a.Ints("starts", nil) == nil || a.Ints("ends", nil) == nil {
			return nil, fmt.Errorf("the starts and ends attributes are required before opset 10")
		}
		if len(c.node.Inputs) > 1 {
			return nil, fmt.Errorf("starts and ends are attributes before opset 10, but the node (opset %d) has %d inputs", c.opset, len(c.node.Inputs))
		}
		k.attr = true
		k.starts, k.ends, k.axes = toInts(a.Ints("starts", nil)), toInts(a.Ints("ends", nil)), toInts(a.Ints("axes", nil))
	} else if len(c.node.Inputs) < 3 {
		return nil, fmt.Errorf("starts and ends (inputs 1 and 2) are required from opset 10")
	}
	return k, nil
}

type slice struct {
	attr                      bool // starts, ends and axes are attributes
	starts, ends, axes, steps []int
	sel                       strided
	seen                      []bool
}

func (k *slice) run(in, out []*Tensor) error {
	x := in[0]
	if !k.attr {
		var err error
		if k.starts, err = ints(k.starts, in[1], "starts (input 1)"); err != nil {
			return err
		}
		if k.ends, err = ints(k.ends, in[2], "ends (input 2)"); err != nil {
			return err
		}
		k.axes, k.steps = k.axes[:0], k.steps[:0]
		if len(in) > 3 && in[3] != nil {
			if k.axes, err = ints(k.axes, in[3], "axes (input 3)"); err != nil {
				return err
			}
		}
		if len(in) > 4 && in[4] != nil {
			if k.steps, err = ints(k.steps, in[4], "steps (input 4)"); err != nil {
				return err
			}
		}
	}
	r := len(x.Shape)
	n := len(k.starts)
	if len(k.ends) != n || len(k.axes) != 0 && len(k.axes) != n || len(k.steps) != 0 && len(k.steps) != n {
		return fmt.Errorf("starts %v, ends %v, axes %v and steps %v must have the same length", k.starts, k.ends, k.axes, k.steps)
	}
	k.sel.reset(x.Shape)
	k.seen = k.seen[:0]
	for range r {
		k.seen = append(k.seen, false)
	}
	for i := 0; i < n; i++ {
		ax := i
		if len(k.axes) > 0 {
			var err error
			if ax, err = normAxis(k.axes[i], r, "axis"); err != nil {
				return fmt.Errorf("axes %v for input %v: %v", k.axes, x.Shape, err)
			}
		} else if i >= r {
			return fmt.Errorf("starts %v has more values than input %v has axes", k.starts, x.Shape)
		}
		if k.seen[ax] {
			return fmt.Errorf("axes %v repeat axis %d", k.axes, ax)
		}
		k.seen[ax] = true
		step := 1
		if len(k.steps) > 0 {
			step = k.steps[i]
		}
		if step == 0 {
			return fmt.Errorf("steps %v: a step must not be 0", k.steps)
		}
		start, count := sliceRange(k.starts[i], k.ends[i], step, x.Shape[ax])
		k.sel.set(ax, start, step, count)
	}
	return k.sel.copyTo(x, out[0])
}

// sliceRange is Python's slice(start, end, step).indices(dim): the first
// position and the number of positions selected.
func sliceRange(start, end, step, dim int) (first, count int) {
	clamp := func(v, lo, hi int) int {
		if v < 0 {
			if v < math.MinInt+dim { // INT64_MIN, the "from the start" sentinel
				v = lo
			} else {
				v += dim
			}
		}
		return min(max(v, lo), hi)
	}
	if step > 0 {
		start, end = clamp(start, 0, dim), clamp(end, 0, dim)
		if end <= start {
			return start, 0
		}
		return start, (end - start + step - 1) / step
	}
	start, end = clamp(start, -1, dim-1), clamp(end, -1, dim-1)
	if start <= end {
		return start, 0
	}
	return start, (start - end - step - 1) / -step
}

// strided is a strided view of a tensor: along each axis, count positions
// from start in steps of step. copyTo copies it out; Slice and Split
// select with it.
type strided struct {
	shape, start, step, count []int
	elem, pos                 []int // scratch: the input's strides, the odometer
}

func (s *strided) reset(shape []int) {
	s.shape = append(s.shape[:0], shape...)
	s.start, s.step, s.count = s.start[:0], s.step[:0], s.count[:0]
	for _, d := range shape {
		s.start, s.step, s.count = append(s.start, 0), append(s.step, 1), append(s.count, d)
	}
}

func (s *strided) set(ax, start, step, count int) {
	s.start[ax], s.step[ax], s.count[ax] = start, step, count
}

func (s *strided) copyTo(x, out *Tensor) error {
	if x.IsInt() {
		dst, err := out.setInt(s.count...)
		if err != nil {
			return err
		}
		stridedCopy(s, dst, x.Int)
		return nil
	}
	dst, err := out.setFloat(s.count...)
	if err != nil {
		return err
	}
	stridedCopy(s, dst, x.Data)
	return nil
}

func stridedCopy[T number](s *strided, dst, src []T) {
	r := len(s.shape)
	if len(dst) == 0 {
		return
	}
	if r == 0 {
		dst[0] = src[0]
		return
	}
	// Element strides of the input, and the offset of the first element.
	s.elem, s.pos = s.elem[:0], s.pos[:0]
	for range r {
		s.elem, s.pos = append(s.elem, 0), append(s.pos, 0)
	}
	elem, pos := s.elem, s.pos
	off := 0
	st := 1
	for ax := r - 1; ax >= 0; ax-- {
		elem[ax] = st
		off += s.start[ax] * st
		st *= s.shape[ax]
	}
	n, inner := s.count[r-1], s.step[r-1]*elem[r-1]
	for o := 0; o < len(dst); o += n {
		row := dst[o : o+n]
		if inner == 1 {
			copy(row, src[off:off+n])
		} else {
			for j := range row {
				row[j] = src[off+j*inner]
			}
		}
		for ax := r - 2; ax >= 0; ax-- {
			pos[ax]++
			off += s.step[ax] * elem[ax]
			if pos[ax] < s.count[ax] {
				break
			}
			off -= s.step[ax] * elem[ax] * s.count[ax]
			pos[ax] = 0
		}
	}
}

// buildSplit: the input cut along axis into pieces whose sizes are the
// split attribute (before opset 13), the split input (from 13), or equal
// parts, one per output (num_outputs from opset 18; the last part is
// smaller when the axis does not divide evenly).
func buildSplit(c *nodeCtx) (kernel, error) {
	k := &split{axis: int(c.attrs().Int("axis", 0)), outs: len(c.node.Outputs)}
	if c.opset < 13 {
		k.attr = toInts(c.attrs().Ints("split", nil))
	} else if c.hasInput(1) {
		k.fromIn = true
	}
	if n := c.attrs().Int("num_outputs", 0); n != 0 && int(n) != k.outs {
		return nil, fmt.Errorf("num_outputs %d but the node has %d outputs", n, k.outs)
	}
	return k, nil
}

type split struct {
	axis   int
	outs   int
	attr   []int
	fromIn bool
	sizes  []int
	sel    strided
}

func (k *split) run(in, out []*Tensor) error {
	x := in[0]
	ax, err := normAxis(k.axis, len(x.Shape), "axis")
	if err != nil {
		return fmt.Errorf("%v (input %v)", err, x.Shape)
	}
	d := x.Shape[ax]
	switch {
	case k.fromIn:
		if k.sizes, err = ints(k.sizes, in[1], "split (input 1)"); err != nil {
			return err
		}
	case k.attr != nil:
		k.sizes = append(k.sizes[:0], k.attr...)
	default:
		k.sizes = k.sizes[:0]
		per := (d + k.outs - 1) / k.outs
		for i := range k.outs {
			k.sizes = append(k.sizes, max(0, min(per, d-i*per)))
		}
	}
	if len(k.sizes) != k.outs {
		return fmt.Errorf("split %v has %d sizes for %d outputs", k.sizes, len(k.sizes), k.outs)
	}
	total := 0
	for _, s := range k.sizes {
		if s < 0 {
			return fmt.Errorf("split %v has a negative size", k.sizes)
		}
		total += s
	}
	if total != d {
		return fmt.Errorf("split %v adds up to %d, but axis %d of input %v has %d", k.sizes, total, ax, x.Shape, d)
	}
	// In the shape step every output gets its shape before errDry ends
	// the step.
	var dry error
	start := 0
	for i, s := range k.sizes {
		k.sel.reset(x.Shape)
		k.sel.set(ax, start, 1, s)
		start += s
		if err := k.sel.copyTo(x, out[i]); errors.Is(err, errDry) {
			dry = err
		} else if err != nil {
			return err
		}
	}
	return dry
}
