package runtime

import (
	"fmt"

	"gonum.org/v1/gonum/blas/gonum"
)

// buildConv compiles a 2-D convolution (NCHW input, MCkk weights) with
// pads, strides, dilations, auto_pad, groups (depthwise included) and an
// optional bias.
//
// Each group of a run of samples is lowered to one matrix product
// (im2col): the receptive fields are copied into the columns of a
// (C/g·kh·kw) × (samples·oh·ow) matrix, which the (M/g) × (C/g·kh·kw)
// weight matrix multiplies.
// The batch is split across workers, each with its own column buffer; the
// products are small, so each worker runs a serial GEMM (see gemmNN)
// rather than gonum's Sgemm, which would start goroutines of its own for
// every product.
func buildConv(c *nodeCtx) (kernel, error) {
	ks := c.attrs().Ints("kernel_shape", nil)
	w, err := parseWindow(c, ks)
	if err != nil {
		return nil, err
	}
	if w.ceil {
		return nil, fmt.Errorf("ceil_mode=1 is not a Conv attribute")
	}
	k := &conv{win: w, group: int(c.attrs().Int("group", 1)), kernelShape: toInts(ks), workers: c.workers}
	if k.group < 1 {
		return nil, fmt.Errorf("group %d must be at least 1", k.group)
	}
	if wt := c.constInput(1); wt != nil {
		if err := k.checkWeight(wt); err != nil {
			return nil, err
		}
	}
	k.scratch = make([]convScratch, c.workers)
	return k, nil
}

type conv struct {
	win         windowAttrs
	group       int
	kernelShape []int
	workers     int
	scratch     []convScratch // per worker
}

func (k *conv) checkWeight(w *Tensor) error {
	if w.IsInt() || len(w.Shape) != 4 {
		return fmt.Errorf("weight W must be a 4-D float32 tensor [M, C/group, kh, kw], got shape %v; only 2-D convolutions are supported", w.Shape)
	}
	if w.Shape[0]%k.group != 0 {
		return fmt.Errorf("weight W %v: %d output channels do not split into group=%d", w.Shape, w.Shape[0], k.group)
	}
	if k.kernelShape != nil && (k.kernelShape[0] != w.Shape[2] || k.kernelShape[1] != w.Shape[3]) {
		return fmt.Errorf("kernel_shape %v disagrees with weight W %v", k.kernelShape, w.Shape)
	}
	return nil
}

func (k *conv) run(in, out []*Tensor) error {
	x, w := in[0], in[1]
	if err := k.checkWeight(w); err != nil {
		return err
	}
	if x.IsInt() || len(x.Shape) != 4 {
		return fmt.Errorf("input X must be a 4-D float32 tensor [N, C, H, W], got shape %v (weight %v)", x.Shape, w.Shape)
	}
	n, c, h, wd := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	m, cg, kh, kw := w.Shape[0], w.Shape[1], w.Shape[2], w.Shape[3]
	if c != cg*k.group {
		return fmt.Errorf("input X %v has %d channels but weight W %v with group=%d expects %d", x.Shape, c, w.Shape, k.group, cg*k.group)
	}
	var bias []float32
	if len(in) > 2 && in[2] != nil {
		b := in[2]
		if b.IsInt() || len(b.Shape) != 1 || b.Shape[0] != m {
			return fmt.Errorf("bias B must be a float32 vector of %d values, got shape %v", m, b.Shape)
		}
		bias = b.Data
	}
	gy, err := k.win.geometry(0, h, kh)
	if err != nil {
		return fmt.Errorf("input X %v, weight W %v: height: %v", x.Shape, w.Shape, err)
	}
	gx, err := k.win.geometry(1, wd, kw)
	if err != nil {
		return fmt.Errorf("input X %v, weight W %v: width: %v", x.Shape, w.Shape, err)
	}
	oh, ow := gy.out, gx.out
	y := out[0].setFloat(n, m, oh, ow)
	if len(y) == 0 {
		return nil
	}

	mg := m / k.group
	kk := cg * kh * kw // rows of the column matrix
	ohw := oh * ow
	// A 1×1, stride-1, unpadded window reads the input as it is laid out:
	// the column matrix of one sample is the input itself.
	direct := kh == 1 && kw == 1 && gy.stride == 1 && gx.stride == 1 &&
		gy.padBegin+gy.padEnd+gx.padBegin+gx.padEnd == 0
	// Small output planes make short GEMM rows, where the per-call cost of
	// each axpy dominates; such samples are laid side by side in one wider
	// column matrix. The width aims at ~1024 columns, and the buffer is
	// capped at about 4 MiB per worker.
	per := 1
	if ohw < 512 {
		per = min((1024+ohw-1)/ohw, max(1, (1<<20)/(kk*ohw)))
	}
	workers := splitFor(n, m*kk*ohw, k.workers)
	parallelFor(n, workers, func(wk, lo, hi int) {
		sc := &k.scratch[wk]
		for s0 := lo; s0 < hi; s0 += per {
			ns := min(per, hi-s0)
			wide := ns * ohw
			for g := 0; g < k.group; g++ {
				var col []float32
				if direct && ns == 1 {
					s := s0*c + g*cg
					col = x.Data[s*h*wd : (s+cg)*h*wd]
				} else {
					col = grow(&sc.col, kk*wide)
					for i := 0; i < ns; i++ {
						s := (s0+i)*c + g*cg
						xg := x.Data[s*h*wd : (s+cg)*h*wd]
						if direct {
							for r := 0; r < cg; r++ {
								copy(col[r*wide+i*ohw:r*wide+(i+1)*ohw], xg[r*ohw:(r+1)*ohw])
							}
						} else {
							im2col(col, wide, i*ohw, xg, cg, &gy, &gx)
						}
					}
				}
				// With one sample the product lands in the output directly;
				// with several it goes through a buffer and is scattered.
				var dst []float32
				if ns == 1 {
					dst = y[(s0*m+g*mg)*ohw : (s0*m+(g+1)*mg)*ohw]
				} else {
					dst = grow(&sc.out, mg*wide)
				}
				for i := 0; i < mg; i++ {
					v := float32(0)
					if bias != nil {
						v = bias[g*mg+i]
					}
					row := dst[i*wide : (i+1)*wide]
					for j := range row {
						row[j] = v
					}
				}
				gemmNN(mg, wide, kk, w.Data[g*mg*kk:(g+1)*mg*kk], col, dst)
				if ns == 1 {
					continue
				}
				for i := 0; i < ns; i++ {
					for r := 0; r < mg; r++ {
						o := ((s0+i)*m + g*mg + r) * ohw
						copy(y[o:o+ohw], dst[r*wide+i*ohw:r*wide+(i+1)*ohw])
					}
				}
			}
		}
	})
	return nil
}

