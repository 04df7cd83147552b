package runtime

import "fmt"

// multiBroadcast plans the numpy broadcast of several shapes and walks the
// output one run of its last axis at a time. Its slices are kept across
// batches.
type multiBroadcast struct {
	out     []int
	strides [][]int // per input, per output axis: the element stride, 0 where it broadcasts
	inner   []int   // per input: the stride along the last axis
	offs    []int   // per input: the offset at the start of the current run
	idx     []int
}

func (p *multiBroadcast) plan(shapes ...[]int) error {
	r := 0
	for _, s := range shapes {
		r = max(r, len(s))
	}
	p.out = p.out[:0]
	for i := 0; i < r; i++ {
		d := 1
		for _, s := range shapes {
			if e := dimAt(s, i, r); e != 1 {
				if d != 1 && d != e {
					return fmt.Errorf("shapes %v do not broadcast (axis %d: %d vs %d)", shapes, i, d, e)
				}
				d = e
			}
		}
		p.out = append(p.out, d)
	}
	for len(p.strides) < len(shapes) {
		p.strides = append(p.strides, nil)
	}
	p.strides = p.strides[:len(shapes)]
	p.inner, p.offs = p.inner[:0], p.offs[:0]
	for k, s := range shapes {
		st := p.strides[k][:0]
		for range r {
			st = append(st, 0)
		}
		e := 1
		for i := r - 1; i >= 0; i-- {
			if d := dimAt(s, i, r); d != 1 {
				st[i] = e
				e *= d
			}
		}
		p.strides[k] = st
		in := 0
		if r > 0 {
			in = st[r-1]
		}
		p.inner = append(p.inner, in)
		p.offs = append(p.offs, 0)
	}
	return nil
}

// each calls f for every run of the output's last axis: o is the output
// offset of the run and n its length; p.offs and p.inner give each input's
// offset and stride along it.
func (p *multiBroadcast) each(f func(o, n int)) {
	total := checkedNumel(p.out)
	if total <= 0 {
		return
	}
	r := len(p.out)
	clear(p.offs)
	if r == 0 {
		f(0, 1)
		return
	}
	n := p.out[r-1]
	p.idx = p.idx[:0]
	for range r {
		p.idx = append(p.idx, 0)
	}
	for o := 0; o < total; o += n {
		f(o, n)
		for ax := r - 2; ax >= 0; ax-- {
			p.idx[ax]++
			for k, st := range p.strides {
				p.offs[k] += st[ax]
			}
			if p.idx[ax] < p.out[ax] {
				break
			}
			for k, st := range p.strides {
				p.offs[k] -= st[ax] * p.out[ax]
			}
			p.idx[ax] = 0
		}
	}
}

// varOp is a variadic elementwise operator: Sum, Mean, Max or Min of one
// or more broadcasting inputs.
type varOp int

const (
	varSum varOp = iota
	varMean
	varMax
	varMin
)

func buildVariadic(op varOp) func(c *nodeCtx) (kernel, error) {
	return func(c *nodeCtx) (kernel, error) { return &variadic{op: op}, nil }
}

type variadic struct {
	op     varOp
	bc     multiBroadcast
	shapes [][]int
}

func (k *variadic) run(in, out []*Tensor) error {
	k.shapes = k.shapes[:0]
	for _, t := range in {
		if t.IsInt() != in[0].IsInt() {
			return fmt.Errorf("inputs must have the same type; got %s", describe(in))
		}
		k.shapes = append(k.shapes, t.Shape)
	}
	if in[0].IsInt() && k.op == varMean {
		return fmt.Errorf("Mean of int64 inputs is not supported")
	}
	if err := k.bc.plan(k.shapes...); err != nil {
		return err
	}
	if in[0].IsInt() {
		dst, err := out[0].setInt(k.bc.out...)
		if err != nil {
			return err
		}
		variadicInto(k, dst, in, func(t *Tensor) []int64 { return t.Int })
		return nil
	}
	dst, err := out[0].setFloat(k.bc.out...)
	if err != nil {
		return err
	}
	variadicInto(k, dst, in, func(t *Tensor) []float32 { return t.Data })
	if k.op == varMean {
		inv := 1 / float32(len(in))
		for i := range dst {
			dst[i] *= inv
		}
	}
	return nil
}

