package kernel

import "fmt"

// The elementwise kernels of ReLU and MaxPool. Each follows Go's builtin
// max on float32 (which is PyTorch's behaviour too): a NaN in either
// operand gives NaN. Where both operands are zeros of opposite sign, Max
// and PairMax may return either zero; Relu returns +0.

// Relu sets dst[i] = max(src[i], 0).
func Relu(dst, src []float32) {
	if len(src) < len(dst) {
		panic(fmt.Sprintf("kernel: Relu of %d values into %d", len(src), len(dst)))
	}
	i := 0
	if haveAVX2 && len(dst) >= 8 {
		i = len(dst) &^ 7
		relu8(&dst[0], &src[0], i/8)
	}
	src = src[:len(dst)]
	for ; i < len(dst); i++ {
		dst[i] = max(src[i], 0)
	}
}

// Max sets dst[i] = max(a[i], b[i]).
func Max(dst, a, b []float32) {
	if len(a) < len(dst) || len(b) < len(dst) {
		panic(fmt.Sprintf("kernel: Max of %d and %d values into %d", len(a), len(b), len(dst)))
	}
	i := 0
	if haveAVX2 && len(dst) >= 8 {
		i = len(dst) &^ 7
		max8(&dst[0], &a[0], &b[0], i/8)
	}
	a, b = a[:len(dst)], b[:len(dst)]
	for ; i < len(dst); i++ {
		dst[i] = max(a[i], b[i])
	}
}

// AddConst sets dst[i] = src[i] + b: Conv adds its bias this way while
// moving each row of the product into the output.
func AddConst(dst, src []float32, b float32) {
	if len(src) < len(dst) {
		panic(fmt.Sprintf("kernel: AddConst of %d values into %d", len(src), len(dst)))
	}
	i := 0
	if haveAVX2 && len(dst) >= 8 {
		i = len(dst) &^ 7
		addConst8(&dst[0], &src[0], b, i/8)
	}
	src = src[:len(dst)]
	for ; i < len(dst); i++ {
		dst[i] = src[i] + b
	}
}

// PairMax sets dst[i] = max(src[2i], src[2i+1]): the horizontal half of a
// 2×2, stride-2 max pool over rows laid end to end.
func PairMax(dst, src []float32) {
	if len(src) < 2*len(dst) {
		panic(fmt.Sprintf("kernel: PairMax of %d values into %d", len(src), len(dst)))
	}
	i := 0
	if haveAVX2 && len(dst) >= 8 {
		i = len(dst) &^ 7
		pairMax8(&dst[0], &src[0], i/8)
	}
	src = src[:2*len(dst)]
	for ; i < len(dst); i++ {
		dst[i] = max(src[2*i], src[2*i+1])
	}
}

// Clamp sets dst[i] = min(max(src[i], lo), hi), as Go's min and max do
// (NaN stays NaN), but for the sign of a zero result: Clip, and ReLU6 in
// particular.
func Clamp(dst, src []float32, lo, hi float32) {
	if len(src) < len(dst) {
		panic(fmt.Sprintf("kernel: Clamp of %d values into %d", len(src), len(dst)))
	}
	i := 0
	if haveAVX2 && len(dst) >= 8 {
		i = len(dst) &^ 7
		clamp8(&dst[0], &src[0], lo, hi, i/8)
	}
	src = src[:len(dst)]
	for ; i < len(dst); i++ {
		dst[i] = min(max(src[i], lo), hi)
	}
}
