package runtime

import (
	"fmt"
	"math"

	gemmkernel "cxray/runtime/internal/kernel"
)

// buildConvTranspose compiles the transposed convolution (the gradient of
// Conv with respect to its input) over 1, 2 or 3 spatial axes: X [N, C,
// spatial...], W [C, M/group, kernel...], optional bias [M]. Along each
// axis the output has stride·(in − 1) + output_padding + (k − 1)·dilation
// + 1 − pads positions, unless output_shape sets it and the pads follow
// (split as auto_pad says: SAME_UPPER puts the odd one at the end, the
// others at the begin).
//
// Each sample and group is one matrix product, col = W_gᵀ·X_g, of
// (M/g·k) × (C/g) by (C/g) × (input positions), on the kernel Conv uses;
// col2im then adds each column's values into the output positions its
// taps reach.
func buildConvTranspose(c *nodeCtx) (kernel, error) {
	a := c.attrs()
	ks := a.Ints("kernel_shape", nil)
	w, err := parseWindow(c, ks)
	if err != nil {
		return nil, err
	}
	if w.ceil {
		return nil, fmt.Errorf("ceil_mode=1 is not a ConvTranspose attribute")
	}
	k := &convTranspose{win: w, group: int(a.Int("group", 1)), kernelShape: toInts(ks),
		outPad: toInts(a.Ints("output_padding", nil)), outShape: toInts(a.Ints("output_shape", nil)),
		workers: c.workers, m: c.m}
	if k.group < 1 {
		return nil, fmt.Errorf("group %d must be at least 1", k.group)
	}
	for _, p := range k.outPad {
		if p < 0 {
			return nil, fmt.Errorf("output_padding %v must not be negative", k.outPad)
		}
	}
	if wt := c.constInput(1); wt != nil {
		if err := k.checkWeight(wt); err != nil {
			return nil, err
		}
		k.constW = true
		if err := k.pack(wt); err != nil {
			return nil, err
		}
	}
	k.scratch = c.workerScratch()
	return k, nil
}

type convTranspose struct {
	win         windowAttrs
	group       int
	kernelShape []int
	outPad      []int // output_padding, one per spatial axis; nil for 0s
	outShape    []int // output_shape; nil when not given
	workers     int
	m           *meter
	constW      bool
	packed      [][]float32 // per group: W_gᵀ packed by kernel.PackA
	shape       []int
	scratch     []convScratch // per worker: X_g packed (col), the product (out)
}

func (k *convTranspose) checkWeight(w *Tensor) error {
	r := len(w.Shape) - 2
	if w.IsInt() || r < 1 || r > maxSpatial || k.win.rank != 0 && r != k.win.rank {
		return fmt.Errorf("weight W must be a float32 tensor [C, M/group, kernel...] with 1 to 3 spatial axes (as many as the attributes give), got shape %v", w.Shape)
	}
	if w.Shape[0]%k.group != 0 {
		return fmt.Errorf("weight W %v: %d input channels do not split into group=%d", w.Shape, w.Shape[0], k.group)
	}
	if k.kernelShape != nil && !equalShape(k.kernelShape, w.Shape[2:]) {
		return fmt.Errorf("kernel_shape %v disagrees with weight W %v", k.kernelShape, w.Shape)
	}
	if k.outPad != nil && len(k.outPad) != r || k.outShape != nil && len(k.outShape) != r && len(k.outShape) != r+2 {
		return fmt.Errorf("output_padding %v and output_shape %v must have one value per spatial axis of weight W %v", k.outPad, k.outShape, w.Shape)
	}
	return nil
}

// pack lays out W_gᵀ, (M/g·k) × (C/g), for each group, into buffers
// reserved as weights when W is an initializer (constW).
func (k *convTranspose) pack(w *Tensor) error {
	cg := w.Shape[0] / k.group
	mk := numel(w.Shape[1:])
	if len(k.packed) != k.group {
		k.packed = make([][]float32, k.group)
	}
	for g := range k.packed {
		dst, err := reserveFor(k.m, &k.packed[g], gemmkernel.RoundUp(mk, gemmkernel.MR)*cg, "packed weights", nil, k.constW)
		if err != nil || dst == nil {
			return err
		}
		k.packed[g] = gemmkernel.PackA(dst, w.Data[g*cg*mk:(g+1)*cg*mk], mk, cg, mk, true)
	}
	return nil
}

// geometries gives each axis its transposed geometry: in is the input
// size, out the output size, and input position z reaches output
// positions z·stride − padBegin + tap·dil.
func (k *convTranspose) geometries(x, w *Tensor) (volume, error) {
	var v volume
	r := len(w.Shape) - 2
	lead := maxSpatial - r
	for i := range lead {
		v[i] = unitAxis
	}
	win := k.win
	win.rank = r
	for i := 0; i < r; i++ {
		g := axisGeom{in: x.Shape[2+i], k: w.Shape[2+i], stride: win.stride(i), dil: win.dilation(i)}
		op := 0
		if k.outPad != nil {
			op = k.outPad[i]
		}
		full := g.stride*(g.in-1) + op + (g.k-1)*g.dil + 1 // the output before padding is removed
		switch {
		case k.outShape != nil || win.autoPad == "SAME_UPPER" || win.autoPad == "SAME_LOWER":
			out := g.in * g.stride
			if k.outShape != nil {
				out = k.outShape[len(k.outShape)-r+i]
			}
			total := full - out
			if win.autoPad == "SAME_UPPER" {
				g.padBegin, g.padEnd = total/2, total-total/2
			} else {
				g.padBegin, g.padEnd = total-total/2, total/2
			}
		case win.autoPad == "NOTSET" && win.pads != nil:
			g.padBegin, g.padEnd = win.pads[i], win.pads[i+r]
		}
		g.out = full - g.padBegin - g.padEnd
		if g.out < 1 || g.padBegin < 0 {
			return v, fmt.Errorf("input X %v, weight W %v: spatial axis %d: the output would have %d positions (stride %d, dilation %d, pads %d and %d, output_padding %d)",
				x.Shape, w.Shape, i, g.out, g.stride, g.dil, g.padBegin, g.padEnd, op)
		}
		v[lead+i] = g
	}
	return v, nil
}

