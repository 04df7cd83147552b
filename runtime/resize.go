package runtime

import (
	"errors"
	"fmt"
	"math"
)

// buildResize compiles Resize (opsets 10 to 19) and Upsample (7 to 9):
// nearest, linear and cubic interpolation over any axes, each output
// position x mapped to an input coordinate by
// coordinate_transformation_mode:
//
//	half_pixel            (x + 0.5)/scale − 0.5   (the default from opset 11)
//	pytorch_half_pixel    the same, but −0.5 when the output axis has length 1
//	align_corners         x·(in − 1)/(out − 1)
//	asymmetric            x/scale                 (opset 10, and Upsample)
//	tf_half_pixel_for_nn  (x + 0.5)/scale
//	half_pixel_symmetric  half_pixel about the centre
//
// where scale is the scales input, or out/in when sizes is given (then
// out = floor(in·scale)). Out-of-range taps read the nearest edge value,
// as in the ONNX reference. nearest rounds as nearest_mode says;
// linear and cubic (cubic_coeff_a, exclude_outside) weight their 2 and 4
// neighbours. tf_crop_and_resize, antialias and keep_aspect_ratio_policy
// other than stretch are refused.
//
// The axes are interpolated one at a time (the interpolation is
// separable), through two scratch buffers.
func buildResize(upsample bool) func(c *nodeCtx) (kernel, error) {
	return func(c *nodeCtx) (kernel, error) {
		a := c.attrs()
		k := &resize{m: c.m, mode: a.String("mode", "nearest"), coord: a.String("coordinate_transformation_mode", "half_pixel"),
			nearest: a.String("nearest_mode", "round_prefer_floor"), cubicA: float64(a.Float("cubic_coeff_a", -0.75)),
			exclude: a.Int("exclude_outside", 0) != 0, axes: toInts(a.Ints("axes", nil))}
		if upsample || c.opset < 11 {
			// Upsample and Resize-10 map coordinates asymmetrically and
			// round nearest down.
			k.coord, k.nearest = "asymmetric", "floor"
		}
		if upsample && c.opset < 9 {
			k.attrScales, _ = a["scales"].([]float32)
			if k.attrScales == nil {
				return nil, errors.New("the scales attribute is required before opset 9")
			}
		}
		k.upsample = upsample
		switch k.mode {
		case "nearest", "linear", "cubic":
		case "bilinear": // Upsample-7's name for it
			k.mode = "linear"
		default:
			return nil, fmt.Errorf("mode %q is not supported (nearest, linear, cubic)", k.mode)
		}
		switch k.coord {
		case "half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "tf_half_pixel_for_nn", "half_pixel_symmetric":
		default:
			return nil, fmt.Errorf("coordinate_transformation_mode %q is not supported (half_pixel, pytorch_half_pixel, align_corners, asymmetric, tf_half_pixel_for_nn, half_pixel_symmetric)", k.coord)
		}
		switch k.nearest {
		case "round_prefer_floor", "round_prefer_ceil", "floor", "ceil":
		default:
			return nil, fmt.Errorf("nearest_mode %q is not supported", k.nearest)
		}
		if a.Int("antialias", 0) != 0 {
			return nil, errors.New("antialias=1 is not supported")
		}
		if p := a.String("keep_aspect_ratio_policy", "stretch"); p != "stretch" {
			return nil, fmt.Errorf("keep_aspect_ratio_policy %q is not supported (stretch)", p)
		}
		return k, nil
	}
}

type resize struct {
	m                    *meter
	upsample             bool
	mode, coord, nearest string
	cubicA               float64
	exclude              bool
	axes                 []int     // Resize-18's axes; nil for all
	attrScales           []float32 // Upsample-7's scales attribute

	scales  []float64
	sizes   []int
	shape   []int
	sizesIn []int
	idx     [][]int     // per axis: taps·out input indices
	w       [][]float32 // per axis: their weights
	ping    []float32   // scratch between the passes over the axes
	pong    []float32
}

