package kernel

import "golang.org/x/sys/cpu"

// Available reports whether Dot6x2 may run: it needs AVX2 and FMA.
var Available = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// Has512 reports whether Dot6x2 runs on 16 lanes (AVX-512F and DQ).
var Has512 = Available && cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ

// Dot6x2 computes the 12 dot products of the float32 rows a0…a5 with b0, b1
// over k8·8 elements and stores them row-major in out: out[2r+c] = a_r·b_c.
// Every row must hold at least k8·8 elements; Dot6x2 does not check, and
// must not be called unless Available.
//
// Each product is accumulated in 8 lanes with FMA (k8 roundings per lane)
// and the lanes are then added pairwise (3 more), a summation tree of depth
// k8+3; with AVX-512 (Has512), in 16 lanes (⌈k8/2⌉ roundings) folded to 8
// (1 more), depth at most k8/2+5. Either way the usual γ_d error bound of a
// float32 dot product of length d = 8·k8 ≥ 8 holds.
func Dot6x2(a0, a1, a2, a3, a4, a5, b0, b1 *float32, k8 int, out *[12]float32) {
	dot6x2(a0, a1, a2, a3, a4, a5, b0, b1, k8, Has512, out)
}

//go:noescape
func dot6x2(a0, a1, a2, a3, a4, a5, b0, b1 *float32, k8 int, wide bool, out *[12]float32)

// SqDist4 accumulates, for i < 4·n4, ((float64(a[i])-float64(b[i]))²) into
// out[i mod 4], in order of i, each operation rounded to float64 (no FMA):
// exactly the partial sums of the package's reference loop, so the result
// is bit-identical to it. Needs AVX2 (Available).
//
//go:noescape
func SqDist4(a, b *float32, n4 int, out *[4]float64)

// SqDistW4 is SqDist4 with every difference multiplied by w[i] before it is
// squared.
//
//go:noescape
func SqDistW4(a, b *float32, w *float64, n4 int, out *[4]float64)