func (k *convTranspose) run(in, out []*Tensor) error {
	x, w := in[0], in[1]
	if err := k.checkWeight(w); err != nil {
		return err
	}
	r := len(w.Shape) - 2
	if x.IsInt() || len(x.Shape) != r+2 {
		return fmt.Errorf("input X must be a %d-D float32 tensor [N, C, spatial...] for weight W %v, got shape %v", r+2, w.Shape, x.Shape)
	}
	n, c := x.Shape[0], x.Shape[1]
	if c != w.Shape[0] {
		return fmt.Errorf("input X %v has %d channels but weight W %v expects %d", x.Shape, c, w.Shape, w.Shape[0])
	}
	cg, mg := c/k.group, w.Shape[1]
	m := mg * k.group
	var bias []float32
	if len(in) > 2 && in[2] != nil {
		b := in[2]
		if b.IsInt() || len(b.Shape) != 1 || b.Shape[0] != m {
			return fmt.Errorf("bias B must be a float32 vector of %d values, got shape %v", m, b.Shape)
		}
		bias = b.Data
	}
	v, err := k.geometries(x, w)
	if err != nil {
		return err
	}
	k.shape = v.outShape(k.shape, n, m, r)
	if err := out[0].fits(k.shape...); err != nil {
		return err
	}
	l := checkedNumel(x.Shape[2:])
	mk := checkedNumel(w.Shape[1:])
	if checkedNumel([]int{max(cg, mk) + gemmkernel.MR, l + gemmkernel.NR}) < 0 {
		return &BudgetError{What: "product scratch", Shape: []int{mk, l}, Need: math.MaxInt64}
	}
	lp := gemmkernel.RoundUp(l, gemmkernel.NR)
	mp := gemmkernel.RoundUp(mk, gemmkernel.MR)
	workers := splitFor(n, mk*cg*l, k.workers)
	if checkedNumel(k.shape) > 0 {
		if !k.constW {
			if err := k.pack(w); err != nil {
				return err
			}
		}
		for wk := range workers {
			sc := &k.scratch[wk]
			if _, err := reserve(k.m, &sc.col, lp*cg, "packed input scratch", nil); err != nil {
				return err
			}
			if _, err := reserve(k.m, &sc.out, mp*lp, "product scratch", nil); err != nil {
				return err
			}
		}
	}
	y, err := out[0].setFloat(k.shape...)
	if err != nil || len(y) == 0 {
		return err
	}
	ovol := numel(k.shape[2:])
	taps := numel(w.Shape[2:])
	parallelFor(n, workers, func(wk, lo, hi int) {
		sc := &k.scratch[wk]
		for s := lo; s < hi; s++ {
			for o := 0; o < m; o++ {
				fill(y[(s*m+o)*ovol:(s*m+o+1)*ovol], biasOf(bias, o))
			}
			for g := 0; g < k.group; g++ {
				xg := x.Data[(s*c+g*cg)*l : (s*c+(g+1)*cg)*l]
				bp := gemmkernel.PackB(sc.col[:lp*cg], xg, cg, l, l, false)
				col := sc.out[:mp*lp]
				gemmkernel.GemmPacked(mp, lp, cg, k.packed[g], bp, col, lp, 0, lp/gemmkernel.NR)
				for o := 0; o < mg; o++ {
					dst := y[(s*m+g*mg+o)*ovol : (s*m+g*mg+o+1)*ovol]
					for t := 0; t < taps; t++ {
						col2im(dst, col[(o*taps+t)*lp:(o*taps+t)*lp+l], t, &v)
					}
				}
			}
		}
	})
	return nil
}

// col2im adds the values of one tap t (in kernel order) of one output
// channel, held per input position in src, into the output volume dst.
func col2im(dst, src []float32, t int, v *volume) {
	gz, gy, gx := &v[0], &v[1], &v[2]
	j := t % gx.k
	i := t / gx.k % gy.k
	a := t / gx.k / gy.k
	d, h, w := v.ins()
	_, oh, ow := v.outs()
	off := j*gx.dil - gx.padBegin
	x0, x1 := validRange(off, gx.stride, ow, w)
	for z := 0; z < d; z++ {
		oz := z*gz.stride - gz.padBegin + a*gz.dil
		if oz < 0 || oz >= gz.out {
			continue
		}
		for yy := 0; yy < h; yy++ {
			oy := yy*gy.stride - gy.padBegin + i*gy.dil
			if oy < 0 || oy >= oh {
				continue
			}
			row := src[(z*h+yy)*w : (z*h+yy+1)*w]
			orow := dst[(oz*oh+oy)*ow : (oz*oh+oy+1)*ow]
			if gx.stride == 1 {
				orow, row := orow[x0+off:x1+off], row[x0:x1]
				for x := range row {
					orow[x] += row[x]
				}
				continue
			}
			for x := x0; x < x1; x++ {
				orow[x*gx.stride+off] += row[x]
			}
		}
	}
}

func fill(dst []float32, v float32) {
	for i := range dst {
		dst[i] = v
	}
}
