package runtime

import "fmt"

// windowAttrs are the sliding-window attributes shared by Conv and the
// pools: auto_pad, pads, strides and dilations, for 2-D inputs.
type windowAttrs struct {
	autoPad   string
	pads      [4]int // top, left, bottom, right: ONNX's begin..., end... order
	strides   [2]int
	dilations [2]int
	ceil      bool // pools only: round the output size up
}

func parseWindow(c *nodeCtx, kernelShape []int64) (windowAttrs, error) {
	a := c.attrs()
	w := windowAttrs{
		autoPad:   a.String("auto_pad", "NOTSET"),
		strides:   [2]int{1, 1},
		dilations: [2]int{1, 1},
		ceil:      a.Int("ceil_mode", 0) != 0,
	}
	switch w.autoPad {
	case "NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER":
	case "":
		w.autoPad = "NOTSET"
	default:
		return w, fmt.Errorf("auto_pad %q is not supported; use NOTSET, VALID, SAME_UPPER or SAME_LOWER", w.autoPad)
	}
	if kernelShape != nil && len(kernelShape) != 2 {
		return w, fmt.Errorf("kernel_shape %v has %d axes; only 2-D windows (NCHW input) are supported", kernelShape, len(kernelShape))
	}
	for _, k := range kernelShape {
		if k < 1 {
			return w, fmt.Errorf("kernel_shape %v must be positive", kernelShape)
		}
	}
	if p := a.Ints("pads", nil); p != nil {
		if len(p) != 4 {
			return w, fmt.Errorf("pads %v must have 4 values (top, left, bottom, right) for a 2-D window", p)
		}
		for i, v := range p {
			if v < 0 {
				return w, fmt.Errorf("pads %v must not be negative", p)
			}
			w.pads[i] = int(v)
		}
		if w.autoPad != "NOTSET" && (p[0]|p[1]|p[2]|p[3]) != 0 {
			return w, fmt.Errorf("pads %v and auto_pad %s are both set; ONNX allows only one", p, w.autoPad)
		}
	}
	for _, f := range []struct {
		name string
		dst  *[2]int
	}{{"strides", &w.strides}, {"dilations", &w.dilations}} {
		v := a.Ints(f.name, nil)
		if v == nil {
			continue
		}
		if len(v) != 2 {
			return w, fmt.Errorf("%s %v must have 2 values for a 2-D window", f.name, v)
		}
		for i, x := range v {
			if x < 1 {
				return w, fmt.Errorf("%s %v must be positive", f.name, v)
			}
			f.dst[i] = int(x)
		}
	}
	return w, nil
}

// axisGeom is the geometry of a window along one spatial axis.
type axisGeom struct {
	in, k, stride, dil int
	padBegin, padEnd   int
	out                int
}

// geometry computes the output size and effective padding of axis ax
// (0 = height, 1 = width) for an input of size in and a kernel of size k.
func (w *windowAttrs) geometry(ax, in, k int) (axisGeom, error) {
	g := axisGeom{in: in, k: k, stride: w.strides[ax], dil: w.dilations[ax]}
	ek := (k-1)*g.dil + 1 // extent of the dilated kernel
	switch w.autoPad {
	case "NOTSET":
		g.padBegin, g.padEnd = w.pads[ax], w.pads[ax+2]
	case "VALID":
	default: // SAME_UPPER, SAME_LOWER: out = ceil(in/stride)
		out := (in + g.stride - 1) / g.stride
		total := max(0, (out-1)*g.stride+ek-in)
		if w.autoPad == "SAME_UPPER" {
			g.padBegin = total / 2
		} else {
			g.padBegin = total - total/2
		}
		g.padEnd = total - g.padBegin
	}
	span := in + g.padBegin + g.padEnd - ek
	if span < 0 {
		return g, fmt.Errorf("the window (kernel %d, dilation %d) is larger than the padded input (%d + %d + %d)", k, g.dil, in, g.padBegin, g.padEnd)
	}
	g.out = span/g.stride + 1
	if w.ceil && w.autoPad == "NOTSET" && span%g.stride != 0 {
		g.out++
		// As in PyTorch: the last window must start inside the input or
		// the begin padding, not in the end padding.
		if (g.out-1)*g.stride >= in+g.padBegin {
			g.out--
		}
	}
	return g, nil
}
