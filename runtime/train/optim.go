package train

import "math"

// optimizer updates the weights from their gradients, in place. The
// updates follow PyTorch's torch.optim formulas exactly (in float32 per
// element, with the bias corrections computed in float64), so that the
// same hyper-parameters mean the same thing in both.
type optimizer interface {
	step(params []*param, grads [][]float32)
}

func newOptimizer(c Config, params []*param) optimizer {
	state := func() [][]float32 {
		s := make([][]float32, len(params))
		for i, p := range params {
			s[i] = make([]float32, len(p.data))
		}
		return s
	}
	if c.Optimizer == "sgd" {
		o := &sgd{lr: float32(c.LR), momentum: float32(c.Momentum)}
		if c.Momentum != 0 {
			o.buf = state()
		}
		return o
	}
	return &adam{lr: c.LR, beta1: 0.9, beta2: 0.999, eps: 1e-8, m: state(), v: state()}
}

// sgd is stochastic gradient descent with optional momentum:
//
//	b ← μ·b + g (b = g at the first step)   w ← w − η·b
type sgd struct {
	lr, momentum float32
	buf          [][]float32
	started      bool
}

func (o *sgd) step(params []*param, grads [][]float32) {
	for i, p := range params {
		g := grads[i]
		if o.buf == nil {
			for j := range p.data {
				p.data[j] -= o.lr * g[j]
			}
			continue
		}
		b := o.buf[i]
		for j := range p.data {
			if o.started {
				b[j] = o.momentum*b[j] + g[j]
			} else {
				b[j] = g[j]
			}
			p.data[j] -= o.lr * b[j]
		}
	}
	o.started = true
}

// adam is Adam (Kingma & Ba 2015) in PyTorch's form:
//
//	m ← β₁m + (1−β₁)g   v ← β₂v + (1−β₂)g²
//	w ← w − (η/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε)
type adam struct {
	lr, beta1, beta2, eps float64
	m, v                  [][]float32
	t                     int
}

func (o *adam) step(params []*param, grads [][]float32) {
	o.t++
	bc1 := 1 - math.Pow(o.beta1, float64(o.t))
	bc2 := 1 - math.Pow(o.beta2, float64(o.t))
	stepSize := float32(o.lr / bc1)
	sqrtBC2 := float32(math.Sqrt(bc2))
	b1, b2, eps := float32(o.beta1), float32(o.beta2), float32(o.eps)
	for i, p := range params {
		g, m, v := grads[i], o.m[i], o.v[i]
		for j := range p.data {
			m[j] = b1*m[j] + (1-b1)*g[j]
			v[j] = b2*v[j] + (1-b2)*g[j]*g[j]
			denom := float32(math.Sqrt(float64(v[j])))/sqrtBC2 + eps
			p.data[j] -= stepSize * m[j] / denom
		}
	}
}
