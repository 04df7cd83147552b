//go:build !amd64

package kernel

// haveAVX2 is false: the portable loops run.
var haveAVX2 = false

func tile(k int, a, b []float32, offs []int, c []float32, ldc int, add bool) {
	tileGo(k, a, b, offs, c, ldc, add)
}

func relu8(dst, src *float32, n8 int)                    { panic("kernel: no AVX2") }
func max8(dst, a, b *float32, n8 int)                    { panic("kernel: no AVX2") }
func pairMax8(dst, src *float32, n8 int)                 { panic("kernel: no AVX2") }
func addConst8(dst, src *float32, b float32, n8 int)     { panic("kernel: no AVX2") }
func expAffine8(dst, src *float32, a, b float32, n8 int) { panic("kernel: no AVX2") }
func erf8(dst, src *float32, s float32, n8 int)          { panic("kernel: no AVX2") }

var haveAVX512 = false

func tile12x32(k int, a0, a1, b0, b1 *float32, offs *int, c *float32, ldc int, add bool) {
	panic("kernel: no AVX-512")
}

func depthwise16(dst, b *float32, offs *int, w *float32, taps, n16 int) { panic("kernel: no AVX2") }
func clamp8(dst, src *float32, lo, hi float32, n8 int)                  { panic("kernel: no AVX2") }
