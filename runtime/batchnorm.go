package runtime

import (
	"fmt"
	"math"
)

// buildBatchNorm compiles inference-mode batch normalization,
// y = (x − mean)/sqrt(var + ε)·scale + B, folded into y = x·a + b per
// channel (axis 1). With constant parameters a and b are computed once.
func buildBatchNorm(c *nodeCtx) (kernel, error) {
	a := c.attrs()
	if a.Int("spatial", 1) == 0 {
		return nil, fmt.Errorf("spatial=0 (per-activation statistics) is not supported")
	}
	if a.Int("training_mode", 0) != 0 {
		return nil, fmt.Errorf("training_mode=1 is not supported; export the model in eval mode")
	}
	k := &batchNorm{eps: float64(a.Float("epsilon", 1e-5)), workers: c.workers}
	if p := c.consts[1:]; p[0] != nil && p[1] != nil && p[2] != nil && p[3] != nil {
		if err := k.fold(p[0], p[1], p[2], p[3]); err != nil {
			return nil, err
		}
		k.folded = true
	}
	return k, nil
}

type batchNorm struct {
	eps     float64
	folded  bool
	a, b    []float32
	workers int
}

// fold computes the per-channel affine map from the four parameters.
func (k *batchNorm) fold(scale, bias, mean, variance *Tensor) error {
	c := scale.Len()
	for i, t := range []*Tensor{scale, bias, mean, variance} {
		if t.IsInt() || len(t.Shape) != 1 || t.Shape[0] != c {
			return fmt.Errorf("scale, B, mean and var must be float32 vectors of the same length; %s has shape %v and scale %v",
				[]string{"scale", "B", "mean", "var"}[i], t.Shape, scale.Shape)
		}
	}
	k.a, k.b = k.a[:0], k.b[:0]
	for i := 0; i < c; i++ {
		a := float64(scale.Data[i]) / math.Sqrt(float64(variance.Data[i])+k.eps)
		k.a = append(k.a, float32(a))
		k.b = append(k.b, float32(float64(bias.Data[i])-float64(mean.Data[i])*a))
	}
	return nil
}

func (k *batchNorm) run(in, out []*Tensor) error {
	x := in[0]
	if !k.folded {
		if err := k.fold(in[1], in[2], in[3], in[4]); err != nil {
			return err
		}
	}
	if x.IsInt() || len(x.Shape) < 2 {
		return fmt.Errorf("input X must be a float32 tensor [N, C, ...], got shape %v", x.Shape)
	}
	n, c := x.Shape[0], x.Shape[1]
	if c != len(k.a) {
		return fmt.Errorf("input X %v has %d channels but the parameters have %d", x.Shape, c, len(k.a))
	}
	inner := numel(x.Shape[2:])
	y, err := out[0].setFloat(x.Shape...)
	if err != nil {
		return err
	}
	// One plane (sample, channel) per item, split across workers like the
	// activations.
	parallelFor(n*c, splitFor(n*c, 2*inner, k.workers), func(_, lo, hi int) {
		for p := lo; p < hi; p++ {
			ch := p % c
			a, b := k.a[ch], k.b[ch]
			src, dst := x.Data[p*inner:(p+1)*inner], y[p*inner:(p+1)*inner]
			for i, v := range src {
				dst[i] = v*a + b
			}
		}
	})
	return nil
}
