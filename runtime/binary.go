package runtime

import (
	"errors"
	"fmt"
	"math"
)

// binOp is one of the broadcasting operators of two inputs.
type binOp int

const (
	opAdd binOp = iota
	opSub
	opMul
	opDiv
	opPow
	opMod  // Mod with fmod=0: the sign of the divisor, as Python's %
	opFmod // Mod with fmod=1: the sign of the dividend, as C's fmod
	opPRelu
	// The comparisons give a bool tensor (int64 0/1).
	opEqual
	opLess
	opLessEq
	opGreater
	opGreaterEq
	// The logical operators take and give bool tensors.
	opAnd
	opOr
	opXor
)

func (op binOp) compares() bool { return op >= opEqual && op <= opGreaterEq }
func (op binOp) logical() bool  { return op >= opAnd }

type number interface{ ~float32 | ~int64 }

func buildBinary(op binOp) func(c *nodeCtx) (kernel, error) {
	return func(c *nodeCtx) (kernel, error) {
		// Opset < 7 had explicit broadcast attributes with other rules;
		// PyTorch has not exported those for years.
		if c.attrs().Int("broadcast", 0) != 0 && c.opset < 7 {
			return nil, fmt.Errorf("the legacy broadcast attribute (opset %d) is not supported; re-export at opset 9 or later", c.opset)
		}
		return &binaryOp{op: op, workers: c.workers}, nil
	}
}

// buildMod reads Mod's fmod attribute: 0 (the default) takes the sign of
// the divisor and is for integers only, 1 that of the dividend.
func buildMod(c *nodeCtx) (kernel, error) {
	switch c.attrs().Int("fmod", 0) {
	case 0:
		return &binaryOp{op: opMod}, nil
	case 1:
		return &binaryOp{op: opFmod}, nil
	}
	return nil, fmt.Errorf("fmod must be 0 or 1, got %d", c.attrs().Int("fmod", 0))
}

// binaryOp applies op with numpy broadcasting. Both inputs have the same
// element type, float32 for activations and int64 for shape arithmetic
// and masks, except Pow, whose exponent may be either.
type binaryOp struct {
	op      binOp
	bc      broadcaster
	workers int
}

func (k *binaryOp) run(in, out []*Tensor) error {
	a, b := in[0], in[1]
	if k.op == opPow && !a.IsInt() && b.IsInt() {
		return k.powIntExponent(a, b, out[0])
	}
	if a.IsInt() != b.IsInt() {
		return fmt.Errorf("inputs mix float32 %v and int64 %v", a.Shape, b.Shape)
	}
	if err := k.bc.plan(a.Shape, b.Shape); err != nil {
		return err
	}
	switch {
	case k.op == opPRelu:
		if a.IsInt() {
			return fmt.Errorf("input X must be float32, got int64 %v", a.Shape)
		}
		if !equalShape(k.bc.out, a.Shape) {
			return fmt.Errorf("slope %v does not broadcast to input X %v", b.Shape, a.Shape)
		}
	case k.op.logical() && !a.IsInt():
		return fmt.Errorf("inputs must be bool tensors, got float32 %v and %v", a.Shape, b.Shape)
	case k.op == opMod && !a.IsInt():
		return errors.New("fmod=0 is for integers; a float Mod must set fmod=1 (ONNX)")
	}
	if k.op.compares() || k.op.logical() {
		dst, err := out[0].setInt(k.bc.out...)
		if err != nil {
			return err
		}
		if a.IsInt() {
			k.bc.each(len(dst), func(o, ia, ib, n, sa, sb int) {
				compareLoop(k.op, dst[o:o+n], a.Int[ia:], b.Int[ib:], sa, sb)
			})
		} else {
			k.bc.each(len(dst), func(o, ia, ib, n, sa, sb int) {
				compareLoop(k.op, dst[o:o+n], a.Data[ia:], b.Data[ib:], sa, sb)
			})
		}
		return nil
	}
	if a.IsInt() {
		if k.op == opDiv || k.op == opMod || k.op == opFmod {
			for _, v := range b.Int {
				if v == 0 {
					return errors.New("integer division by zero")
				}
			}
		}
		dst, err := out[0].setInt(k.bc.out...)
		if err != nil {
			return err
		}
		k.bc.each(len(dst), func(o, ia, ib, n, sa, sb int) {
			if k.op > opDiv {
				otherInt(k.op, dst[o:o+n], a.Int[ia:], b.Int[ib:], sa, sb)
			} else {
				binLoop(k.op, dst[o:o+n], a.Int[ia:], b.Int[ib:], sa, sb)
			}
		})
		return nil
	}
	dst, err := out[0].setFloat(k.bc.out...)
	if err != nil {
		return err
	}
	k.bc.eachParallel(len(dst), k.workers, func(o, ia, ib, n, sa, sb int) {
		if k.op > opDiv {
			otherFloat(k.op, dst[o:o+n], a.Data[ia:], b.Data[ib:], sa, sb)
		} else {
			binLoop(k.op, dst[o:o+n], a.Data[ia:], b.Data[ib:], sa, sb)
		}
	})
	return nil
}

