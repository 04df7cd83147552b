package runtime

import (
	"fmt"
	"math"

	gemmkernel "cxray/runtime/internal/kernel"
)

// unOp is an elementwise operator of one input: the activations and the
// elementwise math of exported graphs (GELU's Erf, LayerNorm's Sqrt, ...).
type unOp int

const (
	unRelu unOp = iota
	unLeakyRelu
	unSigmoid
	unTanh
	unClip
	unHardSigmoid // max(0, min(1, alpha·x + beta))
	unHardSwish   // x·max(0, min(1, x/6 + 1/2))
	unElu         // x ≥ 0 ? x : alpha·(exp(x) − 1)
	unSelu        // gamma·(x > 0 ? x : alpha·(exp(x) − 1))
	unCelu        // max(0, x) + min(0, alpha·(exp(x/alpha) − 1))
	unSoftplus    // log(1 + exp(x))
	unSoftsign    // x / (1 + |x|)
	unGelu        // x·Φ(x), or its tanh approximation
	unErf
	unExp
	unLog
	unSqrt
	unReciprocal
	unNeg
	unAbs
	unFloor
	unCeil
	unRound // half to even, as numpy and ONNX
	unSign
	unSin
	unCos
	unNot // logical not of a bool (int64 0/1) tensor
)

// unaryDefaults are each operator's attributes and their ONNX defaults.
var unaryDefaults = map[unOp][2]float32{
	unLeakyRelu:   {0.01, 0},
	unHardSigmoid: {0.2, 0.5},
	unElu:         {1, 0},
	unSelu:        {1.67326319217681884765625, 1.05070102214813232421875}, // alpha, gamma
	unCelu:        {1, 0},
}

func buildUnary(op unOp) func(c *nodeCtx) (kernel, error) {
	return func(c *nodeCtx) (kernel, error) {
		k := &unary{op: op, workers: c.workers}
		d := unaryDefaults[op]
		a := c.attrs()
		k.alpha = a.Float("alpha", d[0])
		switch op {
		case unHardSigmoid:
			k.beta = a.Float("beta", d[1])
		case unSelu:
			k.beta = a.Float("gamma", d[1])
		case unCelu:
			if k.alpha == 0 {
				return nil, fmt.Errorf("alpha must not be 0")
			}
		case unGelu:
			switch ap := a.String("approximate", "none"); ap {
			case "none":
			case "tanh":
				k.tanh = true
			default:
				return nil, fmt.Errorf("approximate %q is not supported (none, tanh)", ap)
			}
		}
		return k, nil
	}
}

// buildClip reads min and max from attributes before opset 11 and from
// the optional inputs 1 and 2 from opset 11 on.
func buildClip(c *nodeCtx) (kernel, error) {
	k := &unary{op: unClip, lo: float32(math.Inf(-1)), hi: float32(math.Inf(1)), workers: c.workers}
	if c.opset < 11 {
		if len(c.node.Inputs) > 1 {
			return nil, fmt.Errorf("min and max are attributes before opset 11, but the node (opset %d) has %d inputs", c.opset, len(c.node.Inputs))
		}
		k.lo = c.attrs().Float("min", k.lo)
		k.hi = c.attrs().Float("max", k.hi)
	}
	return k, nil
}

type unary struct {
	op          unOp
	workers     int
	alpha, beta float32 // LeakyRelu, HardSigmoid, Elu, Selu (beta: gamma), Celu
	tanh        bool    // Gelu: the tanh approximation
	lo, hi      float32 // Clip bounds (attributes)
}

// intUnary are the operators that also take int64 tensors (shape
// arithmetic and bool masks); they keep the element type.
var intUnary = map[unOp]bool{unNeg: true, unAbs: true, unNot: true, unSign: true, unRelu: true,
	unFloor: true, unCeil: true, unRound: true}

func (k *unary) run(in, out []*Tensor) error {
	x := in[0]
	lo, hi := k.lo, k.hi
	if k.op == unClip {
		var err error
		if len(in) > 1 && in[1] != nil {
			if lo, err = scalar(in[1], "min"); err != nil {
				return err
			}
		}
		if len(in) > 2 && in[2] != nil {
			if hi, err = scalar(in[2], "max"); err != nil {
				return err
			}
		}
	}
	if x.IsInt() {
		if !intUnary[k.op] {
			return fmt.Errorf("input must be float32, got int64 %v", x.Shape)
		}
		dst, err := out[0].setInt(x.Shape...)
		if err != nil {
			return err
		}
		k.applyInt(dst, x.Int)
		return nil
	}
	if k.op == unNot {
		return fmt.Errorf("input must be a bool tensor, got float32 %v", x.Shape)
	}
	dst, err := out[0].setFloat(x.Shape...)
	if err != nil {
		return err
	}
	// Elementwise work is memory-bound, but large activations still gain
	// from the second core.
	parallelFor(len(dst), splitFor(len(dst), 4, k.workers), func(_, i, j int) {
		k.apply(dst[i:j], x.Data[i:j], lo, hi)
	})
	return nil
}

