package runtime

import (
	"fmt"
	"math"

	"cxray/importer"
)

// buildConstantOfShape: a tensor of the shape given by input 1, filled
// with the one value of the value attribute (default float 0). Torch
// exports the zero initial states of an LSTM this way, from the batch
// size.
func buildConstantOfShape(c *nodeCtx) (kernel, error) {
	k := &constantOfShape{}
	v, ok := c.attrs()["value"]
	if !ok {
		return k, nil
	}
	t, ok := v.(*importer.Tensor)
	if !ok || t.Len() != 1 {
		return nil, fmt.Errorf("value must be a tensor of one element, got %v", v)
	}
	if t.Int != nil {
		k.isInt, k.i = true, t.Int[0]
	} else {
		k.f = t.Float[0]
	}
	return k, nil
}

type constantOfShape struct {
	isInt bool
	f     float32
	i     int64
	shape []int
}

func (k *constantOfShape) run(in, out []*Tensor) error {
	var err error
	if k.shape, err = ints(k.shape, in[0], "the shape (input 0)"); err != nil {
		return err
	}
	if len(in[0].Shape) > 1 {
		return fmt.Errorf("the shape (input 0) must be 1-D, got %v", in[0].Shape)
	}
	for _, d := range k.shape {
		if d < 0 {
			return fmt.Errorf("shape %v has a negative dimension", k.shape)
		}
	}
	if k.isInt {
		dst, err := out[0].setInt(k.shape...)
		if err != nil {
			return err
		}
		for i := range dst {
			dst[i] = k.i
		}
		return nil
	}
	dst, err := out[0].setFloat(k.shape...)
	if err != nil {
		return err
	}
	for i := range dst {
		dst[i] = k.f
	}
	return nil
}

// buildRange: start, start+delta, ... up to limit (excluded); the three
// scalar inputs are all integers or all floats.
func buildRange(c *nodeCtx) (kernel, error) { return rangeOp{}, nil }

type rangeOp struct{}

func (rangeOp) run(in, out []*Tensor) error {
	s, l, d := in[0], in[1], in[2]
	for i, t := range in[:3] {
		if t.dry {
			return fmt.Errorf("%s depends on the input's values, which the shape step does not compute", []string{"start", "limit", "delta"}[i])
		}
		if t.Len() != 1 || t.IsInt() != s.IsInt() {
			return fmt.Errorf("start, limit and delta must be scalars of one type, got %s", describe(in))
		}
	}
	if s.IsInt() {
		start, limit, delta := s.Int[0], l.Int[0], d.Int[0]
		if delta == 0 {
			return fmt.Errorf("delta must not be 0")
		}
		n := rangeCount(float64(limit-start), float64(delta))
		if limit-start != 0 && (limit-start)%delta == 0 && n >= 0 {
			n = int((limit - start) / delta)
		}
		dst, err := out[0].setInt(max(n, 0))
		if err != nil {
			return err
		}
		for i := range dst {
			dst[i] = start + int64(i)*delta
		}
		return nil
	}
	start, limit, delta := s.Data[0], l.Data[0], d.Data[0]
	if delta == 0 || delta != delta || start != start || limit != limit {
		return fmt.Errorf("start %v, limit %v and delta %v do not make a range", start, limit, delta)
	}
	n := rangeCount(float64(limit)-float64(start), float64(delta))
	dst, err := out[0].setFloat(n)
	if err != nil {
		return err
	}
	// As the ONNX function body: an accumulated sum in float32.
	v := start
	for i := range dst {
		dst[i] = v
		v += delta
	}
	return nil
}

// rangeCount is max(ceil(span/delta), 0), or -1 when it overflows an int
// (which the buffer check then refuses).
func rangeCount(span, delta float64) int {
	n := math.Ceil(span / delta)
	switch {
	case n <= 0:
		return 0
	case n >= math.MaxInt32:
		return -1
	}
	return int(n)
}

// buildTile: the input repeated repeats[i] times along each axis i.
func buildTile(c *nodeCtx) (kernel, error) { return &tile{}, nil }

type tile struct {
	reps, shape, pos []int
}

func (k *tile) run(in, out []*Tensor) error {
	x := in[0]
	var err error
	if k.reps, err = ints(k.reps, in[1], "repeats (input 1)"); err != nil {
		return err
	}
	if len(k.reps) != len(x.Shape) {
		return fmt.Errorf("repeats %v must have one value per axis of input %v", k.reps, x.Shape)
	}
	k.shape = k.shape[:0]
	for i, r := range k.reps {
		if r < 0 {
			return fmt.Errorf("repeats %v must not be negative", k.reps)
		}
		if r != 0 && x.Shape[i] > math.MaxInt32/r {
			return fmt.Errorf("repeats %v of input %v overflow", k.reps, x.Shape)
		}
		k.shape = append(k.shape, x.Shape[i]*r)
	}
	if x.IsInt() {
		dst, err := out[0].setInt(k.shape...)
		if err != nil {
			return err
		}
		tileInto(k, dst, x.Int, x.Shape)
		return nil
	}
	dst, err := out[0].setFloat(k.shape...)
	if err != nil {
		return err
	}
	tileInto(k, dst, x.Data, x.Shape)
	return nil
}