// powIntExponent is Pow of a float base by an integer exponent.
func (k *binaryOp) powIntExponent(a, b, out *Tensor) error {
	if err := k.bc.plan(a.Shape, b.Shape); err != nil {
		return err
	}
	dst, err := out.setFloat(k.bc.out...)
	if err != nil {
		return err
	}
	k.bc.each(len(dst), func(o, ia, ib, n, sa, sb int) {
		for i := range dst[o : o+n] {
			dst[o+i] = pow32(a.Data[ia+i*sa], float32(b.Int[ib+i*sb]))
		}
	})
	return nil
}

func equalShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// pow32 is x**y in float64, with the common exponents exact and fast.
func pow32(x, y float32) float32 {
	switch y {
	case 1:
		return x
	case 2:
		return x * x
	case 3:
		return x * x * x
	case 0.5:
		return float32(math.Sqrt(float64(x)))
	}
	return float32(math.Pow(float64(x), float64(y)))
}

// ipow is integer x**y; a negative exponent gives 0 but for x = ±1, as
// integer division would.
func ipow(x, y int64) int64 {
	if y < 0 {
		switch x {
		case 1:
			return 1
		case -1:
			if y%2 == 0 {
				return 1
			}
			return -1
		}
		return 0
	}
	r := int64(1)
	for ; y > 0; y >>= 1 {
		if y&1 != 0 {
			r *= x
		}
		x *= x
	}
	return r
}

// otherFloat and otherInt compute the operators beyond the four of
// binLoop: dst[i] = a[i*sa] op b[i*sb].
func otherFloat(op binOp, dst, a, b []float32, sa, sb int) {
	for i := range dst {
		x, y := a[i*sa], b[i*sb]
		switch op {
		case opPow:
			x = pow32(x, y)
		case opFmod:
			x = float32(math.Mod(float64(x), float64(y)))
		case opPRelu:
			if x < 0 {
				x *= y
			}
		}
		dst[i] = x
	}
}

func otherInt(op binOp, dst, a, b []int64, sa, sb int) {
	for i := range dst {
		x, y := a[i*sa], b[i*sb]
		switch op {
		case opPow:
			x = ipow(x, y)
		case opFmod:
			x %= y
		case opMod:
			r := x % y
			if r != 0 && (r < 0) != (y < 0) {
				r += y
			}
			x = r
		}
		dst[i] = x
	}
}

