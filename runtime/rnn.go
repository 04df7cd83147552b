package runtime

import (
	"errors"
	"fmt"
	"math"
)

// rnnKind is one of the recurrent operators.
type rnnKind int

const (
	rnnLSTM rnnKind = iota
	rnnGRU
	rnnPlain // the RNN operator
)

// gates is the number of gate blocks of hidden_size rows in W and R.
func (r rnnKind) gates() int { return [...]int{4, 3, 1}[r] }

// buildRNN compiles LSTM, GRU and RNN as ONNX defines them, with
// hidden_size H, num_directions D (2 for bidirectional) and layout 0
// (X [T, N, I], Y [T, D, N, H], Y_h and Y_c [D, N, H]) or 1 (X [N, T, I],
// Y [N, T, D, H], Y_h and Y_c [N, D, H]). Gate blocks are ordered as ONNX
// orders them: i, o, f, c for LSTM (peepholes P: i, o, f) and z, r, h for
// GRU.
//
//	LSTM: i = σ(Xi + Hi + Pi⊙C), f = σ(Xf + Hf + Pf⊙C), C' = f⊙C + i⊙tanh(Xc + Hc),
//	      o = σ(Xo + Ho + Po⊙C'), H' = o⊙tanh(C')
//	GRU:  z = σ(Xz + Hz), r = σ(Xr + Hr),
//	      h = tanh(Xh + (r⊙H)·Rhᵀ + Rbh)      (linear_before_reset = 0)
//	      h = tanh(Xh + r⊙(H·Rhᵀ + Rbh))      (linear_before_reset = 1, as torch exports it)
//	      H' = (1 − z)⊙h + z⊙H
//	RNN:  H' = tanh(X + H·Rᵀ)
//
// where Xg = x·Wgᵀ + Wbg (+ Rbg but for GRU's h) for the input x of the
// step. The input products of all steps are one matrix product per
// direction; each step then multiplies the state by Rᵀ. The activations
// must be the defaults (Sigmoid, Tanh, Tanh; Tanh for RNN) or Relu and
// HardSigmoid spelled out; clip bounds the pre-activations. sequence_lens
// must be absent or give every sequence the full length, and
// input_forget must be 0.
func buildRNN(kind rnnKind) func(c *nodeCtx) (kernel, error) {
	return func(c *nodeCtx) (kernel, error) {
		a := c.attrs()
		k := &rnn{kind: kind, hidden: int(a.Int("hidden_size", 0)), layout: int(a.Int("layout", 0)),
			lbr: a.Int("linear_before_reset", 0) != 0, clip: float64(a.Float("clip", 0)), workers: c.workers}
		if k.hidden < 1 {
			return nil, errors.New("the hidden_size attribute is required and must be positive")
		}
		switch dir := a.String("direction", "forward"); dir {
		case "forward":
			k.dirs = 1
		case "reverse":
			k.dirs, k.reverse = 1, true
		case "bidirectional":
			k.dirs = 2
		default:
			return nil, fmt.Errorf("direction %q is not one of forward, reverse, bidirectional", dir)
		}
		if k.layout != 0 && k.layout != 1 {
			return nil, fmt.Errorf("layout %d is not 0 or 1", k.layout)
		}
		if a.Int("input_forget", 0) != 0 {
			return nil, errors.New("input_forget=1 is not supported")
		}
		if k.clip < 0 {
			return nil, fmt.Errorf("clip %v must not be negative", k.clip)
		}
		if _, ok := a["activation_alpha"]; ok {
			return nil, errors.New("activation_alpha is not supported")
		}
		if _, ok := a["activation_beta"]; ok {
			return nil, errors.New("activation_beta is not supported")
		}
		defaults := [...][]string{{"Sigmoid", "Tanh", "Tanh"}, {"Sigmoid", "Tanh"}, {"Tanh"}}[kind]
		acts, _ := a["activations"].([]string)
		if acts == nil {
			for range k.dirs {
				acts = append(acts, defaults...)
			}
		}
		if len(acts) != len(defaults)*k.dirs {
			return nil, fmt.Errorf("activations %v must name %d functions per direction", acts, len(defaults))
		}
		for _, name := range acts {
			f, ok := rnnActivations[name]
			if !ok {
				return nil, fmt.Errorf("activation %q is not supported (Sigmoid, Tanh, Relu, HardSigmoid)", name)
			}
			k.acts = append(k.acts, f)
		}
		k.dir = make([]rnnDirection, k.dirs)
		for d := range k.dir {
			k.dir[d].pw.m, k.dir[d].pr.m, k.dir[d].prh.m = c.m, c.m, c.m
		}
		k.constW, k.constR = c.constInput(1) != nil, c.constInput(2) != nil
		k.m = c.m
		return k, nil
	}
}