// tileInto writes each output row (the last axis) from the input row its
// outer position wraps to.
func tileInto[T number](k *tile, dst, src []T, shape []int) {
	r := len(shape)
	if len(dst) == 0 {
		return
	}
	if r == 0 {
		dst[0] = src[0]
		return
	}
	k.pos = k.pos[:0]
	for range r {
		k.pos = append(k.pos, 0)
	}
	w, n := shape[r-1], k.shape[r-1]
	for o := 0; o < len(dst); o += n {
		off := 0
		for ax := 0; ax < r-1; ax++ {
			off = off*shape[ax] + k.pos[ax]%shape[ax]
		}
		row := src[off*w : (off+1)*w]
		for j := 0; j < n; j += w {
			copy(dst[o+j:o+j+w], row)
		}
		for ax := r - 2; ax >= 0; ax-- {
			k.pos[ax]++
			if k.pos[ax] < k.shape[ax] {
				break
			}
			k.pos[ax] = 0
		}
	}
}

// buildScatterND: a copy of data with the slices that indices address
// replaced by updates (or combined with them: reduction add, mul, max,
// min, from opset 16). Torch exports in-place slice assignment this way;
// swin's attention mask is one.
func buildScatterND(c *nodeCtx) (kernel, error) {
	k := &scatterND{reduction: c.attrs().String("reduction", "none")}
	switch k.reduction {
	case "none", "add", "mul", "max", "min":
	default:
		return nil, fmt.Errorf("reduction %q is not supported (none, add, mul, max, min)", k.reduction)
	}
	return k, nil
}

type scatterND struct {
	reduction string
}

func (k *scatterND) run(in, out []*Tensor) error {
	data, ind, upd := in[0], in[1], in[2]
	if !ind.IsInt() && ind.Len() > 0 {
		return fmt.Errorf("indices must be an integer tensor, got float32 %v", ind.Shape)
	}
	if data.IsInt() != upd.IsInt() {
		return fmt.Errorf("data and updates must have the same type, got %s", describe([]*Tensor{data, upd}))
	}
	r, q := len(data.Shape), len(ind.Shape)
	if q == 0 {
		return fmt.Errorf("indices must have at least one axis")
	}
	depth := ind.Shape[q-1]
	if depth > r {
		return fmt.Errorf("indices %v address %d axes of data %v, which has %d", ind.Shape, depth, data.Shape, r)
	}
	// updates has the shape indices[:-1] + data[depth:].
	want := append(append([]int(nil), ind.Shape[:q-1]...), data.Shape[depth:]...)
	if !equalShape(upd.Shape, want) {
		return fmt.Errorf("updates %v must have shape %v for indices %v and data %v", upd.Shape, want, ind.Shape, data.Shape)
	}
	tuples, slice := numel(ind.Shape[:q-1]), numel(data.Shape[depth:])
	for i, v := range ind.Int {
		if d := int64(data.Shape[i%max(depth, 1)]); v < -d || v >= d {
			return fmt.Errorf("index %d is out of range for axis %d of data %v", v, i%depth, data.Shape)
		}
	}
	// offset of the slice addressed by index tuple t.
	offset := func(t int) int {
		o := 0
		for j, v := range ind.Int[t*depth : (t+1)*depth] {
			if v < 0 {
				v += int64(data.Shape[j])
			}
			o = o*data.Shape[j] + int(v)
		}
		return o * slice
	}
	if data.IsInt() {
		dst, err := out[0].setInt(data.Shape...)
		if err != nil {
			return err
		}
		copy(dst, data.Int)
		for t := range tuples {
			scatterInto(k.reduction, dst[offset(t):][:slice], upd.Int[t*slice:(t+1)*slice])
		}
		return nil
	}
	dst, err := out[0].setFloat(data.Shape...)
	if err != nil {
		return err
	}
	copy(dst, data.Data)
	for t := range tuples {
		scatterInto(k.reduction, dst[offset(t):][:slice], upd.Data[t*slice:(t+1)*slice])
	}
	return nil
}

func scatterInto[T number](reduction string, dst, src []T) {
	for i, v := range src {
		switch reduction {
		case "add":
			v += dst[i]
		case "mul":
			v *= dst[i]
		case "max":
			v = max(v, dst[i])
		case "min":
			v = min(v, dst[i])
		}
		dst[i] = v
	}
}