func (k *resize) run(in, out []*Tensor) error {
	x := in[0]
	if x.IsInt() {
		return fmt.Errorf("input X must be float32, got int64 %v", x.Shape)
	}
	r := len(x.Shape)
	if err := k.outputSize(in, r); err != nil {
		return err
	}
	for i, d := range k.shape {
		if d < 0 || x.Shape[i] == 0 && d > 0 {
			return fmt.Errorf("input X %v cannot be resized to %v", x.Shape, k.shape)
		}
	}
	// The passes run from the last axis to the first; the largest
	// intermediate result sizes the scratch buffers.
	if err := out[0].fits(k.shape...); err != nil {
		return err
	}
	k.sizesIn = append(k.sizesIn[:0], x.Shape...)
	passes, largest := 0, 0
	for i := r - 1; i >= 0; i-- {
		if k.shape[i] == x.Shape[i] && k.scales[i] == 1 {
			continue
		}
		k.sizesIn[i] = k.shape[i]
		passes++
		largest = max(largest, checkedNumel(k.sizesIn))
	}
	if checkedNumel(k.shape) > 0 && passes > 1 {
		for _, b := range []*[]float32{&k.ping, &k.pong} {
			if _, err := reserve(k.m, b, largest, "resize scratch", nil); err != nil {
				return err
			}
		}
	}
	dst, err := out[0].setFloat(k.shape...)
	if err != nil || len(dst) == 0 {
		return err
	}
	if passes == 0 {
		copy(dst, x.Data)
		return nil
	}
	k.taps(x.Shape)
	src := x.Data
	k.sizesIn = append(k.sizesIn[:0], x.Shape...)
	done := 0
	for i := r - 1; i >= 0; i-- {
		if k.idx[i] == nil {
			continue
		}
		outer, inner := numel(k.sizesIn[:i]), numel(k.sizesIn[i+1:])
		n, m := k.sizesIn[i], k.shape[i]
		k.sizesIn[i] = m
		done++
		var next []float32
		switch {
		case done == passes:
			next = dst
		case done%2 == 1:
			next = k.ping[:outer*m*inner]
		default:
			next = k.pong[:outer*m*inner]
		}
		interpolate(next, src, outer, n, m, inner, k.idx[i], k.w[i])
		src = next
	}
	return nil
}

// outputSize sets k.shape and k.scales (per axis of X) from the scales
// or sizes input (Resize), or the scales input or attribute (Upsample).
func (k *resize) outputSize(in []*Tensor, r int) error {
	x := in[0]
	k.scales, k.sizes = k.scales[:0], k.sizes[:0]
	var scales, sizes *Tensor
	switch {
	case k.attrScales != nil:
	case k.upsample || len(in) == 2: // Upsample-9 and Resize-10: (X, scales)
		scales = in[1]
	default:
		if len(in) > 2 && in[2] != nil && in[2].Len() > 0 {
			scales = in[2]
		}
		if len(in) > 3 && in[3] != nil && in[3].Len() > 0 {
			sizes = in[3]
		}
	}
	// axes (opset 18) say which axes the scales or sizes are for.
	axes := k.axes
	n := r
	if axes != nil {
		n = len(axes)
	}
	at := func(i int) (int, error) {
		if axes == nil {
			return i, nil
		}
		return normAxis(axes[i], r, "axis")
	}
	for range r {
		k.scales, k.sizes = append(k.scales, 1), append(k.sizes, -1)
	}
	switch {
	case k.attrScales != nil:
		if len(k.attrScales) != r {
			return fmt.Errorf("scales %v must have one value per axis of input X %v", k.attrScales, x.Shape)
		}
		for i, s := range k.attrScales {
			k.scales[i] = float64(s)
		}
	case scales != nil && sizes != nil:
		return errors.New("scales and sizes are both given; ONNX allows only one")
	case scales != nil:
		if scales.dry {
			return errors.New("scales depend on the input's values, which the shape step does not compute")
		}
		if scales.IsInt() || len(scales.Data) != n {
			return fmt.Errorf("scales %v must be %d float32 values, one per resized axis of input X %v", scales.Shape, n, x.Shape)
		}
		for i, s := range scales.Data {
			ax, err := at(i)
			if err != nil {
				return err
			}
			if !(s > 0) || math.IsInf(float64(s), 0) {
				return fmt.Errorf("scales %v must be positive", scales.Data)
			}
			k.scales[ax] = float64(s)
		}
	case sizes != nil:
		var err error
		ss, err := ints(nil, sizes, "sizes (input 3)")
		if err != nil {
			return err
		}
		if len(ss) != n {
			return fmt.Errorf("sizes %v must have one value per resized axis of input X %v", ss, x.Shape)
		}
		for i, s := range ss {
			ax, err := at(i)
			if err != nil {
				return err
			}
			if s < 0 {
				return fmt.Errorf("sizes %v must not be negative", ss)
			}
			k.sizes[ax] = s
			if x.Shape[ax] > 0 {
				k.scales[ax] = float64(s) / float64(x.Shape[ax])
			}
		}
	default:
		return errors.New("neither scales nor sizes is given")
	}
	k.shape = k.shape[:0]
	for i, d := range x.Shape {
		o := k.sizes[i]
		if o < 0 {
			f := math.Floor(float64(d) * k.scales[i])
			if f > math.MaxInt32 {
				return fmt.Errorf("scales %v make input X %v too large", k.scales, x.Shape)
			}
			o = int(f)
		}
		k.shape = append(k.shape, o)
	}
	return nil
}

