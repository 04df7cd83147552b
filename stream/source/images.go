package source

import (
	"bytes"
	"fmt"
	"io"
	"slices"

	"cxray/stream/source/imageprep"
)

// imageSamples makes decoded images samples of one shape, C×H×W: C from
// the model's input (3, RGB, without one), H×W fixed by --center-crop,
// else by --resize H,W, else by the model's input, else by the first
// image. Every image must come out of Resize and CenterCrop that size; an
// image that does not is an error naming it, both sizes and the flags
// that would fix it, found from its header before it is decoded.
type imageSamples struct {
	t      Transform
	prep   imageprep.Prep
	w, h   int    // the size of every sample, 0 until fixed
	model  bool   // the size is the model's
	first  string // the image that fixed the size, if one did
	resize bool   // prep resizes
}

// newImageSamples fixes what t and the model's input fix.
func newImageSamples(t Transform) (*imageSamples, error) {
	s := &imageSamples{t: t, prep: imageprep.Prep{Resize: t.Resize, CenterCrop: t.CenterCrop, Channels: 3}, resize: t.Resize != nil}
	for _, size := range [][]int{t.Resize, t.CenterCrop} {
		if len(size) > 2 || slices.ContainsFunc(size, func(v int) bool { return v < 1 }) {
			return nil, fmt.Errorf("image size %v: want n or h,w, positive", size)
		}
	}
	if len(t.Input) == 3 {
		if c := t.Input[0]; c != 1 && c != 3 {
			return nil, fmt.Errorf("the model takes images of %d channels (input shape %s); cxray converts images to greyscale (1 channel) or RGB (3)", c, shapeString(t.Input))
		}
		s.prep.Channels = t.Input[0]
		s.model = true
		s.h, s.w = t.Input[1]-2*t.Pad, t.Input[2]-2*t.Pad
		if s.h < 1 || s.w < 1 {
			return nil, fmt.Errorf("the model takes %s images; --input-pad %d leaves nothing of them", shapeString(t.Input), t.Pad)
		}
	}
	var w, h int
	var flag []int
	name := "--center-crop"
	switch {
	case t.CenterCrop != nil:
		w, h = imageprep.CropSize(t.CenterCrop)
		flag = t.CenterCrop
	case len(t.Resize) == 2:
		w, h = t.Resize[1], t.Resize[0]
		flag, name = t.Resize, "--resize"
	default:
		return s, nil
	}
	if s.model && (w != s.w || h != s.h) {
		return nil, fmt.Errorf("%s %s makes images of %d×%d pixels, but the model takes %d×%d%s; give %s %d,%d",
			name, ints(flag), h, w, s.h, s.w, s.padded(), name, s.h, s.w)
	}
	s.w, s.h = w, h // every image comes out this size: check cannot fail
	return s, nil
}

// padded says how the model's size relates to the images' under
// --input-pad.
func (s *imageSamples) padded() string {
	if s.t.Pad == 0 {
		return ""
	}
	return fmt.Sprintf(" before --input-pad %d", s.t.Pad)
}

// fix takes the size of the first image, named name, when nothing else
// fixed it.
func (s *imageSamples) fix(name string, h imageprep.Header) {
	if s.w == 0 {
		s.w, s.h = s.prep.Size(h.W, h.H)
		s.first = name
	}
}

// shape is the shape of a sample.
func (s *imageSamples) shape() []int { return []int{s.prep.Channels, s.h, s.w} }

// check refuses an image that would not come out the samples' size.
func (s *imageSamples) check(h imageprep.Header) error {
	w, hh := s.prep.Size(h.W, h.H)
	if w == s.w && hh == s.h {
		return nil
	}
	msg := fmt.Sprintf("%d×%d pixels (height×width)", h.H, h.W)
	if s.resize {
		msg += fmt.Sprintf(", %d×%d after --resize %s", hh, w, ints(s.t.Resize))
	}
	if !s.model {
		return fmt.Errorf("%s, but the first image, %s, is %d×%d; the images of a dataset must have one size: give --resize and --center-crop (torchvision's Resize and CenterCrop)",
			msg, s.first, s.h, s.w)
	}
	fix := fmt.Sprintf("--resize %d --center-crop %d", min(s.h, s.w), min(s.h, s.w))
	switch {
	case s.resize:
		fix = fmt.Sprintf("--center-crop %d,%d", s.h, s.w)
	case s.h != s.w:
		fix = fmt.Sprintf("--resize %d,%d, or --resize N --center-crop %d,%d", s.h, s.w, s.h, s.w)
	}
	return fmt.Errorf("%s, but the model takes %d×%d%s; resize and crop the images as the model was trained: add %s (torchvision's Resize and CenterCrop)",
		msg, s.h, s.w, s.padded(), fix)
}

// decode reads the image r holds into dst, the sample's C·H·W values.
func (s *imageSamples) decode(dst []float32, r io.ReadSeeker) error {
	m, _, err := imageprep.Decode(r, s.prep.Channels, s.check)
	if err != nil {
		return err
	}
	if m, err = s.prep.Apply(m); err != nil {
		return err
	}
	imageprep.ToTensor(dst, m, s.prep.Channels)
	return nil
}

// readHeader reads the header of an encoded image held in memory.
func readHeader(blob []byte) (imageprep.Header, error) {
	return imageprep.ReadHeader(bytes.NewReader(blob))
}
