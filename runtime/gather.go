package runtime

import "fmt"

// buildGather: out = data indexed along axis by indices, whose shape
// replaces that axis: [data[:axis]..., indices..., data[axis+1:]...].
// Data may be float32 (a tap) or int64 (shape arithmetic, as in
// Shape → Gather → Unsqueeze → Concat → Reshape).
func buildGather(c *nodeCtx) (kernel, error) {
	return &gather{axis: int(c.attrs().Int("axis", 0))}, nil
}

type gather struct {
	axis  int
	shape []int
}

func (k *gather) run(in, out []*Tensor) error {
	x, ind := in[0], in[1]
	if !ind.IsInt() && ind.Len() != 0 {
		return fmt.Errorf("indices must be an integer tensor, got float32 %v", ind.Shape)
	}
	if len(x.Shape) == 0 {
		return fmt.Errorf("data must have at least one axis, got a scalar")
	}
	ax, err := normAxis(k.axis, len(x.Shape), "axis")
	if err != nil {
		return fmt.Errorf("%v (data %v)", err, x.Shape)
	}
	d := x.Shape[ax]
	for _, v := range ind.Int {
		if v < -int64(d) || v >= int64(d) {
			return fmt.Errorf("index %d is out of range for axis %d of data %v: for an embedding table, the token ids must be below its %d rows (tokenize with the vocabulary the model was trained with)", v, ax, x.Shape, d)
		}
	}
	k.shape = append(append(append(k.shape[:0], x.Shape[:ax]...), ind.Shape...), x.Shape[ax+1:]...)
	outer, inner := numel(x.Shape[:ax]), numel(x.Shape[ax+1:])
	if x.IsInt() {
		dst, err := out[0].setInt(k.shape...)
		if err != nil {
			return err
		}
		gatherInto(dst, x.Int, ind.Int, outer, d, inner)
		return nil
	}
	dst, err := out[0].setFloat(k.shape...)
	if err != nil {
		return err
	}
	gatherInto(dst, x.Data, ind.Int, outer, d, inner)
	return nil
}

func gatherInto[T number](dst, src []T, ind []int64, outer, d, inner int) {
	p := 0
	for o := 0; o < outer; o++ {
		for _, v := range ind {
			i := int(v)
			if i < 0 {
				i += d
			}
			s := (o*d + i) * inner
			p += copy(dst[p:p+inner], src[s:s+inner])
		}
	}
}
