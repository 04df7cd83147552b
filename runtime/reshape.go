package runtime

import (
	"fmt"
)

// The operators in this file change only the shape: their outputs share
// the input's buffer (see Tensor.alias), so they cost no copy.

func buildIdentity(c *nodeCtx) (kernel, error) { return identity{}, nil }

// buildDropout: Dropout is the identity at inference. Before opset 12 the
// ratio is an attribute; from 12 on it and training_mode are optional
// inputs. A training_mode of true is refused rather than silently
// ignored, unless the ratio is a constant 0, which drops nothing (swin_t
// exports its attention dropout so).
func buildDropout(c *nodeCtx) (kernel, error) {
	if c.opset < 12 || !c.hasInput(2) {
		return identity{}, nil
	}
	nonzero := func(t *Tensor) bool {
		return t.IsInt() && len(t.Int) == 1 && t.Int[0] != 0 || !t.IsInt() && len(t.Data) == 1 && t.Data[0] != 0
	}
	mode, ratio := c.constInput(2), c.constInput(1)
	switch {
	case mode != nil && !nonzero(mode):
	case c.hasInput(1) && ratio != nil && !nonzero(ratio):
	case mode != nil:
		return nil, fmt.Errorf("training_mode is true; export the model in eval mode")
	default:
		return nil, fmt.Errorf("training_mode (input 2) is computed, not a constant; export the model in eval mode")
	}
	return identity{}, nil
}

type identity struct{}

func (identity) run(in, out []*Tensor) error {
	out[0].alias(in[0], in[0].Shape...)
	return nil
}

// buildFlatten: the output is 2-D, [prod(shape[:axis]), prod(shape[axis:])];
// axis defaults to 1 and may be negative from opset 11.
func buildFlatten(c *nodeCtx) (kernel, error) {
	return &flatten{axis: int(c.attrs().Int("axis", 1))}, nil
}

type flatten struct{ axis int }

func (k *flatten) run(in, out []*Tensor) error {
	x := in[0]
	r := len(x.Shape)
	ax := k.axis
	if ax < 0 {
		ax += r
	}
	if ax < 0 || ax > r {
		return fmt.Errorf("axis %d is out of range for input %v", k.axis, x.Shape)
	}
	out[0].alias(x, numel(x.Shape[:ax]), numel(x.Shape[ax:]))
	return nil
}

// buildReshape reads the target shape from input 1 (opset 5 on) or the
// shape attribute (before). A 0 copies the input's dimension at the same
// index (unless allowzero=1, opset 14); one -1 is inferred.
//
// A model exported with a fixed batch size B (torch.onnx.export without
// dynamic_axes) bakes B into the targets of its flattening reshapes:
// x.view(x.size(0), -1) becomes Reshape(x, [B, -1]). So that such a model
// runs at any batch size, a target that starts with B, applied to an
// activation (not a constant) whose first dimension is not B, keeps that
// first dimension: exactly what the traced code meant by x.size(0).
func buildReshape(c *nodeCtx) (kernel, error) {
	k := &reshape{allowZero: c.attrs().Int("allowzero", 0) != 0}
	if c.constInput(0) == nil {
		k.batch = c.staticBatch
	}
	if !c.hasInput(1) {
		s := c.attrs().Ints("shape", nil)
		if s == nil {
			return nil, fmt.Errorf("the target shape is missing: give it as input 1 (opset 5+) or the shape attribute")
		}
		k.attr = toInts(s)
	}
	return k, nil
}

type reshape struct {
	allowZero bool
	batch     int // the model's fixed batch size, for an activation; else 0
	attr      []int
	spec      []int // the requested shape, with its 0s and -1
	target    []int // the resolved shape
}

