package kernel

// Sq1x4 accumulates, for i < 4·n4 and each of the four rows b_c, the
// squared difference (float64(a[i])-float64(b_c[i]))² into
// out[4c + i mod 4], in order of i, each operation rounded to float64 with
// no FMA: per pair exactly the partial sums of mst.SqDist. Needs AVX2
// (Available).
//
//go:noescape
func Sq1x4(a, b0, b1, b2, b3 *float32, n4 int, out *[16]float64)

// Abs1x4 is Sq1x4 with |a[i]-b_c[i]| in place of the square: the partial
// sums of a Manhattan distance.
//
//go:noescape
func Abs1x4(a, b0, b1, b2, b3 *float32, n4 int, out *[16]float64)

// AbsW1x4 is Abs1x4 with every absolute difference multiplied by w[i]: the
// partial sums of a Gower distance, w holding 1/range per feature.
//
//go:noescape
func AbsW1x4(a, b0, b1, b2, b3 *float32, w *float64, n4 int, out *[16]float64)
