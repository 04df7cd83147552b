package runtime

// buildShape: the output is the input's shape as int64, sliced by the
// start and end attributes of opset 15 (defaults: the whole shape).
func buildShape(c *nodeCtx) (kernel, error) {
	a := c.attrs()
	_, hasEnd := a["end"]
	return &shapeOp{start: int(a.Int("start", 0)), end: int(a.Int("end", 0)), hasEnd: hasEnd}, nil
}

type shapeOp struct {
	start, end int
	hasEnd     bool
}

func (k *shapeOp) run(in, out []*Tensor) error {
	s := in[0].Shape
	r := len(s)
	clamp := func(v int) int {
		if v < 0 {
			v += r
		}
		return min(max(v, 0), r)
	}
	lo, hi := clamp(k.start), r
	if k.hasEnd {
		hi = clamp(k.end)
	}
	hi = max(hi, lo)
	dst, err := out[0].setInt(hi - lo)
	if err != nil {
		return err
	}
	for i, d := range s[lo:hi] {
		dst[i] = int64(d)
	}
	return nil
}
