package imageprep

import "fmt"

// Prep is torchvision's Resize followed by CenterCrop, either of which
// may be absent (nil), on images converted to Channels channels.
type Prep struct {
	Resize     []int // [n]: the shorter side to n; [h, w]
	CenterCrop []int // [n]: n×n; [h, w]
	Channels   int   // 1 (greyscale, PIL's L) or 3 (RGB)
}

// Size is the width and height p gives an image of w×h pixels.
func (p Prep) Size(w, h int) (int, int) {
	if p.Resize != nil {
		w, h = ResizedSize(w, h, p.Resize)
	}
	if p.CenterCrop != nil {
		w, h = CropSize(p.CenterCrop)
	}
	return w, h
}

// Apply resizes, then crops m. A resize to more than MaxPixels pixels
// (a long thin image whose shorter side is scaled up) is an error.
func (p Prep) Apply(m *Image) (*Image, error) {
	if p.Resize != nil {
		w, h := ResizedSize(m.W, m.H, p.Resize)
		if int64(w)*int64(h) > MaxPixels {
			return nil, fmt.Errorf("--resize would make its %d×%d pixels %d×%d (height×width), more than %d pixels", m.H, m.W, h, w, MaxPixels)
		}
		m = Resize(m, w, h)
	}
	if p.CenterCrop != nil {
		w, h := CropSize(p.CenterCrop)
		m = CenterCrop(m, w, h)
	}
	return m, nil
}
