package kernel

import "golang.org/x/sys/cpu"

// haveAVX2 selects the assembly tile; it needs AVX2 and FMA.
var haveAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// tile6x16 is tileGo in AVX2+FMA, on raw pointers: a is k·MR values,
// row l of B is the NR values at b + offs[l], c is MR rows of NR values
// at stride ldc (offsets and stride in elements); without add the block
// of C is overwritten rather than added to. Gemm checks the bounds.
//
//go:noescape
func tile6x16(k int, a, b *float32, offs *int, c *float32, ldc int, add bool)

func tile(k int, a, b []float32, offs []int, c []float32, ldc int, add bool) {
	if haveAVX2 {
		tile6x16(k, &a[0], &b[0], &offs[0], &c[0], ldc, add)
		return
	}
	tileGo(k, a, b, offs, c, ldc, add)
}

// relu8, max8, pairMax8 and addConst8 are the AVX loops of Relu, Max,
// PairMax and AddConst over n8 blocks of 8 outputs; the callers check the
// bounds.
//
//go:noescape
func relu8(dst, src *float32, n8 int)

//go:noescape
func max8(dst, a, b *float32, n8 int)

//go:noescape
func pairMax8(dst, src *float32, n8 int)

//go:noescape
func addConst8(dst, src *float32, b float32, n8 int)

// expAffine8 is the AVX2 loop of ExpAffine over n8 blocks of 8 values;
// the caller checks the bounds.
//
//go:noescape
func expAffine8(dst, src *float32, a, b float32, n8 int)

// erf8 is the AVX2 loop of Erf over n8 blocks of 8 values; the caller
// checks the bounds.
//
//go:noescape
func erf8(dst, src *float32, s float32, n8 int)

// haveAVX512 selects the 12×32 tile; it needs AVX-512F (and the AVX2
// tile for the edges).
var haveAVX512 = haveAVX2 && cpu.X86.HasAVX512F

// tile12x32 is the AVX-512 tile of two row panels of A by two column
// panels of B: row l of B is the 16 values at b0 + offs[l] and the 16 at
// b1 + offs[l]. The callers check the bounds.
//
//go:noescape
func tile12x32(k int, a0, a1, b0, b1 *float32, offs *int, c *float32, ldc int, add bool)

// depthwise16 is the AVX2 loop of Depthwise over n16 blocks of 16
// columns; the caller checks the bounds.
//
//go:noescape
func depthwise16(dst, b *float32, offs *int, w *float32, taps, n16 int)

// clamp8 is the AVX loop of Clamp over n8 blocks of 8 values; the caller
// checks the bounds.
//
//go:noescape
func clamp8(dst, src *float32, lo, hi float32, n8 int)
