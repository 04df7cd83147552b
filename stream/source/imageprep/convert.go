package imageprep

import (
	"image"
	"image/color"
)

// Image is an 8-bit image of W×H pixels and C channels, 1 (greyscale) or
// 3 (RGB), row by row: channel c of pixel (x, y) is
// Pix[(y·W+x)·Step+c]. A Step above C lets Go's 4-byte RGBA pixels be read
// as RGB without a copy.
type Image struct {
	W, H, C, Step int
	Pix           []uint8
}

// at returns channel c of pixel (x, y).
func (m *Image) at(x, y, c int) uint8 { return m.Pix[(y*m.W+x)*m.Step+c] }

// newImage allocates a packed image.
func newImage(w, h, c int) *Image {
	return &Image{W: w, H: h, C: c, Step: c, Pix: make([]uint8, w*h*c)}
}

// luma is PIL's conversion of RGB to L (Convert.c, L24).
func luma(r, g, b uint8) uint8 {
	return uint8((19595*uint32(r) + 38470*uint32(g) + 7471*uint32(b) + 0x8000) >> 16)
}

// convert turns a decoded image into channels channels as PIL's
// Image.convert("L") or convert("RGB") would. A greyscale image stays one
// channel either way: PIL's RGB of it repeats the grey value in every
// channel, and every later step treats channels alike, so ToTensor repeats
// it at the end, which is the same and a third of the work.
func convert(img image.Image, channels int) *Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	switch m := img.(type) {
	case *image.Gray:
		if packed(m.Rect, m.Stride, w) {
			return &Image{W: w, H: h, C: 1, Step: 1, Pix: m.Pix[:w*h]}
		}
		out := newImage(w, h, 1)
		for y := range h {
			copy(out.Pix[y*w:(y+1)*w], m.Pix[y*m.Stride:])
		}
		return out
	case *image.Gray16:
		out := newImage(w, h, 1)
		for y := range h {
			row := m.Pix[y*m.Stride:]
			for x := range w {
				out.Pix[y*w+x] = row[2*x] // the high byte (big-endian)
			}
		}
		return out
	case *image.RGBA: // opaque: Go's PNG decoder gives RGBA for RGB without transparency
		if channels == 3 && packed(m.Rect, m.Stride, 4*w) {
			return &Image{W: w, H: h, C: 3, Step: 4, Pix: m.Pix[:4*w*h]}
		}
		return fill(w, h, channels, bytesAt(m.Pix, m.Stride, 4, 1))
	case *image.NRGBA: // straight alpha, dropped as PIL drops it
		if channels == 3 && packed(m.Rect, m.Stride, 4*w) {
			return &Image{W: w, H: h, C: 3, Step: 4, Pix: m.Pix[:4*w*h]}
		}
		return fill(w, h, channels, bytesAt(m.Pix, m.Stride, 4, 1))
	case *image.RGBA64:
		return fill(w, h, channels, bytesAt(m.Pix, m.Stride, 8, 2))
	case *image.NRGBA64:
		return fill(w, h, channels, bytesAt(m.Pix, m.Stride, 8, 2))
	case *image.Paletted:
		var pal [256][3]uint8
		for i, c := range m.Palette {
			n := color.NRGBAModel.Convert(c).(color.NRGBA)
			pal[i] = [3]uint8{n.R, n.G, n.B}
		}
		return fill(w, h, channels, func(x, y int) (uint8, uint8, uint8) {
			p := pal[m.Pix[y*m.Stride+x]]
			return p[0], p[1], p[2]
		})
	case *image.YCbCr:
		return ycbcrImage(m, channels)
	case *image.CMYK:
		return fill(w, h, channels, func(x, y int) (uint8, uint8, uint8) {
			i := y*m.Stride + 4*x
			return color.CMYKToRGB(m.Pix[i], m.Pix[i+1], m.Pix[i+2], m.Pix[i+3])
		})
	}
	// No decoder of this package makes another type; through straight
	// 16-bit RGBA, keeping the high byte.
	return fill(w, h, channels, func(x, y int) (uint8, uint8, uint8) {
		c := color.NRGBA64Model.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA64)
		return uint8(c.R >> 8), uint8(c.G >> 8), uint8(c.B >> 8)
	})
}

// bytesAt reads R, G and B from pixels of step bytes whose samples are
// size bytes each, big-endian: the high byte of each.
func bytesAt(pix []uint8, stride, step, size int) func(x, y int) (uint8, uint8, uint8) {
	return func(x, y int) (uint8, uint8, uint8) {
		i := y*stride + x*step
		return pix[i], pix[i+size], pix[i+2*size]
	}
}

// packed reports whether an image of rows of n bytes starts at the origin
// with no gap between rows.
func packed(r image.Rectangle, stride, n int) bool {
	return r.Min == image.Point{} && stride == n
}

// fill makes a packed image of channels channels from the RGB values at
// each pixel, converting them to L for one channel.
func fill(w, h, channels int, rgb func(x, y int) (uint8, uint8, uint8)) *Image {
	out := newImage(w, h, channels)
	i := 0
	for y := range h {
		for x := range w {
			r, g, b := rgb(x, y)
			if channels == 1 {
				out.Pix[i] = luma(r, g, b)
				i++
				continue
			}
			out.Pix[i], out.Pix[i+1], out.Pix[i+2] = r, g, b
			i += 3
		}
	}
	return out
}
