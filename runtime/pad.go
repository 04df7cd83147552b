package runtime

import (
	"fmt"
	"slices"
)

// buildPad: the pads are input 1 from opset 11 (with an optional constant
// value as input 2 and, from opset 18, the axes they apply to as input 3),
// and the pads and value attributes before. mode is constant (the
// default), reflect or edge. PyTorch exports nn.AvgPool2d (with its
// default count_include_pad) as an all-zero Pad before AveragePool; that
// Pad costs nothing here, since its output aliases its input.
func buildPad(c *nodeCtx) (kernel, error) {
	k := &pad{mode: c.attrs().String("mode", "constant"), m: c.m}
	switch k.mode {
	case "constant", "reflect", "edge":
	default:
		return nil, fmt.Errorf("mode %q is not supported (constant, reflect, edge)", k.mode)
	}
	if c.opset < 11 {
		k.attrPads = toInts(c.attrs().Ints("pads", nil))
		if k.attrPads == nil {
			return nil, fmt.Errorf("the pads attribute is missing")
		}
		k.value = c.attrs().Float("value", 0)
	}
	return k, nil
}

type pad struct {
	m        *meter
	mode     string
	attrPads []int   // before opset 11
	value    float32 // before opset 11

	given, axes []int
	begin, end  []int   // per axis of the input
	shape       []int   // output shape
	from        [][]int // per axis: the input index of each output index, -1 for the fill
	idx         []int
}

func (k *pad) run(in, out []*Tensor) error {
	x := in[0]
	r := len(x.Shape)
	var err error
	fill := k.value
	if k.attrPads != nil {
		k.given = append(k.given[:0], k.attrPads...)
	} else {
		if k.given, err = ints(k.given, in[1], "the pads (input 1)"); err != nil {
			return err
		}
		if len(in) > 2 && in[2] != nil && in[2].Len() > 0 {
			switch {
			case in[2].Len() != 1:
				return fmt.Errorf("the constant value (input 2) has shape %v, want a scalar", in[2].Shape)
			case in[2].IsInt():
				fill = float32(in[2].Int[0])
			default:
				fill = in[2].Data[0]
			}
		}
	}
	// The axes the pads apply to: all, or input 3 (opset 18).
	k.axes = k.axes[:0]
	if len(in) > 3 && in[3] != nil {
		if k.axes, err = ints(k.axes, in[3], "the axes (input 3)"); err != nil {
			return err
		}
		for i, a := range k.axes {
			if k.axes[i], err = normAxis(a, r, "axis"); err != nil {
				return err
			}
		}
	} else {
		for a := range r {
			k.axes = append(k.axes, a)
		}
	}
	if len(k.given) != 2*len(k.axes) {
		return fmt.Errorf("%d pads for %d axes of input %v, want %d (all begins, then all ends)", len(k.given), len(k.axes), x.Shape, 2*len(k.axes))
	}
	k.begin, k.end = slices.Grow(k.begin[:0], r)[:r], slices.Grow(k.end[:0], r)[:r]
	zero := true
	for i, a := range k.axes {
		k.begin[a], k.end[a] = k.given[i], k.given[len(k.axes)+i]
		zero = zero && k.begin[a] == 0 && k.end[a] == 0
	}
	if zero {
		out[0].alias(x, x.Shape...)
		return nil
	}

	k.shape = k.shape[:0]
	for a, d := range x.Shape {
		n := d + k.begin[a] + k.end[a]
		if n < 0 {
			return fmt.Errorf("pads %v remove more than axis %d of input %v holds", k.given, a, x.Shape)
		}
		if k.mode != "constant" && n > 0 && d == 0 {
			return fmt.Errorf("%s padding of the empty axis %d of input %v", k.mode, a, x.Shape)
		}
		if k.mode == "reflect" && max(k.begin[a], k.end[a]) > max(d-1, 0) {
			return fmt.Errorf("reflect pads %v exceed axis %d of input %v (at most %d)", k.given, a, x.Shape, d-1)
		}
		k.shape = append(k.shape, n)
	}
	// The index maps take one int per output position along each axis:
	// checked against the budget like the output, and reserved before it.
	if len(k.from) < r {
		k.from = make([][]int, r)
	}
	if checkedNumel(k.shape) > 0 {
		for a, n := range k.shape {
			if _, err := reserve(k.m, &k.from[a], n, "index map", nil); err != nil {
				return err
			}
		}
	}
	var dstF []float32
	var dstI []int64
	if x.IsInt() {
		dstI, err = out[0].setInt(k.shape...)
	} else {
		dstF, err = out[0].setFloat(k.shape...)
	}
	if err != nil || out[0].Len() == 0 {
		return err
	}
	for a, n := range k.shape {
		for o := range n {
			k.from[a][o] = k.source(o-k.begin[a], x.Shape[a])
		}
	}
	k.idx = slices.Grow(k.idx[:0], r)[:r]
	if x.IsInt() {
		padInto(dstI, x.Int, x.Shape, k.shape, k.from[:r], k.idx, int64(fill))
	} else {
		padInto(dstF, x.Data, x.Shape, k.shape, k.from[:r], k.idx, fill)
	}
	return nil
}

// source maps a position i on an axis of length d to the input index the
// mode reads, or -1 for the constant fill.
func (k *pad) source(i, d int) int {
	if i >= 0 && i < d {
		return i
	}
	switch k.mode {
	case "edge":
		return min(max(i, 0), d-1)
	case "reflect":
		if i < 0 {
			return -i
		}
		return 2*(d-1) - i
	}
	return -1
}

// padInto writes dst (shape out) from src (shape in): an odometer over the
// output's outer axes, with from[a] mapping each output index to the
// input's, or to the fill.
func padInto[T float32 | int64](dst, src []T, in, out []int, from [][]int, idx []int, fill T) {
	r := len(out)
	if len(dst) == 0 {
		return
	}
	if r == 0 {
		dst[0] = src[0]
		return
	}
	for i := range idx {
		idx[i] = 0
	}
	last := out[r-1]
	inner := from[r-1]
	for at := 0; at < len(dst); at += last {
		// The input row this output row reads, or none.
		base, ok := 0, true
		for a := range r - 1 {
			j := from[a][idx[a]]
			if j < 0 {
				ok = false
				break
			}
			base = base*in[a] + j
		}
		row := dst[at : at+last]
		if !ok {
			for o := range row {
				row[o] = fill
			}
		} else {
			base *= in[r-1]
			for o, j := range inner {
				if j < 0 {
					row[o] = fill
				} else {
					row[o] = src[base+j]
				}
			}
		}
		for a := r - 2; a >= 0; a-- {
			idx[a]++
			if idx[a] < out[a] {
				break
			}
			idx[a] = 0
		}
	}
}
