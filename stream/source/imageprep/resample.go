package imageprep

import "math"

// precisionBits is the fixed point of PIL's 8-bit resampling: 32 bits
// less 8 for the pixel and 2 for the overshoot of filters with negative
// lobes.
const precisionBits = 32 - 8 - 2

// axis holds the weights that resize one axis: output pixel i reads
// the input pixels from lo[i] to lo[i]+n[i]-1 with weights
// k[i*size : i*size+n[i]] in fixed point.
type axis struct {
	lo, n []int
	k     []int32
	size  int
}

// triangle is the bilinear filter, max(0, 1−|x|).
func triangle(x float64) float64 {
	if x < 0 {
		x = -x
	}
	if x < 1 {
		return 1 - x
	}
	return 0
}

// newAxis computes PIL's weights for resizing in pixels to out
// (precompute_coeffs and normalize_coeffs_8bpc of Resample.c). The float64
// conversions keep every product rounded on its own, as the C code is
// compiled, where Go could otherwise fuse a multiply and an add.
func newAxis(in, out int) axis {
	scale := float64(in) / float64(out)
	filterscale := max(scale, 1)
	support := filterscale // the triangle's support, 1, stretched
	size := int(math.Ceil(support))*2 + 1
	a := axis{lo: make([]int, out), n: make([]int, out), k: make([]int32, out*size), size: size}
	w := make([]float64, size)
	ss := 1 / filterscale
	for i := range out {
		center := float64((float64(i) + 0.5) * scale)
		lo := max(int(center-support+0.5), 0)
		hi := min(int(center+support+0.5), in)
		n := hi - lo
		var sum float64
		for j := range n {
			w[j] = triangle(float64((float64(j+lo) - center + 0.5) * ss))
			sum += w[j]
		}
		for j := range n {
			v := w[j]
			if sum != 0 {
				v /= sum
			}
			if v < 0 {
				a.k[i*size+j] = int32(-0.5 + float64(v*(1<<precisionBits)))
			} else {
				a.k[i*size+j] = int32(0.5 + float64(v*(1<<precisionBits)))
			}
		}
		a.lo[i], a.n[i] = lo, n
	}
	return a
}

// clip8 turns a fixed-point sum into a pixel value.
func clip8(ss int) uint8 {
	return uint8(min(max(ss>>precisionBits, 0), 255))
}

// Resize returns m resized to w×h pixels as PIL's Image.resize with the
// BILINEAR filter resizes an L or RGB image: rows first, then columns,
// each pass rounded to 8 bits. An image of that size already is returned
// as it is.
func Resize(m *Image, w, h int) *Image {
	if w == m.W && h == m.H {
		return m
	}
	needRows := h != m.H
	rows := newAxis(m.H, h)
	first, last := rows.lo[0], rows.lo[h-1]+rows.n[h-1]
	if w != m.W {
		cols := newAxis(m.W, w)
		tmp := newImage(w, last-first, m.C)
		o := 0
		for y := range last - first {
			for x := range w {
				k := cols.k[x*cols.size : x*cols.size+cols.n[x]]
				p := ((y+first)*m.W + cols.lo[x]) * m.Step
				for c := range m.C {
					ss := 1 << (precisionBits - 1)
					for j, kj := range k {
						ss += int(m.Pix[p+j*m.Step+c]) * int(kj)
					}
					tmp.Pix[o] = clip8(ss)
					o++
				}
			}
		}
		for i := range rows.lo {
			rows.lo[i] -= first
		}
		m = tmp
	}
	if !needRows {
		return m
	}
	out := newImage(w, h, m.C)
	o := 0
	for y := range h {
		k := rows.k[y*rows.size : y*rows.size+rows.n[y]]
		for x := range w {
			p := (rows.lo[y]*m.W + x) * m.Step
			for c := range m.C {
				ss := 1 << (precisionBits - 1)
				for j, kj := range k {
					ss += int(m.Pix[p+j*m.W*m.Step+c]) * int(kj)
				}
				out.Pix[o] = clip8(ss)
				o++
			}
		}
	}
	return out
}
