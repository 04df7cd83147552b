package source

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Transform is the preprocessing a model was trained with, torchvision's
// transforms applied to every sample as the batches stream. A model that
// sees inputs preprocessed otherwise than in training sees
// off-distribution inputs, and its activations, and their N1, are not
// those of the model as it was trained.
//
// The image steps come first, applied by the image sources
// (imagefolder:DIR, a Parquet image column) to each image as they decode
// it, in this order (package imageprep has the details):
//
//	conversion  to the channels of Input: PIL's convert("L") for 1,
//	            convert("RGB") for 3 or when Input does not say (the
//	            default loader of torchvision's ImageFolder)
//	Resize      bilinear with antialiasing, exactly as on a PIL image
//	CenterCrop  padding with zeros a side shorter than the crop
//	ToTensor    channels first, values v/255
//
// Transformed applies the tensor steps to the samples of any source:
// Pad (zero pixels on every side of each image) and Normalize
// ((x − Mean[c]) / Std[c] in channel c).
//
// The zero value does nothing.
type Transform struct {
	Resize     []int // [n]: the shorter side to n, keeping the aspect ratio; [h, w]
	CenterCrop []int // [n]: n×n; [h, w]
	// Input is the per-sample shape the model takes, nil without a model.
	// When it is C×H×W, image sources convert each image to C channels
	// and check that it comes out H×W (less Pad on each side), so that a
	// wrong size is an error naming the file. It is the model's, which
	// the run records, so String leaves it out.
	Input     []int
	Pad       int
	Mean, Std []float32 // one value per channel, or one for all
}

// IsZero reports whether t changes nothing.
func (t Transform) IsZero() bool { return !t.imageSteps() && !t.tensorSteps() }

// imageSteps reports whether t resizes or crops images.
func (t Transform) imageSteps() bool { return t.Resize != nil || t.CenterCrop != nil }

// tensorSteps reports whether t pads or normalizes samples.
func (t Transform) tensorSteps() bool { return t.Pad != 0 || len(t.Mean) > 0 }

// String describes t for a run's parameters, e.g. "resize 256,
// center-crop 224, normalize 0.485,0.456,0.406/0.229,0.224,0.225" or "pad
// 2, normalize 0.1307/0.3081".
func (t Transform) String() string {
	var parts []string
	if t.Resize != nil {
		parts = append(parts, "resize "+ints(t.Resize))
	}
	if t.CenterCrop != nil {
		parts = append(parts, "center-crop "+ints(t.CenterCrop))
	}
	if t.Pad > 0 {
		parts = append(parts, fmt.Sprintf("pad %d", t.Pad))
	}
	if len(t.Mean) > 0 {
		parts = append(parts, "normalize "+floats(t.Mean)+"/"+floats(t.Std))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func ints(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

func floats(v []float32) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.FormatFloat(float64(x), 'g', -1, 32)
	}
	return strings.Join(s, ",")
}

// ParseNormalize reads "MEAN/STD", each a comma-separated list with one
// value per channel or a single value for all, e.g. "0.1307/0.3081" (the
// MNIST statistics of PyTorch's examples) or
// "0.485,0.456,0.406/0.229,0.224,0.225".
func ParseNormalize(s string) (mean, std []float32, err error) {
	m, d, ok := strings.Cut(s, "/")
	if !ok {
		return nil, nil, fmt.Errorf("%q: want MEAN/STD, e.g. 0.1307/0.3081", s)
	}
	if mean, err = parseFloats(m); err != nil {
		return nil, nil, fmt.Errorf("%q: mean: %w", s, err)
	}
	if std, err = parseFloats(d); err != nil {
		return nil, nil, fmt.Errorf("%q: std: %w", s, err)
	}
	if len(mean) != len(std) {
		return nil, nil, fmt.Errorf("%q: %d means but %d standard deviations", s, len(mean), len(std))
	}
	for _, v := range std {
		if !(v > 0) || math.IsInf(float64(v), 0) {
			return nil, nil, fmt.Errorf("%q: standard deviation %v must be positive and finite", s, v)
		}
	}
	return mean, std, nil
}

func parseFloats(s string) ([]float32, error) {
	var out []float32
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 32)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%q is not a finite number", f)
		}
		out = append(out, float32(v))
	}
	return out, nil
}

