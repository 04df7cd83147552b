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
// by the register-tiled kernel of package kernel. The column matrix is
// never built: its rows are shifted views of the zero-bordered input, or,
// for a strided window, of its phase planes (runShifted, convPlan). The
// weights are packed for the kernel once when they are an initializer
// (every exported model), else on every run. A depthwise convolution (one
// input channel per group) has its own kernel, since a product of so few
// rows would waste most of a tile.
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
		k.constW, k.wdata = true, wt.Data
		if err := k.pack(wt); err != nil {
			return nil, err
		}
	}
	k.scratch = c.workerScratch()
	return k, nil
}

type conv struct {
	wdata       []float32 // the weights, for the depthwise kernel
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
// kernel, into buffers reserved through the meter first: as weights when
// they are an initializer (constW). In a dry step (weights computed from
// the input) it only reserves them.
func (k *conv) pack(w *Tensor) error {
	mg, kk := w.Shape[0]/k.group, numel(w.Shape[1:])
	if len(k.packed) != k.group {
		k.packed = make([][]float32, k.group)
	}
	for g := range k.packed {
		dst, err := reserveFor(k.m, &k.packed[g], gemmkernel.RoundUp(mg, gemmkernel.MR)*kk, "packed weights", nil, k.constW)
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
	if !k.constW {
		k.wdata = w.Data
	}
	k.runShifted(x, y, bias, m, cg, &v)
	return nil
}

// convPlan is the layout of runShifted's products for one geometry.
//
// A strided window reads every s-th position: split into its s phases
// (positions ≡ r mod s), the zero-bordered input becomes s planes per
// axis, and a tap at offset o = q·s + r reads phase r shifted by q, with
// unit stride. So every convolution, strided or not, is a product whose
// rows are shifted views of the phase planes, as a stride-1 one is of the
// padded input itself.
type convPlan struct {
	s       [maxSpatial]int // stride: phases per axis
	q       [maxSpatial]int // the size of a phase plane per axis
	phases  int             // s[0]·s[1]·s[2]
	plane   int             // q[0]·q[1]·q[2]
	ns      int             // samples whose columns lie side by side in one product
	cols    int             // the columns of one sample that hold outputs
	ld      int             // columns of the product: (ns−1)·plane + cols, in whole tiles
	buf     int             // the phase planes' buffer, with the slack the last tile reads
	out     int             // the product's scratch
	workers int
	dw      bool // depthwise (one input channel per group, fewer outputs than a tile's rows): a product per output channel
}

// plan lays out the products of a batch of n samples.
func (k *conv) plan(n, m, cg int, v *volume) convPlan {
	var p convPlan
	p.phases, p.plane = 1, 1
	for ax := range maxSpatial {
		g := &v[ax]
		p.s[ax] = g.stride
		p.q[ax] = (g.in + g.padBegin + g.padEnd + g.stride - 1) / g.stride
		p.phases *= p.s[ax]
		p.plane *= p.q[ax]
	}
	kd, kh, kw := v.ks()
	od, oh, _ := v.outs()
	kk := cg * kd * kh * kw
	mg := m / k.group
	p.dw = cg == 1 && mg < gemmkernel.MR
	p.cols = (od-1)*p.q[1]*p.q[2] + oh*p.q[2]
	// Small planes lie side by side, so that little is lost to padding
	// the columns to the kernel's tile width: about 1024 columns, and the
	// buffer at most about 4 MiB per worker.
	p.ns = 1
	if p.cols < 512 {
		p.ns = min((1024+p.cols-1)/p.cols, max(1, (1<<20)/max(1, cg*p.phases*p.plane)))
	}
	p.workers = splitFor(n, m*kk*p.cols, k.workers)
	p.ns = max(1, min(p.ns, (n+p.workers-1)/p.workers)) // no chunk is longer
	p.ld = gemmkernel.RoundUp((p.ns-1)*p.plane+p.cols, gemmkernel.NR)
	p.buf = cg * p.phases * p.ns * p.plane
	// The last tile reads up to ld columns past the largest offset, one of
	// the last channel's taps (not the last tap: phases reorder them).
	for a := 0; a < kd && cg > 0; a++ {
		for i := 0; i < kh; i++ {
			for j := 0; j < kw; j++ {
				p.buf = max(p.buf, k.offset(&p, v, cg-1, a, i, j)+p.ld)
			}
		}
	}
	p.out = gemmkernel.RoundUp(mg, gemmkernel.MR) * p.ld
	if p.dw {
		p.out = mg * p.ld
	}
	return p
}

// offset is the position in the phase buffer of the row of channel ch,
// tap (a, i, j), for the first sample of a product.
func (k *conv) offset(p *convPlan, v *volume, ch, a, i, j int) int {
	var phase, shift int
	for ax, t := range [maxSpatial]int{a, i, j} {
		o := t * v[ax].dil
		phase = phase*p.s[ax] + o%p.s[ax]
		shift = shift*p.q[ax] + o/p.s[ax]
	}
	return (ch*p.phases+phase)*p.ns*p.plane + shift
}

// reserveScratch sizes each worker's buffers for this geometry.
func (k *conv) reserveScratch(n, m, cg int, v *volume) error {
	// Hostile pads can make the sizes overflow: they must fit an int with
	// room for the rounding and the side-by-side samples of plan (factors
	// below 64 and 2048) before they are computed.
	dp, hp, wp := v.padded()
	kd, kh, kw := v.ks()
	od, oh, ow := v.outs()
	kk := checkedNumel([]int{cg, kd, kh, kw})
	ohw := checkedNumel([]int{od, oh, ow})
	if dp < 0 || hp < 0 || wp < 0 || ohw < 0 || kk < 0 || checkedNumel([]int{2048, max(cg, m) + gemmkernel.MR, dp + 1, hp + 1, wp + 1}) < 0 {
		return &BudgetError{What: "scratch for the padded input", Shape: []int{cg, dp, hp, wp}, Need: math.MaxInt64}
	}
	p := k.plan(n, m, cg, v)
	if _, err := reserve(k.m, &k.offs, kk, "tap offsets", nil); err != nil {
		return err
	}
	for wk := range p.workers {
		sc := &k.scratch[wk]
		if _, err := reserve(k.m, &sc.pad, p.buf, "phase planes scratch", nil); err != nil {
			return err
		}
		if _, err := reserve(k.m, &sc.out, p.out, "product scratch", nil); err != nil {
			return err
		}
	}
	return nil
}

// runShifted computes the convolution as one product per group and chunk
// of samples. The input of each sample is copied into the phase planes of
// its zero-bordered volume (see convPlan), laid out [channel][phase]
// [sample][plane]; the product is taken over the columns oz·hq·wq +
// oy·wq + ox of each sample, as if the output were as large as a phase
// plane, so that row (ch, a, i, j) of the column matrix is the buffer
// itself shifted by offset(ch, a, i, j), and the kernel reads it in place
// through its row offsets. The extra columns (ox ≥ ow, and oy ≥ oh
// between depth slices) are computed and dropped: on a LeNet-5 that costs
// 14% (conv1) and 40% (conv2) more multiply-adds, far less than copying
// every receptive field (im2col) costs.
func (k *conv) runShifted(x *Tensor, y, bias []float32, m, cg int, v *volume) {
	n, c := x.Shape[0], x.Shape[1]
	d, h, wd := v.ins()
	od, oh, ow := v.outs()
	kd, kh, kw := v.ks()
	p := k.plan(n, m, cg, v)
	mg := m / k.group
	mp := gemmkernel.RoundUp(mg, gemmkernel.MR)
	kk := cg * kd * kh * kw
	vol, ovol := d*h*wd, od*oh*ow
	k.offs = k.offs[:0]
	for ch := 0; ch < cg; ch++ {
		for a := 0; a < kd; a++ {
			for i := 0; i < kh; i++ {
				for j := 0; j < kw; j++ {
					k.offs = append(k.offs, k.offset(&p, v, ch, a, i, j))
				}
			}
		}
	}
	key := [14]int{cg, d, h, wd, p.ns, p.s[0], p.s[1], p.s[2], p.q[0], p.q[1], p.q[2], v[0].padBegin, v[1].padBegin, v[2].padBegin}
	// The product's columns of one sample are contiguous in the output
	// when no column is dropped.
	dense := p.q[2] == ow && (od == 1 || p.q[1] == oh)
	parallelFor(n, p.workers, func(wk, lo, hi int) {
		sc := &k.scratch[wk]
		// The borders stay zero from one chunk to the next, since only
		// the interior is written; the buffer is cleared only when the
		// geometry changes. reserveScratch sized the buffers.
		buf := sc.pad[:p.buf]
		if sc.padKey != key {
			clear(buf)
			sc.padKey = key
		}
		dst := sc.out[:p.out]
		for s0 := lo; s0 < hi; s0 += p.ns {
			// A short last chunk leaves earlier samples in the slots
			// past ns: their columns are computed and never read.
			ns := min(p.ns, hi-s0)
			for g := 0; g < k.group; g++ {
				for i := 0; i < ns; i++ {
					s := (s0+i)*c + g*cg
					k.fillPhases(buf, x.Data[s*vol:(s+cg)*vol], cg, i, &p, v)
				}
				if p.dw {
					for r := 0; r < mg; r++ {
						w := k.wdata[(g*mg+r)*kk : (g*mg+r+1)*kk]
						gemmkernel.Depthwise(dst[r*p.ld:(r+1)*p.ld], buf, k.offs, w)
					}
				} else {
					gemmkernel.Gemm(mp, p.ld, kk, k.packed[g], buf, k.offs, dst[:mp*p.ld], p.ld, false, 0, p.ld/gemmkernel.NR)
				}
				for i := 0; i < ns; i++ {
					for r := 0; r < mg; r++ {
						yo := ((s0+i)*m + g*mg + r) * ovol
						b := biasOf(bias, g*mg+r)
						src := dst[r*p.ld+i*p.plane:]
						if dense {
							addBias(y[yo:yo+ovol], src[:ovol], b)
							continue
						}
						for oz := 0; oz < od; oz++ {
							for oy := 0; oy < oh; oy++ {
								o := (oz*p.q[1] + oy) * p.q[2]
								yz := yo + (oz*oh+oy)*ow
								addBias(y[yz:yz+ow], src[o:o+ow], b)
							}
						}
					}
				}
			}
		}
	})
}

// fillPhases copies the cg channels of one sample (x, C×D×H×W) into the
// phase planes of sample slot i of buf; the borders are left as they are
// (zero).
func (k *conv) fillPhases(buf, x []float32, cg, i int, p *convPlan, v *volume) {
	d, h, w := v.ins()
	pz, py, px := v[0].padBegin, v[1].padBegin, v[2].padBegin
	sz, sy, sx := p.s[0], p.s[1], p.s[2]
	hq, wq := p.q[1], p.q[2]
	if vol := d * h * w; p.phases == 1 && vol == p.plane {
		// No padding, no stride (a 1×1 convolution): each channel's plane
		// is the input's.
		for ch := 0; ch < cg; ch++ {
			copy(buf[(ch*p.ns+i)*p.plane:(ch*p.ns+i+1)*p.plane], x[ch*vol:(ch+1)*vol])
		}
		return
	}
	for ch := 0; ch < cg; ch++ {
		for z := 0; z < d; z++ {
			zz := z + pz
			for yy := 0; yy < h; yy++ {
				y := yy + py
				row := x[((ch*d+z)*h+yy)*w : ((ch*d+z)*h+yy+1)*w]
				for rx := 0; rx < sx; rx++ {
					phase := ((zz%sz)*sy+y%sy)*sx + rx
					base := ((ch*p.phases+phase)*p.ns+i)*p.plane + ((zz/sz)*hq+y/sy)*wq
					// The input columns of this phase: (x + px) ≡ rx mod sx.
					x0 := ((rx-px)%sx + sx) % sx
					if x0 >= w {
						continue
					}
					q0 := (x0 + px) / sx
					if sx == 1 {
						copyShort(buf[base+q0:base+q0+w], row)
						continue
					}
					dst := buf[base+q0:]
					for j, xx := 0, x0; xx < w; j, xx = j+1, xx+sx {
						dst[j] = row[xx]
					}
				}
			}
		}
	}
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
	col    []float32 // ConvTranspose: the packed input
	pad    []float32 // Conv: the phase planes of the zero-bordered input
	padKey [14]int   // Conv: the geometry pad was cleared for
	out    []float32 // the product, before it is scattered into the output
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