func (k *unary) applyInt(dst, src []int64) {
	for i, v := range src {
		switch k.op {
		case unNeg:
			v = -v
		case unAbs:
			if v < 0 {
				v = -v
			}
		case unNot:
			v = int64(b2i(v == 0))
		case unSign:
			v = int64(b2i(v > 0) - b2i(v < 0))
		case unRelu:
			v = max(v, 0)
		}
		dst[i] = v
	}
}

// apply computes one chunk; lo and hi are Clip's bounds. The
// transcendental functions are evaluated in float64: exp(-v) overflows
// float32 for v < -88, and the float64 forms match PyTorch to about the
// last bit.
func (k *unary) apply(dst, src []float32, lo, hi float32) {
	src = src[:len(dst)]
	a, b := k.alpha, k.beta
	switch k.op {
	case unRelu:
		gemmkernel.Relu(dst, src)
	case unLeakyRelu:
		for i, v := range src {
			if v < 0 {
				v *= a
			}
			dst[i] = v
		}
	case unSigmoid:
		// exp(−x) in float32 to about an ulp, then 1/(1 + e): a few ulp
		// from the float64 form, far inside PyTorch's own rounding.
		gemmkernel.ExpAffine(dst, src, -1, 0)
		for i, e := range dst {
			dst[i] = 1 / (1 + e)
		}
	case unTanh:
		for i, v := range src {
			dst[i] = float32(math.Tanh(float64(v)))
		}
	case unClip:
		gemmkernel.Clamp(dst, src, lo, hi)
	case unHardSigmoid:
		for i, v := range src {
			dst[i] = max(0, min(1, a*v+b))
		}
	case unHardSwish:
		for i, v := range src {
			dst[i] = v * max(0, min(1, v/6+0.5))
		}
	case unElu:
		for i, v := range src {
			if v < 0 {
				v = float32(float64(a) * math.Expm1(float64(v)))
			}
			dst[i] = v
		}
	case unSelu:
		for i, v := range src {
			if v <= 0 {
				v = float32(float64(a) * math.Expm1(float64(v)))
			}
			dst[i] = b * v
		}
	case unCelu:
		for i, v := range src {
			if v < 0 {
				v = float32(float64(a) * math.Expm1(float64(v)/float64(a)))
			}
			dst[i] = v
		}
	case unSoftplus:
		for i, v := range src {
			dst[i] = float32(softplus(float64(v)))
		}
	case unSoftsign:
		for i, v := range src {
			dst[i] = v / (1 + abs32(v))
		}
	case unGelu:
		if k.tanh {
			const c = 0.7978845608028654 // √(2/π)
			for i, v := range src {
				x := float64(v)
				dst[i] = float32(0.5 * x * (1 + math.Tanh(c*(x+0.044715*x*x*x))))
			}
			break
		}
		gemmkernel.Erf(dst, src, 1/math.Sqrt2)
		for i, v := range src {
			dst[i] = 0.5 * v * (1 + dst[i])
		}
	case unErf:
		// Within 3e-7 of the exact value (kernel.Erf), eight at a time.
		gemmkernel.Erf(dst, src, 1)
	case unExp:
		for i, v := range src {
			dst[i] = float32(math.Exp(float64(v)))
		}
	case unLog:
		for i, v := range src {
			dst[i] = float32(math.Log(float64(v)))
		}
	case unSqrt:
		for i, v := range src {
			dst[i] = float32(math.Sqrt(float64(v)))
		}
	case unReciprocal:
		for i, v := range src {
			dst[i] = 1 / v
		}
	case unNeg:
		for i, v := range src {
			dst[i] = -v
		}
	case unAbs:
		for i, v := range src {
			dst[i] = abs32(v)
		}
	case unFloor:
		for i, v := range src {
			dst[i] = float32(math.Floor(float64(v)))
		}
	case unCeil:
		for i, v := range src {
			dst[i] = float32(math.Ceil(float64(v)))
		}
	case unRound:
		for i, v := range src {
			dst[i] = float32(math.RoundToEven(float64(v)))
		}
	case unSign:
		for i, v := range src {
			switch {
			case v > 0:
				v = 1
			case v < 0:
				v = -1
			}
			dst[i] = v // 0 stays 0 and NaN stays NaN
		}
	case unSin:
		for i, v := range src {
			dst[i] = float32(math.Sin(float64(v)))
		}
	case unCos:
		for i, v := range src {
			dst[i] = float32(math.Cos(float64(v)))
		}
	}
}

// softplus is log(1 + exp(x)) without overflow for large x.
func softplus(x float64) float64 {
	if x > 30 {
		return x + math.Exp(-x)
	}
	return math.Log1p(math.Exp(x))
}

func abs32(v float32) float32 { return math.Float32frombits(math.Float32bits(v) &^ (1 << 31)) }
