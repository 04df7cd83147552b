package imageprep

import "image"

// libjpeg's YCbCr to RGB conversion (jdcolor.c, ycc_rgb_convert) in 16-bit
// fixed point: FIX(x) = round(x·2¹⁶).
const (
	fixCrR = 91881  // FIX(1.40200)
	fixCbB = 116130 // FIX(1.77200)
	fixCrG = 46802  // FIX(0.71414)
	fixCbG = 22554  // FIX(0.34414)
	half   = 1 << 15
)

// yccToRGB converts one pixel as libjpeg does, which rounds the chroma
// terms where Go's color.YCbCrToRGB rounds their sum.
func yccToRGB(y, cb, cr uint8) (uint8, uint8, uint8) {
	yy, b, r := int32(y), int32(cb)-128, int32(cr)-128
	return clamp8(yy + (fixCrR*r+half)>>16),
		clamp8(yy + (-fixCbG*b+half-fixCrG*r)>>16),
		clamp8(yy + (fixCbB*b+half)>>16)
}

func clamp8(v int32) uint8 { return uint8(min(max(v, 0), 255)) }

// ycbcrImage converts a decoded JPEG to channels channels as libjpeg
// (-turbo), and so PIL, would from the same DCT output: subsampled
// chroma is interpolated with libjpeg's "fancy" triangle filter for 4:2:0,
// 4:2:2 and 4:4:0 (jdsample.c), and repeated for the rarer 4:1:1 and
// 4:1:0, as libjpeg repeats it; then converted with libjpeg's fixed point.
func ycbcrImage(m *image.YCbCr, channels int) *Image {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	cb, cr := make([]uint8, w*h), make([]uint8, w*h)
	up := upsampler(m.SubsampleRatio)
	up(cb, m.Cb, m.CStride, w, h)
	up(cr, m.Cr, m.CStride, w, h)
	return fill(w, h, channels, func(x, y int) (uint8, uint8, uint8) {
		i := y*w + x
		return yccToRGB(m.Y[y*m.YStride+x], cb[i], cr[i])
	})
}

// upsampler returns the chroma interpolation of libjpeg-turbo for a
// subsample ratio: it fills dst, w×h, from the plane src of the given
// stride.
func upsampler(r image.YCbCrSubsampleRatio) func(dst, src []uint8, stride, w, h int) {
	switch r {
	case image.YCbCrSubsampleRatio444:
		return func(dst, src []uint8, stride, w, h int) {
			for y := range h {
				copy(dst[y*w:(y+1)*w], src[y*stride:])
			}
		}
	case image.YCbCrSubsampleRatio420:
		return fancy420
	case image.YCbCrSubsampleRatio422:
		return func(dst, src []uint8, stride, w, h int) {
			cw := (w + 1) / 2
			for y := range h {
				fancyRow(dst[y*w:(y+1)*w], src[y*stride:y*stride+cw])
			}
		}
	case image.YCbCrSubsampleRatio440:
		return func(dst, src []uint8, stride, w, h int) {
			ch := (h + 1) / 2
			for y := range h {
				near, far, bias := y/2, y/2-1, int32(1)
				if y%2 == 1 {
					far, bias = y/2+1, 2
				}
				far = min(max(far, 0), ch-1)
				for x := range w {
					s := 3*int32(src[near*stride+x]) + int32(src[far*stride+x])
					dst[y*w+x] = uint8((s + bias) >> 2)
				}
			}
		}
	}
	// 4:1:1 and 4:1:0: repeated, as libjpeg's int_upsample does.
	return func(dst, src []uint8, stride, w, h int) {
		fx, fy := 4, 1
		if r == image.YCbCrSubsampleRatio410 {
			fy = 2
		}
		for y := range h {
			for x := range w {
				dst[y*w+x] = src[(y/fy)*stride+x/fx]
			}
		}
	}
}

// fancyRow is libjpeg's h2v1_fancy_upsample of one row: each output pixel
// is ¾ of the nearer input pixel and ¼ of the further one, the first and
// last taken as they are.
func fancyRow(dst, src []uint8) {
	cw := len(src)
	for c := range cw {
		v := 3 * int32(src[c])
		left, right := int32(src[c]), int32(src[c])
		if c > 0 {
			left = (v + int32(src[c-1]) + 1) >> 2
		}
		if c < cw-1 {
			right = (v + int32(src[c+1]) + 2) >> 2
		}
		dst[2*c] = uint8(left)
		if 2*c+1 < len(dst) {
			dst[2*c+1] = uint8(right)
		}
	}
}

// fancy420 is libjpeg's h2v2_fancy_upsample: ¾ nearer and ¼ further in
// each direction (9/16, 3/16, 3/16, 1/16), the rows beyond the plane's
// edges repeating its first and last.
func fancy420(dst, src []uint8, stride, w, h int) {
	cw, ch := (w+1)/2, (h+1)/2
	sum := make([]int32, cw)
	for y := range h {
		near, far := y/2, y/2-1
		if y%2 == 1 {
			far = y/2 + 1
		}
		far = min(max(far, 0), ch-1)
		for c := range cw {
			sum[c] = 3*int32(src[near*stride+c]) + int32(src[far*stride+c])
		}
		row := dst[y*w : (y+1)*w]
		for c := range cw {
			left, right := (sum[c]*4+8)>>4, (sum[c]*4+7)>>4
			if c > 0 {
				left = (sum[c]*3 + sum[c-1] + 8) >> 4
			}
			if c < cw-1 {
				right = (sum[c]*3 + sum[c+1] + 7) >> 4
			}
			row[2*c] = uint8(left)
			if 2*c+1 < w {
				row[2*c+1] = uint8(right)
			}
		}
	}
}