// convScratch is one worker's buffers.
type convScratch struct {
	col []float32 // the column matrix
	out []float32 // the product, when several samples share it
}

// grow returns (*buf)[:n], reallocating only when the capacity is short.
func grow(buf *[]float32, n int) []float32 {
	if cap(*buf) < n {
		*buf = make([]float32, n)
	}
	*buf = (*buf)[:n]
	return *buf
}

// im2col writes the receptive fields of x (C×H×W) as oh·ow columns of
// col, a (C·kh·kw)-row matrix with row stride ld, starting at column off;
// positions in the padding are 0.
func im2col(col []float32, ld, off0 int, x []float32, c int, gy, gx *axisGeom) {
	h, w := gy.in, gx.in
	oh, ow := gy.out, gx.out
	p := 0
	for ch := 0; ch < c; ch++ {
		xc := x[ch*h*w : (ch+1)*h*w]
		for i := 0; i < gy.k; i++ {
			for j := 0; j < gx.k; j++ {
				row := col[p*ld+off0 : p*ld+off0+oh*ow]
				p++
				// Input column of output column ox is ox·stride + off; the
				// outputs [x0, x1) read inside the input.
				off := j*gx.dil - gx.padBegin
				x0, x1 := validRange(off, gx.stride, w, ow)
				for oy := 0; oy < oh; oy++ {
					r := row[oy*ow : (oy+1)*ow]
					iy := oy*gy.stride - gy.padBegin + i*gy.dil
					if iy < 0 || iy >= h {
						clear(r)
						continue
					}
					xr := xc[iy*w : (iy+1)*w]
					clear(r[:x0])
					if gx.stride == 1 {
						copy(r[x0:x1], xr[x0+off:x1+off])
					} else {
						for ox := x0; ox < x1; ox++ {
							r[ox] = xr[ox*gx.stride+off]
						}
					}
					clear(r[x1:])
				}
			}
		}
	}
}

// validRange returns the outputs [x0, x1) of [0, n) whose input position
// o·stride + off lies in [0, size).
func validRange(off, stride, size, n int) (int, int) {
	x0 := 0
	if off < 0 {
		x0 = (-off + stride - 1) / stride
	}
	x1 := 0
	if size-off > 0 {
		x1 = (size - off + stride - 1) / stride
	}
	x0, x1 = min(x0, n), min(x1, n)
	return x0, max(x0, x1)
}

// gemmNN adds a·b to c, where a is m×k, b is k×n and c is m×n, all dense
// and row-major. It is serial: each row of c is updated by k axpys
// through the rows of b, which gonum runs with SIMD.
func gemmNN(m, n, k int, a, b, c []float32) {
	// The concrete type, not blas32's interface: this is called thousands
	// of times per batch.
	var impl gonum.Implementation
	for i := 0; i < m; i++ {
		ci := c[i*n : (i+1)*n]
		for l, v := range a[i*k : (i+1)*k] {
			if v != 0 {
				impl.Saxpy(n, v, b[l*n:(l+1)*n], 1, ci, 1)
			}
		}
	}
}
