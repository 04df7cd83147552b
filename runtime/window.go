package runtime

import "fmt"

// maxSpatial is the most spatial axes a window may have: Conv, the pools
// and ConvTranspose run over 1-D (N×C×L), 2-D (N×C×H×W) and 3-D
// (N×C×D×H×W) inputs.
const maxSpatial = 3

// windowAttrs are the sliding-window attributes shared by Conv,
// ConvTranspose and the pools: auto_pad, pads, strides and dilations,
// for 1 to 3 spatial axes.
type windowAttrs struct {
	rank      int // spatial axes; 0 until known (a Conv without kernel_shape takes it from W)
	autoPad   string
	pads      []int // begin..., end... (2·rank values); nil for none
	strides   []int // nil for all 1s
	dilations []int // nil for all 1s
	ceil      bool  // pools only: round the output size up
}

func parseWindow(c *nodeCtx, kernelShape []int64) (windowAttrs, error) {
	a := c.attrs()
	w := windowAttrs{
		autoPad: a.String("auto_pad", "NOTSET"),
		ceil:    a.Int("ceil_mode", 0) != 0,
	}
	switch w.autoPad {
	case "NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER":
	case "":
		w.autoPad = "NOTSET"
	default:
		return w, fmt.Errorf("auto_pad %q is not supported; use NOTSET, VALID, SAME_UPPER or SAME_LOWER", w.autoPad)
	}
	// The rank is that of kernel_shape, or of any other attribute that
	// gives one value per axis.
	setRank := func(name string, n int) error {
		if w.rank == 0 {
			w.rank = n
		}
		if n != w.rank || n < 1 || n > maxSpatial {
			return fmt.Errorf("%s has %d values; a window has 1 to %d spatial axes, and kernel_shape, pads (2 per axis), strides and dilations must agree (%d axes)", name, n, maxSpatial, w.rank)
		}
		return nil
	}
	if kernelShape != nil {
		if err := setRank(fmt.Sprintf("kernel_shape %v", kernelShape), len(kernelShape)); err != nil {
			return w, err
		}
		for _, k := range kernelShape {
			if k < 1 {
				return w, fmt.Errorf("kernel_shape %v must be positive", kernelShape)
			}
		}
	}
	for _, f := range []struct {
		name string
		dst  *[]int
	}{{"strides", &w.strides}, {"dilations", &w.dilations}} {
		v := a.Ints(f.name, nil)
		if v == nil {
			continue
		}
		if err := setRank(fmt.Sprintf("%s %v", f.name, v), len(v)); err != nil {
			return w, err
		}
		for _, x := range v {
			if x < 1 {
				return w, fmt.Errorf("%s %v must be positive", f.name, v)
			}
		}
		*f.dst = toInts(v)
	}
	if p := a.Ints("pads", nil); p != nil {
		if len(p)%2 != 0 {
			return w, fmt.Errorf("pads %v must have two values per spatial axis (all begins, then all ends)", p)
		}
		if err := setRank(fmt.Sprintf("pads %v (two per axis)", p), len(p)/2); err != nil {
			return w, err
		}
		zero := true
		for _, v := range p {
			if v < 0 {
				return w, fmt.Errorf("pads %v must not be negative", p)
			}
			zero = zero && v == 0
		}
		if w.autoPad != "NOTSET" && !zero {
			return w, fmt.Errorf("pads %v and auto_pad %s are both set; ONNX allows only one", p, w.autoPad)
		}
		w.pads = toInts(p)
	}
	return w, nil
}

// axisGeom is the geometry of a window along one spatial axis.
type axisGeom struct {
	in, k, stride, dil int
	padBegin, padEnd   int
	out                int
}

// unitAxis is the geometry of an axis the window does not move along:
// the leading axes of a 1-D or 2-D window seen as a 3-D one.
var unitAxis = axisGeom{in: 1, k: 1, stride: 1, dil: 1, out: 1}

func (w *windowAttrs) stride(ax int) int {
	if w.strides == nil {
		return 1
	}
	return w.strides[ax]
}

func (w *windowAttrs) dilation(ax int) int {
	if w.dilations == nil {
		return 1
	}
	return w.dilations[ax]
}

// geometry computes the output size and effective padding of spatial
// axis ax for an input of size in and a kernel of size k.
func (w *windowAttrs) geometry(ax, in, k int) (axisGeom, error) {
	g := axisGeom{in: in, k: k, stride: w.stride(ax), dil: w.dilation(ax)}
	ek := (k-1)*g.dil + 1 // extent of the dilated kernel
	switch w.autoPad {
	case "NOTSET":
		if w.pads != nil {
			g.padBegin, g.padEnd = w.pads[ax], w.pads[ax+w.rank]
		}
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

// volume is the geometry of a window over the spatial axes of an input,
// always as three axes (depth, height, width): a 2-D window has a unit
// depth axis and a 1-D one unit depth and height axes, so that one
// implementation serves all three.
type volume [maxSpatial]axisGeom

// geometries computes the volume of the window over spatial (the
// input's spatial sizes) with kernel sizes ks; what names the input in
// errors.
func (w *windowAttrs) geometries(spatial, ks []int, what string) (volume, error) {
	var v volume
	lead := maxSpatial - len(spatial)
	for i := range lead {
		v[i] = unitAxis
	}
	for i, n := range spatial {
		g, err := w.geometry(i, n, ks[i])
		if err != nil {
			return v, fmt.Errorf("%s: spatial axis %d: %v", what, i, err)
		}
		v[lead+i] = g
	}
	return v, nil
}

// ins, outs and ks are the input sizes, output sizes and kernel sizes
// of the three axes.
func (v *volume) ins() (int, int, int)  { return v[0].in, v[1].in, v[2].in }
func (v *volume) outs() (int, int, int) { return v[0].out, v[1].out, v[2].out }
func (v *volume) ks() (int, int, int)   { return v[0].k, v[1].k, v[2].k }

// padded are the sizes of the zero-bordered input.
func (v *volume) padded() (int, int, int) {
	return v[0].in + v[0].padBegin + v[0].padEnd, v[1].in + v[1].padBegin + v[1].padEnd, v[2].in + v[2].padBegin + v[2].padEnd
}

// outShape is [n, c, the output sizes of the real spatial axes...].
func (v *volume) outShape(dst []int, n, c, rank int) []int {
	dst = append(dst[:0], n, c)
	for _, g := range v[maxSpatial-rank:] {
		dst = append(dst, g.out)
	}
	return dst
}
