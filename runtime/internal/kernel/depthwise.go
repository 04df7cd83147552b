package kernel

import "fmt"

// Depthwise sets dst[c] = Σ_t w[t]·b[offs[t] + c]: the product of one row
// of weights with a column matrix whose rows are views of b, as Gemm
// reads them. It is a depthwise convolution's product for one channel,
// which as a Gemm would fill one row of a six-row tile. len(dst) must be
// a multiple of NR. Each element sums its taps in order, as a float32
// chain of FMAs (in Go, of multiply-adds).
func Depthwise(dst, b []float32, offs []int, w []float32) {
	if len(dst)%NR != 0 || len(offs) < len(w) {
		panic(fmt.Sprintf("kernel: Depthwise of %d columns (not whole tiles) or %d offsets for %d weights", len(dst), len(offs), len(w)))
	}
	for _, o := range offs[:len(w)] {
		if o < 0 || o+len(dst) > len(b) {
			panic(fmt.Sprintf("kernel: Depthwise row at %d+%d is outside [0, %d)", o, len(dst), len(b)))
		}
	}
	if len(dst) == 0 {
		return
	}
	if haveAVX2 && len(w) > 0 {
		depthwise16(&dst[0], &b[0], &offs[0], &w[0], len(w), len(dst)/NR)
		return
	}
	clear(dst)
	for t, wt := range w {
		row := b[offs[t] : offs[t]+len(dst)]
		for c, v := range row {
			dst[c] += wt * v
		}
	}
}
