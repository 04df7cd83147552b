package runtime

import (
	"fmt"
	"math"
)

// The normalizations standardize groups of values by their own mean and
// (biased) variance, y = (x − mean)/√(var + ε), then scale and shift:
// LayerNormalization over the trailing axes from axis on, with an
// elementwise scale and bias; InstanceNormalization over each channel's
// spatial values and GroupNormalization over each group of channels, both
// with a scale and bias per channel (per group in GroupNormalization
// before opset 21). The statistics are computed in float64, two passes.

// buildLayerNorm compiles LayerNormalization (opset 17). Only Y is
// computed; the Mean and InvStdDev outputs are for training.
func buildLayerNorm(c *nodeCtx) (kernel, error) {
	a := c.attrs()
	return &layerNorm{axis: int(a.Int("axis", -1)), eps: float64(a.Float("epsilon", 1e-5)), workers: c.workers}, nil
}

type layerNorm struct {
	axis    int
	eps     float64
	workers int
}

func (k *layerNorm) run(in, out []*Tensor) error {
	x, scale := in[0], in[1]
	var bias *Tensor
	if len(in) > 2 {
		bias = in[2]
	}
	if x.IsInt() || len(x.Shape) == 0 {
		return fmt.Errorf("input X must be a float32 tensor of rank at least 1, got %v", x.Shape)
	}
	ax, err := normAxis(k.axis, len(x.Shape), "axis")
	if err != nil {
		return fmt.Errorf("%v (input X %v)", err, x.Shape)
	}
	n := numel(x.Shape[ax:])
	for i, t := range []*Tensor{scale, bias} {
		if t != nil && (t.IsInt() || t.Len() != n && t.Len() != 1) {
			return fmt.Errorf("%s %v must hold the %d values of X's normalized axes %v", []string{"Scale", "B"}[i], t.Shape, n, x.Shape[ax:])
		}
	}
	dst, err := out[0].setFloat(x.Shape...)
	if err != nil || n == 0 {
		return err
	}
	rows := len(dst) / n
	parallelFor(rows, splitFor(rows, 4*n, k.workers), func(_, lo, hi int) {
		for r := lo; r < hi; r++ {
			src, y := x.Data[r*n:(r+1)*n], dst[r*n:(r+1)*n]
			mean, inv := moments(src, k.eps)
			for j, v := range src {
				y[j] = float32((float64(v) - mean) * inv)
			}
			affine(y, scale, bias)
		}
	})
	return nil
}

// moments returns the mean of src and 1/√(var + eps).
func moments(src []float32, eps float64) (mean, inv float64) {
	var s float64
	for _, v := range src {
		s += float64(v)
	}
	mean = s / float64(len(src))
	var ss float64
	for _, v := range src {
		d := float64(v) - mean
		ss += d * d
	}
	return mean, 1 / math.Sqrt(ss/float64(len(src))+eps)
}

// affine sets y = y·scale + bias elementwise; a one-value scale or bias
// broadcasts, and a nil one is 1 or 0.
func affine(y []float32, scale, bias *Tensor) {
	switch {
	case scale != nil && len(scale.Data) == len(y):
		s := scale.Data[:len(y)]
		for j := range y {
			y[j] *= s[j]
		}
	case scale != nil:
		s := scale.Data[0]
		for j := range y {
			y[j] *= s
		}
	}
	switch {
	case bias != nil && len(bias.Data) == len(y):
		b := bias.Data[:len(y)]
		for j := range y {
			y[j] += b[j]
		}
	case bias != nil:
		b := bias.Data[0]
		for j := range y {
			y[j] += b
		}
	}
}

// buildInstanceNorm compiles InstanceNormalization: X [N, C, spatial...],
// scale and B [C].
func buildInstanceNorm(c *nodeCtx) (kernel, error) {
	return &groupNorm{instance: true, eps: float64(c.attrs().Float("epsilon", 1e-5)), workers: c.workers}, nil
}

// buildGroupNorm compiles GroupNormalization (opset 18): the channels in
// num_groups groups; scale and bias hold one value per group before opset
// 21 and one per channel from 21.
func buildGroupNorm(c *nodeCtx) (kernel, error) {
	a := c.attrs()
	g := a.Int("num_groups", 0)
	if g < 1 {
		return nil, fmt.Errorf("num_groups must be given and positive, got %d", g)
	}
	return &groupNorm{groups: int(g), perGroup: c.opset < 21, eps: float64(a.Float("epsilon", 1e-5)), workers: c.workers}, nil
}

type groupNorm struct {
	instance bool // one group per channel, affine per channel
	groups   int
	perGroup bool // scale and bias per group (GroupNormalization-18)
	eps      float64
	workers  int
}

func (k *groupNorm) run(in, out []*Tensor) error {
	x, scale, bias := in[0], in[1], in[2]
	if x.IsInt() || len(x.Shape) < 2 {
		return fmt.Errorf("input X must be a float32 tensor [N, C, ...], got shape %v", x.Shape)
	}
	c := x.Shape[1]
	groups := k.groups
	if k.instance {
		groups = c
	}
	if c%groups != 0 {
		return fmt.Errorf("input X %v: %d channels do not split into %d groups", x.Shape, c, groups)
	}
	params := c
	if k.perGroup {
		params = groups
	}
	for i, t := range []*Tensor{scale, bias} {
		if t.IsInt() || t.Len() != params {
			return fmt.Errorf("%s %v must hold %d values, one per %s", []string{"scale", "bias"}[i], t.Shape, params,
				map[bool]string{true: "group", false: "channel"}[k.perGroup])
		}
	}
	dst, err := out[0].setFloat(x.Shape...)
	if err != nil {
		return err
	}
	spatial := numel(x.Shape[2:])
	per := c / groups * spatial // values per group
	units := x.Shape[0] * groups
	if per == 0 {
		return nil
	}
	parallelFor(units, splitFor(units, 4*per, k.workers), func(_, lo, hi int) {
		for u := lo; u < hi; u++ {
			src, y := x.Data[u*per:(u+1)*per], dst[u*per:(u+1)*per]
			mean, inv := moments(src, k.eps)
			g := u % groups
			for j, v := range src {
				p := g
				if !k.perGroup {
					p = g*(c/groups) + j/spatial
				}
				y[j] = float32((float64(v)-mean)*inv)*scale.Data[p] + bias.Data[p]
			}
		}
	})
	return nil
}
