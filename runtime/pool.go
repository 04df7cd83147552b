package runtime

import (
	"fmt"
	"math"

	gemmkernel "cxray/runtime/internal/kernel"
)

type poolKind int

const (
	maxPool poolKind = iota
	avgPool
)

// buildPool compiles MaxPool and AveragePool over 1, 2 or 3 spatial
// axes (NCL, NCHW, NCDHW).
//
// AveragePool follows PyTorch where the ONNX text is loose: with
// count_include_pad the divisor counts the padding but not the part of a
// ceil_mode window that hangs past the end padding; without it the
// divisor counts the input elements only.
func buildPool(kind poolKind) func(c *nodeCtx) (kernel, error) {
	return func(c *nodeCtx) (kernel, error) {
		ks := c.attrs().Ints("kernel_shape", nil)
		if ks == nil {
			return nil, fmt.Errorf("the kernel_shape attribute is required")
		}
		w, err := parseWindow(c, ks)
		if err != nil {
			return nil, err
		}
		if kind == avgPool && w.dilations != nil {
			for _, d := range w.dilations {
				if d != 1 {
					return nil, fmt.Errorf("dilations %v are not supported for AveragePool", w.dilations)
				}
			}
		}
		if c.attrs().Int("storage_order", 0) != 0 {
			return nil, fmt.Errorf("storage_order=1 is not supported")
		}
		return &pool{
			kind:       kind,
			win:        w,
			ks:         toInts(ks),
			includePad: c.attrs().Int("count_include_pad", 0) != 0,
			workers:    c.workers,
			m:          c.m,
			scratch:    make([][]float32, c.workers),
		}, nil
	}
}

type pool struct {
	kind       poolKind
	win        windowAttrs
	ks         []int
	includePad bool
	workers    int
	m          *meter
	shape      []int
	scratch    [][]float32 // per worker: the row maxima of maxPool2x2
}

func (k *pool) run(in, out []*Tensor) error {
	x := in[0]
	r := len(k.ks)
	if x.IsInt() || len(x.Shape) != r+2 {
		return fmt.Errorf("input X must be a %d-D float32 tensor [N, C, spatial...] for kernel_shape %v, got shape %v", r+2, k.ks, x.Shape)
	}
	n, c := x.Shape[0], x.Shape[1]
	v, err := k.win.geometries(x.Shape[2:], k.ks, fmt.Sprintf("input X %v", x.Shape))
	if err != nil {
		return err
	}
	d, h, w := v.ins()
	od, oh, ow := v.outs()
	planes := n * c
	workers := splitFor(planes, od*oh*ow*numel(k.ks), k.workers)
	fast := k.kind == maxPool && is2x2(&v)
	k.shape = v.outShape(k.shape, n, c, r)
	if fast && checkedNumel(k.shape) > 0 {
		for wk := range workers {
			if _, err := reserve(k.m, &k.scratch[wk], oh*w, "row maxima scratch", nil); err != nil {
				return err
			}
		}
	}
	y, err := out[0].setFloat(k.shape...)
	if err != nil {
		return err
	}
	vol, ovol := d*h*w, od*oh*ow
	parallelFor(planes, workers, func(wk, lo, hi int) {
		for p := lo; p < hi; p++ {
			src := x.Data[p*vol : (p+1)*vol]
			dst := y[p*ovol : (p+1)*ovol]
			if fast {
				maxPool2x2(dst, src, &v[1], &v[2], &k.scratch[wk])
			} else if k.kind == maxPool {
				maxVolume(dst, src, &v)
			} else {
				avgVolume(dst, src, &v, k.includePad)
			}
		}
	})
	return nil
}

// span returns the kernel taps [t0, t1) of output o that fall inside the
// input, and the window's start position.
func (g *axisGeom) span(o int) (t0, t1, start int) {
	start = o*g.stride - g.padBegin
	t0, t1 = 0, g.k
	if start < 0 {
		t0 = (-start + g.dil - 1) / g.dil
	}
	if last := start + (g.k-1)*g.dil; last >= g.in {
		t1 = g.k - (last-g.in)/g.dil - 1
	}
	return min(t0, t1), t1, start
}

// is2x2 reports the 2×2, stride-2, unpadded 2-D pool of nearly every
// CNN, over an input of even width.
func is2x2(v *volume) bool {
	gy, gx := &v[1], &v[2]
	return v[0] == unitAxis && gy.k == 2 && gx.k == 2 && gy.stride == 2 && gx.stride == 2 && gy.dil == 1 && gx.dil == 1 &&
		gy.padBegin == 0 && gx.padBegin == 0 && 2*gy.out <= gy.in && 2*gx.out == gx.in
}