// rnnActivations are the activation functions the recurrent operators
// may name. HardSigmoid takes ONNX's default alpha 0.2 and beta 0.5.
var rnnActivations = map[string]func(float64) float64{
	"Sigmoid":     func(x float64) float64 { return 1 / (1 + math.Exp(-x)) },
	"Tanh":        math.Tanh,
	"Relu":        func(x float64) float64 { return max(x, 0) },
	"HardSigmoid": func(x float64) float64 { return max(0, min(1, 0.2*x+0.5)) },
}

type rnn struct {
	kind       rnnKind
	hidden     int
	dirs       int
	reverse    bool
	layout     int
	lbr        bool    // GRU: linear_before_reset
	clip       float64 // 0: none
	acts       []func(float64) float64
	workers    int
	constW     bool
	constR     bool
	m          *meter
	dir        []rnnDirection
	xw, hr, rh []float32 // scratch: the input products, the state product, r⊙H
	h, cell    []float32 // scratch: the state of one direction
	n          int       // the batch of this run
	shapes     [3][]int
}

// rnnDirection holds the products of one direction, each with its B
// operand packed once when it is an initializer.
type rnnDirection struct {
	pw, pr, prh product // x·Wᵀ; H·Rᵀ (GRU with linear_before_reset = 0: H·R_zrᵀ); (r⊙H)·R_hᵀ
}

func (k *rnn) run(in, out []*Tensor) error {
	x, w, r := in[0], in[1], in[2]
	opt := func(i int) *Tensor {
		if i < len(in) {
			return in[i]
		}
		return nil
	}
	g, h := k.kind.gates(), k.hidden
	if x.IsInt() || len(x.Shape) != 3 {
		return fmt.Errorf("input X must be a 3-D float32 tensor, got %v", x.Shape)
	}
	steps, n, inSize := x.Shape[0], x.Shape[1], x.Shape[2]
	if k.layout == 1 {
		steps, n = n, steps
	}
	k.n = n
	for i, t := range []*Tensor{w, r} {
		cols := []int{inSize, h}[i]
		if t.IsInt() || !equalShape(t.Shape, []int{k.dirs, g * h, cols}) {
			return fmt.Errorf("%s must be a float32 tensor [%d %d %d] for input X %v, hidden_size %d, got %v",
				[]string{"W", "R"}[i], k.dirs, g*h, cols, x.Shape, h, t.Shape)
		}
	}
	bias := opt(3)
	if bias != nil && (bias.IsInt() || !equalShape(bias.Shape, []int{k.dirs, 2 * g * h})) {
		return fmt.Errorf("B must be a float32 tensor [%d %d], got %v", k.dirs, 2*g*h, bias.Shape)
	}
	if sl := opt(4); sl != nil {
		lens, err := ints(nil, sl, "sequence_lens (input 4)")
		if err != nil {
			return err
		}
		for _, l := range lens {
			if l != steps {
				return fmt.Errorf("sequence_lens %v: sequences shorter than the %d steps of X are not supported", lens, steps)
			}
		}
	}
	stateShape := []int{k.dirs, n, h}
	if k.layout == 1 {
		stateShape = []int{n, k.dirs, h}
	}
	init := []*Tensor{opt(5), opt(6)}
	for i, t := range init {
		if t != nil && (t.IsInt() || !equalShape(t.Shape, stateShape)) {
			return fmt.Errorf("%s must be a float32 tensor %v, got %v", []string{"initial_h", "initial_c"}[i], stateShape, t.Shape)
		}
	}
	peep := opt(7)
	if k.kind == rnnLSTM && peep != nil && (peep.IsInt() || !equalShape(peep.Shape, []int{k.dirs, 3 * h})) {
		return fmt.Errorf("P must be a float32 tensor [%d %d], got %v", k.dirs, 3*h, peep.Shape)
	}

	// Scratch, then the outputs.
	rows := steps * n
	if checkedNumel([]int{rows, g * h}) < 0 {
		return &BudgetError{What: "input products", Shape: []int{rows, g * h}, Need: math.MaxInt64}
	}
	for _, b := range []struct {
		buf  *[]float32
		n    int
		what string
	}{{&k.xw, rows * g * h, "input products"}, {&k.hr, n * g * h, "state products"},
		{&k.rh, n * h, "reset state"}, {&k.h, n * h, "hidden state"}, {&k.cell, n * h, "cell state"}} {
		if _, err := reserve(k.m, b.buf, b.n, b.what, nil); err != nil {
			return err
		}
	}
	for d := range k.dir {
		p := &k.dir[d]
		if err := p.pw.reserve(rows, g*h, inSize, k.constW); err != nil {
			return err
		}
		rg := g
		if k.kind == rnnGRU && !k.lbr {
			rg = 2
			if err := p.prh.reserve(n, h, h, k.constR); err != nil {
				return err
			}
		}
		if err := p.pr.reserve(n, rg*h, h, k.constR); err != nil {
			return err
		}
	}
	k.shapes[0] = []int{steps, k.dirs, n, h}
	if k.layout == 1 {
		k.shapes[0] = []int{n, steps, k.dirs, h}
	}
	k.shapes[1], k.shapes[2] = stateShape, stateShape
	var ys [3][]float32
	var dry error
	for i := range out {
		y, err := out[i].setFloat(k.shapes[i]...)
		if errors.Is(err, errDry) {
			dry = err
		} else if err != nil {
			return err
		}
		ys[i] = y
	}
	if dry != nil || rows == 0 {
		return dry
	}
	for d := 0; d < k.dirs; d++ {
		k.direction(d, x, w, r, bias, init, peep, steps, n, inSize, ys)
	}
	return nil
}