func (k *reshape) run(in, out []*Tensor) error {
	x := in[0]
	var err error
	if k.attr != nil {
		k.spec = append(k.spec[:0], k.attr...)
	} else if k.spec, err = ints(k.spec, in[1], "the target shape (input 1)"); err != nil {
		return err
	}
	spec := k.spec
	if k.batch > 0 && len(spec) > 0 && spec[0] == k.batch && len(x.Shape) > 0 && x.Shape[0] != k.batch {
		spec[0] = x.Shape[0]
	}
	k.target = append(k.target[:0], spec...)
	infer := -1
	known := 1
	for i, d := range spec {
		switch {
		case d == 0 && !k.allowZero:
			if i >= len(x.Shape) {
				return fmt.Errorf("target shape %v copies axis %d (0) but input %v has rank %d", spec, i, x.Shape, len(x.Shape))
			}
			k.target[i] = x.Shape[i]
			known *= x.Shape[i]
		case d == -1:
			if infer >= 0 {
				return fmt.Errorf("target shape %v has more than one -1", spec)
			}
			infer = i
		case d < 0:
			return fmt.Errorf("target shape %v has a negative dimension", spec)
		default:
			known *= d
		}
	}
	total := x.Len()
	if infer >= 0 {
		if known == 0 || total%known != 0 {
			return fmt.Errorf("cannot reshape input %v (%d elements) to %v", x.Shape, total, spec)
		}
		k.target[infer] = total / known
	} else if known != total {
		return fmt.Errorf("cannot reshape input %v (%d elements) to %v (%d elements)", x.Shape, total, spec, known)
	}
	out[0].alias(x, k.target...)
	return nil
}

// axesSource is where Squeeze and Unsqueeze find their axes: the axes
// attribute before opset 13, input 1 from 13 on.
type axesSource struct {
	attr    []int
	fromIn  bool
	scratch []int
}

func newAxesSource(c *nodeCtx) axesSource {
	if c.opset >= 13 {
		return axesSource{fromIn: c.hasInput(1)}
	}
	return axesSource{attr: toInts(c.attrs().Ints("axes", nil))}
}

func (a *axesSource) axes(in []*Tensor) ([]int, error) {
	if !a.fromIn {
		return a.attr, nil
	}
	var err error
	a.scratch, err = ints(a.scratch, in[1], "axes (input 1)")
	return a.scratch, err
}

func buildUnsqueeze(c *nodeCtx) (kernel, error) {
	k := &unsqueeze{src: newAxesSource(c)}
	if c.opset < 13 && k.src.attr == nil {
		return nil, fmt.Errorf("the axes attribute is required before opset 13")
	}
	if c.opset >= 13 && !k.src.fromIn {
		return nil, fmt.Errorf("axes (input 1) is required from opset 13")
	}
	return k, nil
}

type unsqueeze struct {
	src   axesSource
	shape []int
	mark  []bool
}

func (k *unsqueeze) run(in, out []*Tensor) error {
	x := in[0]
	axes, err := k.src.axes(in)
	if err != nil {
		return err
	}
	r := len(x.Shape) + len(axes)
	k.mark = k.mark[:0]
	for range r {
		k.mark = append(k.mark, false)
	}
	for _, a := range axes {
		ax, err := normAxis(a, r, "axis")
		if err != nil {
			return fmt.Errorf("axes %v for input %v: %v", axes, x.Shape, err)
		}
		if k.mark[ax] {
			return fmt.Errorf("axes %v repeat axis %d", axes, ax)
		}
		k.mark[ax] = true
	}
	k.shape = k.shape[:0]
	j := 0
	for i := 0; i < r; i++ {
		if k.mark[i] {
			k.shape = append(k.shape, 1)
		} else {
			k.shape = append(k.shape, x.Shape[j])
			j++
		}
	}
	out[0].alias(x, k.shape...)
	return nil
}

func buildSqueeze(c *nodeCtx) (kernel, error) {
	return &squeeze{src: newAxesSource(c)}, nil
}

type squeeze struct {
	src   axesSource
	shape []int
	mark  []bool
}

// run removes the listed axes, which must have size 1, or every axis of
// size 1 when no axes are given.
func (k *squeeze) run(in, out []*Tensor) error {
	x := in[0]
	axes, err := k.src.axes(in)
	if err != nil {
		return err
	}
	r := len(x.Shape)
	k.mark = k.mark[:0]
	for i := range r {
		k.mark = append(k.mark, len(axes) == 0 && x.Shape[i] == 1)
	}
	for _, a := range axes {
		ax, err := normAxis(a, r, "axis")
		if err != nil {
			return fmt.Errorf("axes %v for input %v: %v", axes, x.Shape, err)
		}
		if x.Shape[ax] != 1 {
			return fmt.Errorf("cannot squeeze axis %d of input %v: its size is %d, not 1", ax, x.Shape, x.Shape[ax])
		}
		k.mark[ax] = true
	}
	k.shape = k.shape[:0]
	for i, d := range x.Shape {
		if !k.mark[i] {
			k.shape = append(k.shape, d)
		}
	}
	out[0].alias(x, k.shape...)
	return nil
}
