package imageprep

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ParseSize reads a size as torchvision's transforms take it: "N" or
// "H,W" (also "HxW"), positive integers.
func ParseSize(s string) ([]int, error) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == 'x' || r == '×' })
	if len(parts) < 1 || len(parts) > 2 {
		return nil, fmt.Errorf("%q: want N or H,W", s)
	}
	size := make([]int, len(parts))
	for i, p := range parts {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || v < 1 || v > 1<<16 {
			return nil, fmt.Errorf("%q: %q is not a size from 1 to 65536 pixels", s, p)
		}
		size[i] = v
	}
	return size, nil
}

// ResizedSize is the size torchvision's Resize(size) gives an image of
// w×h pixels: size [h', w'] as it is; size [n] scales the shorter side to
// n and the longer one to int(n·long/short), as Python computes it (a
// correctly rounded division, truncated).
func ResizedSize(w, h int, size []int) (int, int) {
	if len(size) == 2 {
		return size[1], size[0]
	}
	short, long := w, h
	if w > h {
		short, long = h, w
	}
	n := size[0]
	l := int(float64(n*long) / float64(short))
	if w <= h {
		return n, l
	}
	return l, n
}

// CropSize is the h×w of CenterCrop(size): [n] is n×n.
func CropSize(size []int) (w, h int) {
	if len(size) == 1 {
		return size[0], size[0]
	}
	return size[1], size[0]
}

// CenterCrop cuts w×h pixels from the middle of m as torchvision's
// CenterCrop does: a side shorter than the crop is first padded with
// zeros, ⌊(w−W)/2⌋ before and the rest after; the crop then starts at
// round((W−w)/2), Python's round (half to even).
func CenterCrop(m *Image, w, h int) *Image {
	if w == m.W && h == m.H {
		return m
	}
	padL, padT := 0, 0
	pw, ph := m.W, m.H
	if w > m.W {
		padL, pw = (w-m.W)/2, w
	}
	if h > m.H {
		padT, ph = (h-m.H)/2, h
	}
	// The crop's corner in the padded image.
	left := int(math.RoundToEven(float64(pw-w) / 2))
	top := int(math.RoundToEven(float64(ph-h) / 2))
	out := newImage(w, h, m.C)
	for y := range h {
		sy := y + top - padT
		if sy < 0 || sy >= m.H {
			continue
		}
		for x := range w {
			sx := x + left - padL
			if sx < 0 || sx >= m.W {
				continue
			}
			for c := range m.C {
				out.Pix[(y*w+x)*m.C+c] = m.at(sx, sy, c)
			}
		}
	}
	return out
}

// ToTensor writes m to dst as channels×H×W float32 values v/255, as
// torchvision's ToTensor does; a one-channel image fills each of 3
// channels alike.
func ToTensor(dst []float32, m *Image, channels int) {
	plane := m.W * m.H
	for c := range channels {
		sc := min(c, m.C-1)
		out := dst[c*plane : (c+1)*plane]
		for i := range out {
			out[i] = float32(m.Pix[i*m.Step+sc]) / 255
		}
	}
}
