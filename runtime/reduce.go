package runtime

import (
	"fmt"
	"math"
)

// redOp is a reduction over some axes.
type redOp int

const (
	redSum redOp = iota
	redMean
	redMax
	redMin
	redProd
	redL1
	redL2
	redSumSquare
)

// buildReduce compiles the Reduce* operators. The axes are an attribute
// before opset 13 for ReduceSum and before 18 for the others, and the
// optional input 1 from then on; no axes means every axis, unless
// noop_with_empty_axes is set (then the input passes through). keepdims
// (default 1) keeps the reduced axes as 1s. Sums are accumulated in
// float64.
func buildReduce(op redOp) func(c *nodeCtx) (kernel, error) {
	return func(c *nodeCtx) (kernel, error) {
		a := c.attrs()
		k := &reduce{op: op, keep: a.Int("keepdims", 1) != 0, noop: a.Int("noop_with_empty_axes", 0) != 0, m: c.m}
		inputFrom := int64(18)
		if op == redSum {
			inputFrom = 13
		}
		if c.opset < inputFrom {
			if len(c.node.Inputs) > 1 {
				return nil, fmt.Errorf("axes is an attribute before opset %d, but the node (opset %d) has %d inputs", inputFrom, c.opset, len(c.node.Inputs))
			}
			k.attr = toInts(a.Ints("axes", nil))
		} else {
			k.fromIn = c.hasInput(1)
		}
		return k, nil
	}
}

type reduce struct {
	op         redOp
	keep, noop bool
	attr       []int
	fromIn     bool
	m          *meter

	axes  []int
	mark  []bool
	shape []int     // output shape
	dims  []int     // the input's axes, neighbours of one kind merged
	red   []bool    // per merged axis: reduced
	ostr  []int     // per merged axis: the output stride (0 if reduced)
	pos   []int     // odometer
	acc   []float64 // float accumulators, one per output element
}

func (k *reduce) run(in, out []*Tensor) error {
	x := in[0]
	var err error
	k.axes = k.axes[:0]
	switch {
	case k.fromIn && len(in) > 1 && in[1] != nil:
		if k.axes, err = ints(k.axes, in[1], "axes (input 1)"); err != nil {
			return err
		}
	default:
		k.axes = append(k.axes, k.attr...)
	}
	if x.IsInt() && k.op != redSum && k.op != redMax && k.op != redMin && k.op != redProd {
		return fmt.Errorf("input must be float32, got int64 %v", x.Shape)
	}
	if len(k.axes) == 0 && k.noop {
		out[0].alias(x, x.Shape...)
		return nil
	}
	r := len(x.Shape)
	k.mark = k.mark[:0]
	for range r {
		k.mark = append(k.mark, len(k.axes) == 0)
	}
	for _, a := range k.axes {
		ax, err := normAxis(a, r, "axis")
		if err != nil {
			return fmt.Errorf("axes %v for input %v: %v", k.axes, x.Shape, err)
		}
		if k.mark[ax] {
			return fmt.Errorf("axes %v repeat axis %d", k.axes, ax)
		}
		k.mark[ax] = true
	}
	k.shape = k.shape[:0]
	count := 1 // elements per output element
	for i, d := range x.Shape {
		switch {
		case !k.mark[i]:
			k.shape = append(k.shape, d)
		case k.keep:
			k.shape = append(k.shape, 1)
			count *= d
		default:
			count *= d
		}
	}
	if count == 0 && (k.op == redMax || k.op == redMin) {
		return fmt.Errorf("cannot reduce input %v over the empty axes %v", x.Shape, k.axes)
	}
	nOut := checkedNumel(k.shape)
	if x.IsInt() {
		dst, err := out[0].setInt(k.shape...)
		if err != nil {
			return err
		}
		k.plan(x.Shape)
		reduceInt(k, dst, x.Int)
		return nil
	}
	if err := out[0].fits(k.shape...); err != nil {
		return err
	}
	if nOut > 0 && k.op != redMax && k.op != redMin {
		if _, err := reserve(k.m, &k.acc, nOut, "reduction accumulators", nil); err != nil {
			return err
		}
	}
	dst, err := out[0].setFloat(k.shape...)
	if err != nil || nOut == 0 {
		return err
	}
	k.plan(x.Shape)
	if k.op == redMax || k.op == redMin {
		reduceMinMax(k, dst, x.Data)
		return nil
	}
	k.reduceFloat(dst, x.Data, count)
	return nil
}

