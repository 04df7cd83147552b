package runtime

import (
	"fmt"
	"math"

	gemmkernel "cxray/runtime/internal/kernel"
)

// buildConv compiles a convolution over 1, 2 or 3 spatial axes (NCL,
// NCHW or NCDHW input, weights [M, C/group, kernel...]) with pads,
// strides, dilations, auto_pad, groups (depthwise included) and an
// optional bias. 1-D and 2-D windows run as 3-D ones with unit leading
// axes (see volume).
//
// Each group is a matrix product of the (M/g) × (C/g·k) weights with
// a column matrix that holds one receptive field per output position, run
// by the register-tiled kernel of package kernel. A stride-1 convolution
// (nearly all of them) never builds the column matrix: its rows are
// shifted views of the zero-bordered input (runShifted). A strided one
// copies the receptive fields (im2col, runIm2col). The weights are packed
// for the kernel once when they are an initializer (every exported
// model), else on every run.
// The batch is split across workers, each with its own buffers; the
// products are small, so each worker runs a serial product rather than a
// parallel one that would start goroutines of its own for every product.
func buildConv(c *nodeCtx) (kernel, error) {
	ks := c.attrs().Ints("kernel_shape", nil)
	w, err := parseWindow(c, ks)
	if err != nil {
		return nil, err
	}
	if w.ceil {
		return nil, fmt.Errorf("ceil_mode=1 is not a Conv attribute")
	}
	k := &conv{win: w, group: int(c.attrs().Int("group", 1)), kernelShape: toInts(ks), workers: c.workers, m: c.m}
	if k.group < 1 {
		return nil, fmt.Errorf("group %d must be at least 1", k.group)
	}
	if wt := c.constInput(1); wt != nil {
		if err := k.checkWeight(wt); err != nil {
			return nil, err
		}
		if err := k.pack(wt); err != nil {
			return nil, err
		}
		k.constW = true
	}
	k.scratch = make([]convScratch, c.workers)
	return k, nil
}

type conv struct {
	win         windowAttrs
	group       int
	kernelShape []int
	workers     int
	m           *meter
	constW      bool          // the weights are an initializer, packed once
	packed      [][]float32   // per group: the weights packed by kernel.PackA
	offs        []int         // the row offsets of the shifted views (runShifted)
	shape       []int         // the output shape
	scratch     []convScratch // per worker
}

// pack packs each group's (M/g) × (C/g·k) weight matrix for the
// kernel, into buffers reserved through the meter first. In a dry step
// (weights computed from the input) it only reserves them.
func (k *conv) pack(w *Tensor) error {
	mg, kk := w.Shape[0]/k.group, numel(w.Shape[1:])
	if len(k.packed) != k.group {
		k.packed = make([][]float32, k.group)
	}
	for g := range k.packed {
		dst, err := reserve(k.m, &k.packed[g], gemmkernel.RoundUp(mg, gemmkernel.MR)*kk, "packed weights", nil)
		if err != nil || dst == nil {
			return err
		}
		k.packed[g] = gemmkernel.PackA(dst, w.Data[g*mg*kk:(g+1)*mg*kk], mg, kk, kk, false)
	}
	return nil
}

func (k *conv) checkWeight(w *Tensor) error {
	r := len(w.Shape) - 2
	if w.IsInt() || r < 1 || r > maxSpatial || k.win.rank != 0 && r != k.win.rank {
		want := "1 to 3 spatial axes"
		if k.win.rank != 0 {
			want = fmt.Sprintf("%d spatial axes, as the attributes say", k.win.rank)
		}
		return fmt.Errorf("weight W must be a float32 tensor [M, C/group, kernel...] with %s, got shape %v", want, w.Shape)
	}
	if w.Shape[0]%k.group != 0 {
		return fmt.Errorf("weight W %v: %d output channels do not split into group=%d", w.Shape, w.Shape[0], k.group)
	}
	if k.kernelShape != nil && !equalShape(k.kernelShape, w.Shape[2:]) {
		return fmt.Errorf("kernel_shape %v disagrees with weight W %v", k.kernelShape, w.Shape)
	}
	return nil
}