// direction runs direction d over all steps and writes its part of Y,
// Y_h and Y_c.
func (k *rnn) direction(d int, x, w, r, bias *Tensor, init []*Tensor, peep *Tensor, steps, n, inSize int, ys [3][]float32) {
	g, h := k.kind.gates(), k.hidden
	gh := g * h
	p := &k.dir[d]
	rows := steps * n
	xw, hr := k.xw[:rows*gh], k.hr[:n*gh]
	hs, cs := k.h[:n*h], k.cell[:n*h]
	acts := k.acts[d*len(k.acts)/k.dirs:]

	// The input products x·Wᵀ of every step at once, over the rows of X
	// in their stored order, plus the biases that do not wait for the
	// state.
	var wb, rb []float32
	if bias != nil {
		wb, rb = bias.Data[d*2*gh:d*2*gh+gh], bias.Data[d*2*gh+gh:(d+1)*2*gh]
	}
	for row := 0; row < rows; row++ {
		dst := xw[row*gh : (row+1)*gh]
		clear(dst)
		if wb == nil {
			continue
		}
		for j := range dst {
			dst[j] = wb[j]
			if k.kind != rnnGRU || j < 2*h {
				dst[j] += rb[j]
			}
		}
	}
	wd := w.Data[d*gh*inSize : (d+1)*gh*inSize]
	p.pw.run(k.workers, false, true, k.constW, true, rows, gh, inSize, 1, x.Data, inSize, wd, inSize, xw)
	rd := r.Data[d*gh*h : (d+1)*gh*h]

	// The initial state.
	state := func(t *Tensor, dst []float32) {
		for b := 0; b < n; b++ {
			row := dst[b*h : (b+1)*h]
			if t == nil {
				clear(row)
				continue
			}
			copy(row, t.Data[k.stateOffset(d, b):])
		}
	}
	state(init[0], hs)
	state(init[1], cs)

	reverse := k.reverse || d == 1
	for s := 0; s < steps; s++ {
		t := s
		if reverse {
			t = steps - 1 - s
		}
		// The state products.
		switch {
		case k.kind == rnnGRU && !k.lbr:
			p.pr.run(k.workers, false, true, k.constR, false, n, 2*h, h, 1, hs, h, rd[:2*h*h], h, hr[:n*2*h])
		default:
			p.pr.run(k.workers, false, true, k.constR, false, n, gh, h, 1, hs, h, rd, h, hr)
		}
		for b := 0; b < n; b++ {
			xrow := xw[k.xRow(t, b, steps, n)*gh:][:gh]
			var hrow []float32
			if k.kind == rnnGRU && !k.lbr {
				hrow = hr[b*2*h : (b+1)*2*h]
			} else {
				hrow = hr[b*gh : (b+1)*gh]
			}
			k.cellStep(d, b, xrow, hrow, hs[b*h:(b+1)*h], cs[b*h:(b+1)*h], rb, peep, acts)
		}
		if k.kind == rnnGRU && !k.lbr {
			// h = tanh(Xh + (r⊙H)·Rhᵀ + Rbh): r⊙H was left in k.rh by
			// cellStep; the product completes the candidate state.
			hh := hr[:n*h]
			p.prh.run(k.workers, false, true, k.constR, false, n, h, h, 1, k.rh[:n*h], h, rd[2*h*h:3*h*h], h, hh)
			for b := 0; b < n; b++ {
				xrow := xw[k.xRow(t, b, steps, n)*gh:][:gh]
				k.gruFinish(b, xrow, hh[b*h:(b+1)*h], hs[b*h:(b+1)*h], rb, acts)
			}
		}
		for b := 0; b < n; b++ {
			copy(ys[0][k.yOffset(t, d, b, steps, n):][:h], hs[b*h:(b+1)*h])
		}
	}
	for b := 0; b < n; b++ {
		if ys[1] != nil {
			copy(ys[1][k.stateOffset(d, b):][:h], hs[b*h:(b+1)*h])
		}
		if ys[2] != nil && k.kind == rnnLSTM {
			copy(ys[2][k.stateOffset(d, b):][:h], cs[b*h:(b+1)*h])
		}
	}
}

