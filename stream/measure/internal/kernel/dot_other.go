//go:build !amd64

package kernel

// Available is false: Dot6x2 has no implementation on this architecture.
const Available = false

// Has512 is false: there is no AVX-512 kernel on this architecture.
const Has512 = false

// Dot6x2 is implemented for amd64 only.
func Dot6x2(a0, a1, a2, a3, a4, a5, b0, b1 *float32, k8 int, out *[12]float32) {
	panic("kernel: Dot6x2 needs amd64")
}

// SqDist4 is implemented for amd64 only.
func SqDist4(a, b *float32, n4 int, out *[4]float64) { panic("kernel: SqDist4 needs amd64") }

// SqDistW4 is implemented for amd64 only.
func SqDistW4(a, b *float32, w *float64, n4 int, out *[4]float64) {
	panic("kernel: SqDistW4 needs amd64")
}

// Sq1x4 is implemented for amd64 only.
func Sq1x4(a, b0, b1, b2, b3 *float32, n4 int, out *[16]float64) { panic("kernel: Sq1x4 needs amd64") }

// Abs1x4 is implemented for amd64 only.
func Abs1x4(a, b0, b1, b2, b3 *float32, n4 int, out *[16]float64) {
	panic("kernel: Abs1x4 needs amd64")
}

// AbsW1x4 is implemented for amd64 only.
func AbsW1x4(a, b0, b1, b2, b3 *float32, w *float64, n4 int, out *[16]float64) {
	panic("kernel: AbsW1x4 needs amd64")
}

// BelowCols is implemented for amd64 only.
func BelowCols(hu, lbf float64, hv []float64, g []float32, top, floor []float64) int {
	panic("kernel: BelowCols needs amd64")
}

// BelowRow is implemented for amd64 only.
func BelowRow(hu, lbf, thr float64, hv []float64, g []float32) int {
	panic("kernel: BelowRow needs amd64")
}