func (k *conv) run(in, out []*Tensor) error {
	x, w := in[0], in[1]
	if err := k.checkWeight(w); err != nil {
		return err
	}
	r := len(w.Shape) - 2
	if x.IsInt() || len(x.Shape) != r+2 {
		return fmt.Errorf("input X must be a %d-D float32 tensor [N, C, spatial...] for weight W %v, got shape %v", r+2, w.Shape, x.Shape)
	}
	n, c := x.Shape[0], x.Shape[1]
	m, cg := w.Shape[0], w.Shape[1]
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
	win := k.win
	win.rank = r
	v, err := win.geometries(x.Shape[2:], w.Shape[2:], fmt.Sprintf("input X %v, weight W %v", x.Shape, w.Shape))
	if err != nil {
		return err
	}
	// Buffers first, every one checked against the budget: the packed
	// weights when they are not an initializer, each worker's scratch,
	// then the output.
	k.shape = v.outShape(k.shape, n, m, r)
	if err := out[0].fits(k.shape...); err != nil {
		return err
	}
	if checkedNumel(k.shape) > 0 {
		if !k.constW {
			if err := k.pack(w); err != nil {
				return err
			}
		}
		if err := k.reserveScratch(n, m, cg, &v); err != nil {
			return err
		}
	}
	y, err := out[0].setFloat(k.shape...)
	if err != nil || len(y) == 0 {
		return err
	}
	if v.unitStride() {
		k.runShifted(x, y, bias, m, cg, &v)
	} else {
		k.runIm2col(x, y, bias, m, cg, &v)
	}
	return nil
}

// shiftedSizes are runShifted's buffer lengths per worker: the
// zero-bordered input volumes (pad) and the product (out), whose rows are
// ld long; and the number of workers.
func (k *conv) shiftedSizes(n, m, cg int, v *volume) (pad, out, ld, workers int) {
	dp, hp, wp := v.padded()
	kd, kh, kw := v.ks()
	od, oh, _ := v.outs()
	kk := cg * kd * kh * kw
	cols := (od-1)*hp*wp + oh*wp
	ld = gemmkernel.RoundUp(cols, gemmkernel.NR)
	pad = cg * dp * hp * wp
	if kk > 0 {
		// The last tile reads up to ld columns past the largest offset,
		// that of the last channel's last tap.
		last := (cg-1)*dp*hp*wp + (kd-1)*v[0].dil*hp*wp + (kh-1)*v[1].dil*wp + (kw-1)*v[2].dil
		pad = max(pad, last+ld)
	}
	out = gemmkernel.RoundUp(m/k.group, gemmkernel.MR) * ld
	return pad, out, ld, splitFor(n, m*kk*cols, k.workers)
}

// im2colSizes are runIm2col's: the column matrix (col, kk rows of ld),
// the product (out), the output volumes laid side by side per product
// (per), and the number of workers.
func (k *conv) im2colSizes(n, m, cg int, v *volume) (col, out, ld, per, workers int) {
	kd, kh, kw := v.ks()
	od, oh, ow := v.outs()
	kk := cg * kd * kh * kw
	ohw := od * oh * ow
	// Small output planes are laid side by side in one wider column
	// matrix, so that little is lost to padding the columns to the
	// kernel's tile width. The width aims at ~1024 columns, and the buffer
	// is capped at about 4 MiB per worker.
	per = 1
	if ohw < 512 {
		per = min((1024+ohw-1)/ohw, max(1, (1<<20)/(kk*ohw)))
	}
	workers = splitFor(n, m*kk*ohw, k.workers)
	per = max(1, min(per, (n+workers-1)/workers)) // no chunk is longer
	ld = gemmkernel.RoundUp(per*ohw, gemmkernel.NR)
	return kk * ld, gemmkernel.RoundUp(m/k.group, gemmkernel.MR) * ld, ld, per, workers
}