// compareLoop writes the comparison or logical op of a[i*sa] and b[i*sb]
// as 0 or 1.
func compareLoop[T number](op binOp, dst []int64, a, b []T, sa, sb int) {
	for i := range dst {
		x, y := a[i*sa], b[i*sb]
		var r bool
		switch op {
		case opEqual:
			r = x == y
		case opLess:
			r = x < y
		case opLessEq:
			r = x <= y
		case opGreater:
			r = x > y
		case opGreaterEq:
			r = x >= y
		case opAnd:
			r = x != 0 && y != 0
		case opOr:
			r = x != 0 || y != 0
		case opXor:
			r = (x != 0) != (y != 0)
		}
		dst[i] = int64(b2i(r))
	}
}

// binLoop computes dst[i] = a[i*sa] op b[i*sb] with sa, sb in {0, 1}. The
// four stride cases are separate loops so that the common ones compile to
// tight, bounds-check-free code.
func binLoop[T number](op binOp, dst, a, b []T, sa, sb int) {
	n := len(dst)
	switch {
	case sa == 1 && sb == 1:
		a, b = a[:n], b[:n]
		switch op {
		case opAdd:
			for i := range dst {
				dst[i] = a[i] + b[i]
			}
		case opSub:
			for i := range dst {
				dst[i] = a[i] - b[i]
			}
		case opMul:
			for i := range dst {
				dst[i] = a[i] * b[i]
			}
		case opDiv:
			for i := range dst {
				dst[i] = a[i] / b[i]
			}
		}
	case sa == 1:
		a = a[:n]
		y := b[0]
		switch op {
		case opAdd:
			for i := range dst {
				dst[i] = a[i] + y
			}
		case opSub:
			for i := range dst {
				dst[i] = a[i] - y
			}
		case opMul:
			for i := range dst {
				dst[i] = a[i] * y
			}
		case opDiv:
			for i := range dst {
				dst[i] = a[i] / y
			}
		}
	case sb == 1:
		b = b[:n]
		x := a[0]
		switch op {
		case opAdd:
			for i := range dst {
				dst[i] = x + b[i]
			}
		case opSub:
			for i := range dst {
				dst[i] = x - b[i]
			}
		case opMul:
			for i := range dst {
				dst[i] = x * b[i]
			}
		case opDiv:
			for i := range dst {
				dst[i] = x / b[i]
			}
		}
	default:
		var v T
		switch op {
		case opAdd:
			v = a[0] + b[0]
		case opSub:
			v = a[0] - b[0]
		case opMul:
			v = a[0] * b[0]
		case opDiv:
			v = a[0] / b[0]
		}
		for i := range dst {
			dst[i] = v
		}
	}
}

// broadcaster plans a numpy-style broadcast of two shapes. It pads the
// shorter shape with leading 1s, then merges neighbouring axes that
// broadcast the same way, so that [N,C,H,W] + [C,1,1] runs as N·C inner
// loops of length H·W with a scalar b. Its slices are kept across batches.
type broadcaster struct {
	out    []int // broadcast output shape
	dims   []int // merged axes
	sa, sb []int // element strides of a and b along the merged axes (0 = broadcast)
	idx    []int
}

func (p *broadcaster) plan(a, b []int) error {
	r := max(len(a), len(b))
	p.out = p.out[:0]
	p.dims, p.sa, p.sb = p.dims[:0], p.sa[:0], p.sb[:0]
	// Broadcast flags of the previous kept axis: 0 none, 1 a, 2 b.
	prev := -1
	for i := 0; i < r; i++ {
		da, db := dimAt(a, i, r), dimAt(b, i, r)
		var d, flag int
		switch {
		case da == db:
			d = da
		case da == 1:
			d, flag = db, 1
		case db == 1:
			d, flag = da, 2
		default:
			return fmt.Errorf("shapes %v and %v do not broadcast (axis %d: %d vs %d)", a, b, i, da, db)
		}
		p.out = append(p.out, d)
		if d == 1 {
			continue // size-1 axes move nothing
		}
		if flag == prev {
			p.dims[len(p.dims)-1] *= d
			continue
		}
		p.dims = append(p.dims, d)
		p.sa = append(p.sa, b2i(flag != 1))
		p.sb = append(p.sb, b2i(flag != 2))
		prev = flag
	}
	// Strides are 0/1 flags so far; turn them into element strides of the
	// merged, contiguous layouts.
	ea, eb := 1, 1
	for i := len(p.dims) - 1; i >= 0; i-- {
		if p.sa[i] != 0 {
			p.sa[i] = ea
			ea *= p.dims[i]
		}
		if p.sb[i] != 0 {
			p.sb[i] = eb
			eb *= p.dims[i]
		}
	}
	return nil
}

