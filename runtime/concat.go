package runtime

import (
	"fmt"
	"strings"
)

// buildConcat joins its inputs along axis (required; negative from opset
// 11). The inputs are all float32 or all int64.
func buildConcat(c *nodeCtx) (kernel, error) {
	if _, ok := c.attrs()["axis"]; !ok {
		return nil, fmt.Errorf("the axis attribute is required")
	}
	return &concat{axis: int(c.attrs().Int("axis", 0))}, nil
}

type concat struct {
	axis  int
	shape []int
}

func (k *concat) run(in, out []*Tensor) error {
	first := in[0]
	r := len(first.Shape)
	if r == 0 {
		return fmt.Errorf("inputs must have at least one axis; input 0 is a scalar")
	}
	ax, err := normAxis(k.axis, r, "axis")
	if err != nil {
		return fmt.Errorf("%v (input 0 %v)", err, first.Shape)
	}
	k.shape = append(k.shape[:0], first.Shape...)
	k.shape[ax] = 0
	for _, t := range in {
		ok := t.IsInt() == first.IsInt() && len(t.Shape) == r
		for i := 0; ok && i < r; i++ {
			ok = i == ax || t.Shape[i] == first.Shape[i]
		}
		if !ok {
			return fmt.Errorf("inputs must have the same type and agree on every axis but %d; got %s", ax, describe(in))
		}
		k.shape[ax] += t.Shape[ax]
	}
	outer, inner := numel(first.Shape[:ax]), numel(first.Shape[ax+1:])
	if first.IsInt() {
		dst, err := out[0].setInt(k.shape...)
		if err != nil {
			return err
		}
		concatInto(dst, in, outer, ax, inner, func(t *Tensor) []int64 { return t.Int })
		return nil
	}
	dst, err := out[0].setFloat(k.shape...)
	if err != nil {
		return err
	}
	concatInto(dst, in, outer, ax, inner, func(t *Tensor) []float32 { return t.Data })
	return nil
}

// concatInto copies, for each index of the outer axes, each input's
// block of shape[axis]·inner elements in turn.
func concatInto[T number](dst []T, in []*Tensor, outer, ax, inner int, data func(*Tensor) []T) {
	p := 0
	for o := 0; o < outer; o++ {
		for _, t := range in {
			n := t.Shape[ax] * inner
			p += copy(dst[p:p+n], data(t)[o*n:(o+1)*n])
		}
	}
}

// describe lists tensors' types and shapes for an error message.
func describe(ts []*Tensor) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		typ := "float32"
		if t.IsInt() {
			typ = "int64"
		}
		parts[i] = fmt.Sprintf("%s %v", typ, t.Shape)
	}
	return strings.Join(parts, ", ")
}