// maxPool2x2 pools one plane in two passes that run with SIMD over
// contiguous memory: the maxima of each pair of rows go to tmp, and the
// maxima of the pairs of neighbours in tmp, laid end to end, are the
// output (the width is even, so no pair straddles two rows). NaN
// propagates, as in PyTorch.
func maxPool2x2(dst, src []float32, gy, gx *axisGeom, tmp *[]float32) {
	w := gx.in
	t := (*tmp)[:gy.out*w] // sized by pool.run
	for oy := 0; oy < gy.out; oy++ {
		gemmkernel.Max(t[oy*w:(oy+1)*w], src[2*oy*w:(2*oy+1)*w], src[(2*oy+1)*w:(2*oy+2)*w])
	}
	gemmkernel.PairMax(dst, t)
}

func maxVolume(dst, src []float32, v *volume) {
	gz, gy, gx := &v[0], &v[1], &v[2]
	h, w := gy.in, gx.in
	o := 0
	for oz := 0; oz < gz.out; oz++ {
		a0, a1, zs := gz.span(oz)
		for oy := 0; oy < gy.out; oy++ {
			i0, i1, ys := gy.span(oy)
			for ox := 0; ox < gx.out; ox++ {
				j0, j1, xs := gx.span(ox)
				// Padding never wins a max: it is -Inf, as in PyTorch.
				m := float32(math.Inf(-1))
				for a := a0; a < a1; a++ {
					plane := src[(zs+a*gz.dil)*h*w:]
					for i := i0; i < i1; i++ {
						row := plane[(ys+i*gy.dil)*w:]
						for j := j0; j < j1; j++ {
							v := row[xs+j*gx.dil]
							if v > m || v != v { // NaN propagates, as in PyTorch
								m = v
							}
						}
					}
				}
				dst[o] = m
				o++
			}
		}
	}
}

func avgVolume(dst, src []float32, v *volume, includePad bool) {
	gz, gy, gx := &v[0], &v[1], &v[2]
	h, w := gy.in, gx.in
	// The window clipped to the padded input, as PyTorch does.
	padded := func(g *axisGeom, start int) int { return min(start+g.k, g.in+g.padEnd) - start }
	o := 0
	for oz := 0; oz < gz.out; oz++ {
		a0, a1, zs := gz.span(oz)
		for oy := 0; oy < gy.out; oy++ {
			i0, i1, ys := gy.span(oy)
			for ox := 0; ox < gx.out; ox++ {
				j0, j1, xs := gx.span(ox)
				var sum float32
				for a := a0; a < a1; a++ {
					plane := src[(zs+a)*h*w:]
					for i := i0; i < i1; i++ {
						row := plane[(ys+i)*w:]
						for j := j0; j < j1; j++ {
							sum += row[xs+j]
						}
					}
				}
				div := (a1 - a0) * (i1 - i0) * (j1 - j0)
				if includePad {
					div = padded(gz, zs) * padded(gy, ys) * padded(gx, xs)
				}
				if div > 0 {
					sum /= float32(div)
				}
				dst[o] = sum
				o++
			}
		}
	}
}

// buildGlobalPool compiles GlobalAveragePool and GlobalMaxPool: one value
// per sample and channel, over all spatial axes, which are kept as 1s.
func buildGlobalPool(kind poolKind) func(c *nodeCtx) (kernel, error) {
	return func(c *nodeCtx) (kernel, error) {
		return &globalPool{kind: kind}, nil
	}
}

type globalPool struct {
	kind  poolKind
	shape []int
}

func (k *globalPool) run(in, out []*Tensor) error {
	x := in[0]
	if x.IsInt() || len(x.Shape) < 3 {
		return fmt.Errorf("input X must be a float32 tensor [N, C, spatial...] of rank at least 3, got shape %v", x.Shape)
	}
	k.shape = append(k.shape[:0], x.Shape[0], x.Shape[1])
	for range x.Shape[2:] {
		k.shape = append(k.shape, 1)
	}
	y, err := out[0].setFloat(k.shape...)
	if err != nil {
		return err
	}
	size := numel(x.Shape[2:])
	for p := range y {
		src := x.Data[p*size : (p+1)*size]
		if k.kind == maxPool {
			m := float32(math.Inf(-1))
			for _, v := range src {
				if v > m || v != v {
					m = v
				}
			}
			y[p] = m
			continue
		}
		// Accumulate in float64: a plane can be large and float32 sums
		// drift visibly from PyTorch's pairwise sums.
		var s float64
		for _, v := range src {
			s += float64(v)
		}
		if size > 0 {
			s /= float64(size)
		}
		y[p] = float32(s)
	}
	return nil
}