// variadicInto combines the inputs elementwise, left to right, as ONNX
// Runtime and PyTorch do. A NaN wins Max and Min, as in numpy.
func variadicInto[T number](k *variadic, dst []T, in []*Tensor, data func(*Tensor) []T) {
	k.bc.each(func(o, n int) {
		row := dst[o : o+n]
		for j, t := range in {
			src, off, st := data(t), k.bc.offs[j], k.bc.inner[j]
			for i := range row {
				v := src[off+i*st]
				switch {
				case j == 0:
				case k.op == varSum || k.op == varMean:
					v += row[i]
				case k.op == varMax:
					if w := row[i]; w > v || w != w {
						v = w
					}
				default:
					if w := row[i]; w < v || w != w {
						v = w
					}
				}
				row[i] = v
			}
		}
	})
}

// buildWhere: out = cond ? X : Y elementwise, all three broadcasting.
func buildWhere(c *nodeCtx) (kernel, error) { return &where{}, nil }

type where struct{ bc multiBroadcast }

func (k *where) run(in, out []*Tensor) error {
	cond, x, y := in[0], in[1], in[2]
	if !cond.IsInt() && cond.Len() > 0 {
		return fmt.Errorf("condition must be a bool tensor, got float32 %v", cond.Shape)
	}
	if x.IsInt() != y.IsInt() {
		return fmt.Errorf("X and Y must have the same type, got %s", describe(in[1:]))
	}
	if err := k.bc.plan(cond.Shape, x.Shape, y.Shape); err != nil {
		return err
	}
	if x.IsInt() {
		dst, err := out[0].setInt(k.bc.out...)
		if err != nil {
			return err
		}
		whereInto(&k.bc, dst, cond.Int, x.Int, y.Int)
		return nil
	}
	dst, err := out[0].setFloat(k.bc.out...)
	if err != nil {
		return err
	}
	whereInto(&k.bc, dst, cond.Int, x.Data, y.Data)
	return nil
}

func whereInto[T number](bc *multiBroadcast, dst []T, cond []int64, x, y []T) {
	bc.each(func(o, n int) {
		oc, ox, oy := bc.offs[0], bc.offs[1], bc.offs[2]
		sc, sx, sy := bc.inner[0], bc.inner[1], bc.inner[2]
		for i := range dst[o : o+n] {
			if cond[oc+i*sc] != 0 {
				dst[o+i] = x[ox+i*sx]
			} else {
				dst[o+i] = y[oy+i*sy]
			}
		}
	})
}

// buildExpand: the input broadcast to a shape (input 1), the two shapes
// broadcasting both ways as in numpy.
func buildExpand(c *nodeCtx) (kernel, error) { return &expand{}, nil }

type expand struct {
	bc    multiBroadcast
	shape []int
}

func (k *expand) run(in, out []*Tensor) error {
	x := in[0]
	var err error
	if k.shape, err = ints(k.shape, in[1], "the shape (input 1)"); err != nil {
		return err
	}
	if len(in[1].Shape) != 1 {
		return fmt.Errorf("the shape (input 1) must be 1-D, got %v", in[1].Shape)
	}
	for _, d := range k.shape {
		if d < 0 {
			return fmt.Errorf("shape %v has a negative dimension", k.shape)
		}
	}
	if err := k.bc.plan(x.Shape, k.shape); err != nil {
		return fmt.Errorf("input %v does not expand to %v: %v", x.Shape, k.shape, err)
	}
	if x.IsInt() {
		dst, err := out[0].setInt(k.bc.out...)
		if err != nil {
			return err
		}
		broadcastInto(&k.bc, dst, x.Int)
		return nil
	}
	dst, err := out[0].setFloat(k.bc.out...)
	if err != nil {
		return err
	}
	broadcastInto(&k.bc, dst, x.Data)
	return nil
}

// broadcastInto copies src, the first input of bc's plan, broadcast to
// bc's output shape.
func broadcastInto[T number](bc *multiBroadcast, dst, src []T) {
	bc.each(func(o, n int) {
		off, st := bc.offs[0], bc.inner[0]
		row := dst[o : o+n]
		if st == 1 {
			copy(row, src[off:off+n])
			return
		}
		v := src[off]
		for i := range row {
			row[i] = v
		}
	})
}