// taps fills, for each axis that changes, the input indices and weights
// of every output position; nil for the others.
func (k *resize) taps(shape []int) {
	r := len(shape)
	for len(k.idx) < r {
		k.idx, k.w = append(k.idx, nil), append(k.w, nil)
	}
	for i := 0; i < r; i++ {
		n, m, s := shape[i], k.shape[i], k.scales[i]
		if m == n && s == 1 {
			k.idx[i], k.w[i] = nil, nil
			continue
		}
		idx, w := k.idx[i][:0], k.w[i][:0]
		for o := 0; o < m; o++ {
			x := k.coordinate(float64(o), n, m, s)
			f := math.Floor(x)
			base := int(f)
			switch k.mode {
			case "nearest":
				var j float64
				switch k.nearest {
				case "round_prefer_floor":
					j = math.Ceil(x - 0.5)
				case "round_prefer_ceil":
					j = math.Floor(x + 0.5)
				case "floor":
					j = f
				default:
					j = math.Ceil(x)
				}
				idx, w = append(idx, clampIndex(j, n)), append(w, 1)
			case "linear":
				rt := x - f
				idx = append(idx, clampIndex(f, n), clampIndex(f+1, n))
				w = append(w, float32(1-rt), float32(rt))
			default:
				rt := x - f
				c := cubicCoeffs(rt, k.cubicA)
				sum := 0.0
				for j := range 4 {
					p := base - 1 + j
					if k.exclude && (p < 0 || p >= n) {
						c[j] = 0
					}
					sum += c[j]
				}
				for j := range 4 {
					if k.exclude && sum != 0 {
						c[j] /= sum
					}
					idx, w = append(idx, clampIndex(float64(base-1+j), n)), append(w, float32(c[j]))
				}
			}
		}
		k.idx[i], k.w[i] = idx, w
	}
}

// coordinate maps output position o of an axis resized from n to m
// positions by scale s to an input coordinate.
func (k *resize) coordinate(o float64, n, m int, s float64) float64 {
	outLen := s * float64(n) // as the reference: not rounded
	switch k.coord {
	case "align_corners":
		if outLen == 1 {
			return 0
		}
		return o * float64(n-1) / (outLen - 1)
	case "asymmetric":
		return o / s
	case "pytorch_half_pixel":
		if outLen == 1 {
			return -0.5
		}
		return (o+0.5)/s - 0.5
	case "tf_half_pixel_for_nn":
		return (o + 0.5) / s
	case "half_pixel_symmetric":
		adj := float64(m) / outLen
		return float64(n)/2*(1-adj) + (o+0.5)/s - 0.5
	}
	return (o+0.5)/s - 0.5
}

// cubicCoeffs are the weights of the four neighbours floor(x) − 1 ...
// floor(x) + 2 at fraction r = x − floor(x) (Keys' kernel, parameter a).
func cubicCoeffs(r, a float64) [4]float64 {
	kern := func(d float64) float64 {
		d = math.Abs(d)
		switch {
		case d <= 1:
			return ((a+2)*d-(a+3))*d*d + 1
		case d < 2:
			return ((a*d-5*a)*d+8*a)*d - 4*a
		}
		return 0
	}
	return [4]float64{kern(r + 1), kern(r), kern(1 - r), kern(2 - r)}
}

// clampIndex is the position j clamped into [0, n): the edge padding of
// the reference.
func clampIndex(j float64, n int) int {
	switch {
	case j < 0 || j != j:
		return 0
	case j >= float64(n):
		return n - 1
	}
	return int(j)
}

// interpolate resizes the middle axis of src, [outer, n, inner], to m
// positions in dst, [outer, m, inner]: each output row is the weighted sum
// of the input rows idx names (len(idx)/m taps each).
func interpolate(dst, src []float32, outer, n, m, inner int, idx []int, w []float32) {
	t := len(idx) / m
	for o := 0; o < outer; o++ {
		s := src[o*n*inner : (o+1)*n*inner]
		d := dst[o*m*inner : (o+1)*m*inner]
		for p := 0; p < m; p++ {
			row := d[p*inner : (p+1)*inner]
			if t == 1 {
				copy(row, s[idx[p]*inner:(idx[p]+1)*inner])
				continue
			}
			for j := 0; j < t; j++ {
				wj := w[p*t+j]
				in := s[idx[p*t+j]*inner : (idx[p*t+j]+1)*inner]
				if j == 0 {
					for q, v := range in {
						row[q] = wj * v
					}
					continue
				}
				for q, v := range in {
					row[q] += wj * v
				}
			}
		}
	}
}
