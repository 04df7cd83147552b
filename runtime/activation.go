package runtime

import (
	"fmt"
	"math"

	gemmkernel "cxray/runtime/internal/kernel"
)

// unOp is an elementwise activation.
type unOp int

const (
	unRelu unOp = iota
	unLeakyRelu
	unSigmoid
	unTanh
	unClip
)

func buildUnary(op unOp) func(c *nodeCtx) (kernel, error) {
	return func(c *nodeCtx) (kernel, error) {
		return &unary{op: op, alpha: c.attrs().Float("alpha", 0.01), workers: c.workers}, nil
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
	op      unOp
	workers int
	alpha   float32 // LeakyRelu slope
	lo, hi  float32 // Clip bounds (attributes)
}

func (k *unary) run(in, out []*Tensor) error {
	x := in[0]
	if x.IsInt() {
		return fmt.Errorf("input must be float32, got int64 %v", x.Shape)
	}
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

// apply computes one chunk; lo and hi are Clip's bounds.
func (k *unary) apply(dst, src []float32, lo, hi float32) {
	src = src[:len(dst)]
	switch k.op {
	case unRelu:
		gemmkernel.Relu(dst, src)
	case unLeakyRelu:
		a := k.alpha
		for i, v := range src {
			if v < 0 {
				v *= a
			}
			dst[i] = v
		}
	case unSigmoid:
		// In float64: exp(-v) overflows float32 for v < -88, and the
		// float64 form matches PyTorch to the last bit or so.
		for i, v := range src {
			dst[i] = float32(1 / (1 + math.Exp(-float64(v))))
		}
	case unTanh:
		for i, v := range src {
			dst[i] = float32(math.Tanh(float64(v)))
		}
	case unClip:
		for i, v := range src {
			dst[i] = min(max(v, lo), hi)
		}
	}
}