// Transformed returns src with t's tensor steps applied to every sample;
// its image steps are the image sources' (Open refuses them for other
// sources). Padding needs images (a sample shape C×H×W); normalising
// needs one mean per channel (the first dimension of the sample shape) or
// a single one. Activations already extracted (a Layered source) cannot
// be transformed.
func Transformed(src Source, t Transform) (Source, error) {
	if !t.tensorSteps() {
		return src, nil
	}
	if _, ok := src.(Layered); ok {
		return nil, fmt.Errorf("%s holds activations already extracted; input preprocessing applies to a model's input only", src.Name())
	}
	shape := src.SampleShape()
	if t.Pad < 0 {
		return nil, fmt.Errorf("padding %d: it must be at least 0", t.Pad)
	}
	if t.Pad > 0 && len(shape) != 3 {
		return nil, fmt.Errorf("padding needs images (channels×height×width), but %s has samples of shape %s", src.Name(), shapeString(shape))
	}
	channels := 1
	if len(shape) == 3 {
		channels = shape[0]
	}
	if n := len(t.Mean); n > 1 && n != channels {
		return nil, fmt.Errorf("%d means and standard deviations for %s, whose samples (shape %s) have %d channels", n, src.Name(), shapeString(shape), channels)
	}
	out, dim := shape, src.Dim()
	if t.Pad > 0 {
		out = []int{shape[0], shape[1] + 2*t.Pad, shape[2] + 2*t.Pad}
		dim = out[0] * out[1] * out[2]
	}
	return &transformed{Source: src, t: t, in: shape, out: out, dim: dim}, nil
}

// transformed applies a Transform to the batches of its Source.
type transformed struct {
	Source
	t       Transform
	in, out []int
	dim     int
	raw     Batch
}

func (s *transformed) SampleShape() []int { return s.out }
func (s *transformed) Dim() int           { return s.dim }

func (s *transformed) Next(b *Batch, max int) error {
	if err := s.Source.Next(&s.raw, max); err != nil {
		return err
	}
	n, inDim := s.raw.N, s.Source.Dim()
	b.resize(n, s.dim)
	copy(b.Labels, s.raw.Labels)
	b.Keys = append(b.Keys, s.raw.Keys...)
	for i := range n {
		s.apply(b.X[i*s.dim:(i+1)*s.dim], s.raw.X[i*inDim:(i+1)*inDim])
	}
	return nil
}

// apply writes the transformed sample x into dst.
func (s *transformed) apply(dst, x []float32) {
	p := s.t.Pad
	if p == 0 {
		copy(dst, x)
	} else {
		clear(dst)
		c, h, w := s.in[0], s.in[1], s.in[2]
		ow := w + 2*p
		for ch := range c {
			for y := range h {
				o := (ch*(h+2*p)+y+p)*ow + p
				copy(dst[o:o+w], x[(ch*h+y)*w:(ch*h+y+1)*w])
			}
		}
	}
	if len(s.t.Mean) == 0 {
		return
	}
	per := len(dst)
	if len(s.out) == 3 {
		per = s.out[1] * s.out[2]
	}
	for ch := 0; ch*per < len(dst); ch++ {
		m, sd := s.t.Mean[0], s.t.Std[0]
		if len(s.t.Mean) > 1 {
			m, sd = s.t.Mean[ch], s.t.Std[ch]
		}
		for i, v := range dst[ch*per : (ch+1)*per] {
			dst[ch*per+i] = (v - m) / sd
		}
	}
}

// shapeString formats a sample shape as 1×28×28.
func shapeString(shape []int) string {
	s := make([]string, len(shape))
	for i, d := range shape {
		s[i] = strconv.Itoa(d)
	}
	return strings.Join(s, "×")
}