// xRow is the row of X (and of the input products) of step t, sample b.
func (k *rnn) xRow(t, b, steps, n int) int {
	if k.layout == 1 {
		return b*steps + t
	}
	return t*n + b
}

// yOffset is the offset of step t, direction d, sample b in Y.
func (k *rnn) yOffset(t, d, b, steps, n int) int {
	if k.layout == 1 {
		return ((b*steps+t)*k.dirs + d) * k.hidden
	}
	return ((t*k.dirs+d)*n + b) * k.hidden
}

// stateOffset is the offset of direction d, sample b in a state tensor.
func (k *rnn) stateOffset(d, b int) int {
	if k.layout == 1 {
		return (b*k.dirs + d) * k.hidden
	}
	return (d*k.n + b) * k.hidden
}

// pre clips a pre-activation when clip is set.
func (k *rnn) pre(v float64) float64 {
	if k.clip > 0 {
		return min(max(v, -k.clip), k.clip)
	}
	return v
}

// cellStep advances sample b by one step: xrow holds its input products
// (with biases), hrow its state products, hs and cs its state.
func (k *rnn) cellStep(d, b int, xrow, hrow, hs, cs, rb []float32, peep *Tensor, acts []func(float64) float64) {
	h := k.hidden
	switch k.kind {
	case rnnPlain:
		for j := 0; j < h; j++ {
			hs[j] = float32(acts[0](k.pre(float64(xrow[j]) + float64(hrow[j]))))
		}
	case rnnLSTM:
		var pi, po, pf []float32
		if peep != nil {
			pp := peep.Data[d*3*h : (d+1)*3*h]
			pi, po, pf = pp[:h], pp[h:2*h], pp[2*h:]
		}
		f, gf, hf := acts[0], acts[1], acts[2]
		for j := 0; j < h; j++ {
			c := float64(cs[j])
			gi := float64(xrow[j]) + float64(hrow[j])
			gO := float64(xrow[h+j]) + float64(hrow[h+j])
			gF := float64(xrow[2*h+j]) + float64(hrow[2*h+j])
			gc := float64(xrow[3*h+j]) + float64(hrow[3*h+j])
			if pi != nil {
				gi += float64(pi[j]) * c
				gF += float64(pf[j]) * c
			}
			ig := f(k.pre(gi))
			fg := f(k.pre(gF))
			c = fg*c + ig*gf(k.pre(gc))
			if po != nil {
				gO += float64(po[j]) * c
			}
			og := f(k.pre(gO))
			cs[j] = float32(c)
			hs[j] = float32(og * hf(c))
		}
	case rnnGRU:
		f, gf := acts[0], acts[1]
		for j := 0; j < h; j++ {
			z := f(k.pre(float64(xrow[j]) + float64(hrow[j])))
			rg := f(k.pre(float64(xrow[h+j]) + float64(hrow[h+j])))
			if !k.lbr {
				// The candidate needs (r⊙H)·Rhᵀ, a product over all of H:
				// keep r⊙H and z (in cs) for gruFinish.
				k.rh[b*h+j] = float32(rg * float64(hs[j]))
				cs[j] = float32(z)
				continue
			}
			rbh := 0.0
			if rb != nil {
				rbh = float64(rb[2*h+j])
			}
			cand := gf(k.pre(float64(xrow[2*h+j]) + rg*(float64(hrow[2*h+j])+rbh)))
			hs[j] = float32((1-z)*cand + z*float64(hs[j]))
		}
	}
}

// gruFinish completes a GRU step with linear_before_reset = 0: hh holds
// (r⊙H)·Rhᵀ for sample b and cs its update gate z.
func (k *rnn) gruFinish(b int, xrow, hh, hs, rb []float32, acts []func(float64) float64) {
	h := k.hidden
	cs := k.cell[b*h : (b+1)*h]
	for j := 0; j < h; j++ {
		v := float64(xrow[2*h+j]) + float64(hh[j])
		if rb != nil {
			v += float64(rb[2*h+j])
		}
		z := float64(cs[j])
		hs[j] = float32((1-z)*acts[1](k.pre(v)) + z*float64(hs[j]))
	}
}