// reserveScratch sizes each worker's buffers for this geometry.
func (k *conv) reserveScratch(n, m, cg int, v *volume) error {
	// Hostile pads can make the sizes overflow: they must fit an int with
	// room for the rounding and side-by-side planes of shiftedSizes and
	// im2colSizes (factors below 64 and 2048) before they are computed.
	dp, hp, wp := v.padded()
	kd, kh, kw := v.ks()
	od, oh, ow := v.outs()
	kk := checkedNumel([]int{cg, kd, kh, kw})
	ohw := checkedNumel([]int{od, oh, ow})
	if dp < 0 || hp < 0 || wp < 0 || ohw < 0 || kk < 0 || checkedNumel([]int{64, max(cg, m) + gemmkernel.MR, dp, hp, wp}) < 0 ||
		checkedNumel([]int{2048, max(kk, m) + gemmkernel.MR, max(ohw, 1)}) < 0 {
		return &BudgetError{What: "scratch for the padded input", Shape: []int{cg, dp, hp, wp}, Need: math.MaxInt64}
	}
	var sizes []int
	var workers int
	if v.unitStride() {
		pad, out, _, w := k.shiftedSizes(n, m, cg, v)
		sizes, workers = []int{pad, out}, w
	} else {
		col, out, _, _, w := k.im2colSizes(n, m, cg, v)
		sizes, workers = []int{col, out}, w
	}
	for wk := range workers {
		sc := &k.scratch[wk]
		bufs := [2]*[]float32{&sc.pad, &sc.out}
		what := [2]string{"zero-bordered input scratch", "product scratch"}
		if !v.unitStride() {
			bufs[0], what[0] = &sc.col, "im2col scratch"
			if _, err := reserve(k.m, &sc.offs, kk, "im2col offsets", nil); err != nil {
				return err
			}
		}
		for i, b := range bufs {
			if _, err := reserve(k.m, b, sizes[i], what[i], nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// runShifted computes a stride-1 convolution without im2col. The input
// volumes of one sample are copied into a zero-bordered buffer of the
// padded size dp×hp×wp, and the product is taken over the columns
// z·hp·wp + y·wp + x (z < od, y < hp, x < wp), as if the output were as
// large as the padded input: then row (ch, a, i, j) of the column matrix
// is the buffer itself shifted by ch·dp·hp·wp + a·hp·wp + i·wp + j, and
// the kernel reads it in place through its row offsets. The extra columns
// (x ≥ ow, and y ≥ oh between depth slices) are computed and dropped: on
// a LeNet-5 that costs 14% (conv1) and 40% (conv2) more multiply-adds,
// far less than im2col's copies of short runs cost.
func (k *conv) runShifted(x *Tensor, y, bias []float32, m, cg int, v *volume) {
	n, c := x.Shape[0], x.Shape[1]
	d, h, wd := v.ins()
	od, oh, ow := v.outs()
	kd, kh, kw := v.ks()
	dp, hp, wp := v.padded()
	pz, py, px := v[0].padBegin, v[1].padBegin, v[2].padBegin
	mg := m / k.group
	mp := gemmkernel.RoundUp(mg, gemmkernel.MR)
	kk := cg * kd * kh * kw
	vol, ovol := d*h*wd, od*oh*ow
	size, _, ld, workers := k.shiftedSizes(n, m, cg, v)
	k.offs = k.offs[:0]
	for ch := 0; ch < cg; ch++ {
		for a := 0; a < kd; a++ {
			for i := 0; i < kh; i++ {
				for j := 0; j < kw; j++ {
					k.offs = append(k.offs, ch*dp*hp*wp+a*v[0].dil*hp*wp+i*v[1].dil*wp+j*v[2].dil)
				}
			}
		}
	}
	key := [8]int{cg, d, h, wd, dp, hp, wp, (pz*hp+py)*wp + px}
	// The product's columns are contiguous in the output when no column
	// is dropped.
	dense := wp == ow && (od == 1 || hp == oh)
	parallelFor(n, workers, func(wk, lo, hi int) {
		sc := &k.scratch[wk]
		// The borders stay zero from one sample to the next, since only
		// the interior is written; the buffer is cleared only when the
		// geometry changes. reserveScratch sized the buffers.
		pad := sc.pad[:size]
		if sc.padKey != key {
			clear(pad)
			sc.padKey = key
		}
		dst := sc.out[:mp*ld]
		for s := lo; s < hi; s++ {
			for g := 0; g < k.group; g++ {
				xg := x.Data[(s*c+g*cg)*vol : (s*c+(g+1)*cg)*vol]
				if dp == d && hp == h && wp == wd {
					copy(pad, xg)
				} else {
					for ch := 0; ch < cg; ch++ {
						for iz := 0; iz < d; iz++ {
							for iy := 0; iy < h; iy++ {
								o := ((ch*dp+iz+pz)*hp+iy+py)*wp + px
								src := ((ch*d+iz)*h + iy) * wd
								copy(pad[o:o+wd], xg[src:src+wd])
							}
						}
					}
				}
				gemmkernel.Gemm(mp, ld, kk, k.packed[g], pad, k.offs, dst, ld, false, 0, ld/gemmkernel.NR)
				for r := 0; r < mg; r++ {
					yo := (s*m + g*mg + r) * ovol
					b := biasOf(bias, g*mg+r)
					if dense {
						addBias(y[yo:yo+ovol], dst[r*ld:r*ld+ovol], b)
						continue
					}
					for oz := 0; oz < od; oz++ {
						for oy := 0; oy < oh; oy++ {
							src := r*ld + oz*hp*wp + oy*wp
							o := yo + (oz*oh+oy)*ow
							addBias(y[o:o+ow], dst[src:src+ow], b)
						}
					}
				}
			}
		}
	})
}

// runIm2col computes a strided convolution: the receptive fields are
// copied into a column matrix, which the weights multiply.
func (k *conv) runIm2col(x *Tensor, y, bias []float32, m, cg int, v *volume) {
	n, c := x.Shape[0], x.Shape[1]
	d, h, wd := v.ins()
	kd, kh, kw := v.ks()
	od, oh, ow := v.outs()
	mg := m / k.group
	mp := gemmkernel.RoundUp(mg, gemmkernel.MR) // rows of the product
	kk := cg * kd * kh * kw                     // rows of the column matrix
	vol, ohw := d*h*wd, od*oh*ow
	_, _, _, per, workers := k.im2colSizes(n, m, cg, v)
	parallelFor(n, workers, func(wk, lo, hi int) {
		sc := &k.scratch[wk]
		for s0 := lo; s0 < hi; s0 += per {
			ns := min(per, hi-s0)
			wide := ns * ohw
			// Columns [wide, ld) pad the rows to whole tiles; what the
			// kernel computes there is never read.
			ld := gemmkernel.RoundUp(wide, gemmkernel.NR)
			col := sc.col[:kk*ld] // reserveScratch sized the buffers
			sc.offs = gemmkernel.Strided(sc.offs, kk, ld)
			dst := sc.out[:mp*ld]
			for g := 0; g < k.group; g++ {
				for i := 0; i < ns; i++ {
					s := (s0+i)*c + g*cg
					im2col(col, ld, i*ohw, x.Data[s*vol:(s+cg)*vol], cg, v)
				}
				gemmkernel.Gemm(mp, ld, kk, k.packed[g], col, sc.offs, dst, ld, false, 0, ld/gemmkernel.NR)
				for i := 0; i < ns; i++ {
					for r := 0; r < mg; r++ {
						o := ((s0+i)*m + g*mg + r) * ohw
						addBias(y[o:o+ohw], dst[r*ld+i*ohw:r*ld+(i+1)*ohw], biasOf(bias, g*mg+r))
					}
				}
			}
		}
	})
}

// biasOf is bias[i], or 0 without a bias.
func biasOf(bias []float32, i int) float32 {
	if bias == nil {
		return 0
	}
	return bias[i]
}

// addBias sets dst to src + b. The product is stored without the bias
// and the bias added here, on the way into the output, rather than
// written into the product's buffer first: that pass cost as much as the
// im2col copies it replaced.
func addBias(dst, src []float32, b float32) { gemmkernel.AddConst(dst, src, b) }

// convScratch is one worker's buffers.
type convScratch struct {
	col    []float32 // im2col: the column matrix
	offs   []int     // im2col: its row offsets
	pad    []float32 // shifted: the zero-bordered input planes
	padKey [8]int    // shifted: the geometry pad was cleared for
	out    []float32 // the product, before it is scattered into the output
}

// im2col writes the receptive fields of x (C×D×H×W) as od·oh·ow
// columns of col, a (C·kd·kh·kw)-row matrix with row stride ld, starting
// at column off0; positions in the padding are 0.
func im2col(col []float32, ld, off0 int, x []float32, c int, v *volume) {
	d, h, w := v.ins()
	od, oh, ow := v.outs()
	gz, gy, gx := &v[0], &v[1], &v[2]
	p := 0
	for ch := 0; ch < c; ch++ {
		xc := x[ch*d*h*w : (ch+1)*d*h*w]
		for a := 0; a < gz.k; a++ {
			for i := 0; i < gy.k; i++ {
				for j := 0; j < gx.k; j++ {
					row := col[p*ld+off0 : p*ld+off0+od*oh*ow]
					p++
					// Input column of output column ox is ox·stride + off; the
					// outputs [x0, x1) read inside the input.
					off := j*gx.dil - gx.padBegin
					x0, x1 := validRange(off, gx.stride, w, ow)
					for oz := 0; oz < od; oz++ {
						iz := oz*gz.stride - gz.padBegin + a*gz.dil
						for oy := 0; oy < oh; oy++ {
							r := row[(oz*oh+oy)*ow : (oz*oh+oy+1)*ow]
							iy := oy*gy.stride - gy.padBegin + i*gy.dil
							if iz < 0 || iz >= d || iy < 0 || iy >= h {
								zero(r)
								continue
							}
							xr := xc[(iz*h+iy)*w : (iz*h+iy+1)*w]
							zero(r[:x0])
							if gx.stride == 1 {
								copyShort(r[x0:x1], xr[x0+off:x1+off])
							} else {
								for ox := x0; ox < x1; ox++ {
									r[ox] = xr[ox*gx.stride+off]
								}
							}
							zero(r[x1:])
						}
					}
				}
			}
		}
	}
}

// copyShort is copy for the short runs of im2col (a few to a few dozen
// values), where the call into memmove costs more than the copy: on a
// LeNet-5 the builtin made im2col cost more than the product itself.
func copyShort(dst, src []float32) {
	if len(dst) > 32 {
		copy(dst, src)
		return
	}
	src = src[:len(dst)]
	for i := range dst {
		dst[i] = src[i]
	}
}

// zero is clear for short or empty runs, likewise.
func zero(dst []float32) {
	if len(dst) > 32 {
		clear(dst)
		return
	}
	for i := range dst {
		dst[i] = 0
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