// plan merges neighbouring axes that are both reduced or both kept, and
// gives each merged axis its stride in the output.
func (k *reduce) plan(shape []int) {
	k.dims, k.red = k.dims[:0], k.red[:0]
	for i, d := range shape {
		if d == 1 {
			continue
		}
		if n := len(k.dims); n > 0 && k.red[n-1] == k.mark[i] {
			k.dims[n-1] *= d
			continue
		}
		k.dims, k.red = append(k.dims, d), append(k.red, k.mark[i])
	}
	if len(k.dims) == 0 {
		k.dims, k.red = append(k.dims, 1), append(k.red, true)
	}
	k.ostr = k.ostr[:0]
	for range k.dims {
		k.ostr = append(k.ostr, 0)
	}
	s := 1
	for i := len(k.dims) - 1; i >= 0; i-- {
		if !k.red[i] {
			k.ostr[i] = s
			s *= k.dims[i]
		}
	}
}

// walk calls f for each run of the input's last merged axis: the input
// offset of the run and the output offset of its first element; along
// the run the output advances by ostr[last] (0 when it is reduced).
func (k *reduce) walk(total int, f func(i, o int)) {
	r := len(k.dims)
	n := k.dims[r-1]
	k.pos = k.pos[:0]
	for range r {
		k.pos = append(k.pos, 0)
	}
	o := 0
	for i := 0; i < total; i += n {
		f(i, o)
		for ax := r - 2; ax >= 0; ax-- {
			k.pos[ax]++
			o += k.ostr[ax]
			if k.pos[ax] < k.dims[ax] {
				break
			}
			o -= k.ostr[ax] * k.dims[ax]
			k.pos[ax] = 0
		}
	}
}

func (k *reduce) reduceFloat(dst, src []float32, count int) {
	acc := k.acc[:len(dst)]
	init := 0.0
	if k.op == redProd {
		init = 1
	}
	for i := range acc {
		acc[i] = init
	}
	r := len(k.dims)
	n, inner := k.dims[r-1], k.ostr[r-1]
	k.walk(len(src), func(i, o int) {
		row := src[i : i+n]
		if inner == 0 && (k.op == redSum || k.op == redMean) {
			s := acc[o]
			for _, v := range row {
				s += float64(v)
			}
			acc[o] = s
			return
		}
		if inner == 0 {
			s := acc[o]
			for _, v := range row {
				s = k.combine(s, v)
			}
			acc[o] = s
			return
		}
		a := acc[o : o+n]
		for j, v := range row {
			a[j] = k.combine(a[j], v)
		}
	})
	for i, s := range acc {
		switch k.op {
		case redMean:
			s /= float64(count)
		case redL2:
			s = math.Sqrt(s)
		}
		dst[i] = float32(s)
	}
}

// combine adds v to the accumulator s.
func (k *reduce) combine(s float64, v float32) float64 {
	x := float64(v)
	switch k.op {
	case redProd:
		return s * x
	case redL1:
		return s + math.Abs(x)
	case redL2, redSumSquare:
		return s + x*x
	}
	return s + x
}

// reduceMinMax keeps the maximum (or minimum) in dst; NaN wins, as in
// numpy and PyTorch.
func reduceMinMax(k *reduce, dst, src []float32) {
	for i := range dst {
		if k.op == redMax {
			dst[i] = float32(math.Inf(-1))
		} else {
			dst[i] = float32(math.Inf(1))
		}
	}
	r := len(k.dims)
	n, inner := k.dims[r-1], k.ostr[r-1]
	k.walk(len(src), func(i, o int) {
		for j, v := range src[i : i+n] {
			p := o + j*inner
			w := dst[p]
			if k.op == redMax && v > w || k.op == redMin && v < w || v != v {
				w = v
			}
			dst[p] = w
		}
	})
}

func reduceInt(k *reduce, dst, src []int64) {
	for i := range dst {
		switch k.op {
		case redProd:
			dst[i] = 1
		case redMax:
			dst[i] = math.MinInt64
		case redMin:
			dst[i] = math.MaxInt64
		default:
			dst[i] = 0
		}
	}
	r := len(k.dims)
	n, inner := k.dims[r-1], k.ostr[r-1]
	k.walk(len(src), func(i, o int) {
		for j, v := range src[i : i+n] {
			p := o + j*inner
			switch k.op {
			case redSum:
				dst[p] += v
			case redProd:
				dst[p] *= v
			case redMax:
				dst[p] = max(dst[p], v)
			case redMin:
				dst[p] = min(dst[p], v)
			}
		}
	})
}