func dimAt(s []int, i, r int) int {
	j := i - (r - len(s))
	if j < 0 {
		return 1
	}
	return s[j]
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// eachParallel is each split across up to workers goroutines for large
// outputs: the runs of the innermost axis are divided among them, or the
// one run, when there is one, is cut into pieces. f must only write the
// output range it is given.
func (p *broadcaster) eachParallel(total, workers int, f func(o, ia, ib, n, sa, sb int)) {
	w := splitFor(total, 1, workers)
	r := len(p.dims)
	if w < 2 || total == 0 || r > maxBroadcastAxes {
		p.each(total, f)
		return
	}
	if r == 1 {
		sa, sb := p.sa[0], p.sb[0]
		parallelFor(total, w, func(_, lo, hi int) { f(lo, lo*sa, lo*sb, hi-lo, sa, sb) })
		return
	}
	n := p.dims[r-1]
	sa, sb := p.sa[r-1], p.sb[r-1]
	parallelFor(total/n, w, func(_, lo, hi int) {
		// The odometer of the outer axes at run lo.
		var idx [maxBroadcastAxes]int
		ia, ib := 0, 0
		for ax, rest := r-2, lo; ax >= 0; ax-- {
			idx[ax] = rest % p.dims[ax]
			rest /= p.dims[ax]
			ia += idx[ax] * p.sa[ax]
			ib += idx[ax] * p.sb[ax]
		}
		for run := lo; run < hi; run++ {
			f(run*n, ia, ib, n, sa, sb)
			for ax := r - 2; ax >= 0; ax-- {
				idx[ax]++
				ia += p.sa[ax]
				ib += p.sb[ax]
				if idx[ax] < p.dims[ax] {
					break
				}
				ia -= p.sa[ax] * p.dims[ax]
				ib -= p.sb[ax] * p.dims[ax]
				idx[ax] = 0
			}
		}
	})
}

// maxBroadcastAxes is the most merged axes eachParallel splits; beyond,
// each runs alone.
const maxBroadcastAxes = 8

// each calls f once per run of the innermost merged axis, with the output
// offset, the input offsets, the run length and the inner strides of a
// and b (0 or 1). total is the output size.
func (p *broadcaster) each(total int, f func(o, ia, ib, n, sa, sb int)) {
	if total == 0 {
		return
	}
	r := len(p.dims)
	if r == 0 {
		f(0, 0, 0, 1, 0, 0)
		return
	}
	n := p.dims[r-1]
	sa, sb := p.sa[r-1], p.sb[r-1]
	if r == 1 {
		f(0, 0, 0, n, sa, sb)
		return
	}
	p.idx = p.idx[:0]
	for range r - 1 {
		p.idx = append(p.idx, 0)
	}
	ia, ib := 0, 0
	for o := 0; o < total; o += n {
		f(o, ia, ib, n, sa, sb)
		// Odometer increment over the outer axes.
		for ax := r - 2; ax >= 0; ax-- {
			p.idx[ax]++
			ia += p.sa[ax]
			ib += p.sb[ax]
			if p.idx[ax] < p.dims[ax] {
				break
			}
			ia -= p.sa[ax] * p.dims[ax]
			ib -= p.sb[ax] * p.dims[ax]
			p.idx[ax] = 0
		}
	}
}
