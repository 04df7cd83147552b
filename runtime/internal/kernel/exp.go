package kernel

import (
	"fmt"
	"math"
)

// ExpAffine sets dst[i] = exp(a·src[i] + b) in float32, to about one ulp
// (Cephes' expf: see expAffine8). Softmax calls it with a = 1 and b the
// row's negated maximum, Sigmoid with a = −1, Erf with a = −1 on squares.
func ExpAffine(dst, src []float32, a, b float32) {
	if len(src) < len(dst) {
		panic(fmt.Sprintf("kernel: ExpAffine of %d values into %d", len(src), len(dst)))
	}
	i := 0
	if haveAVX2 && len(dst) >= 8 {
		i = len(dst) &^ 7
		expAffine8(&dst[0], &src[0], a, b, i/8)
	}
	src = src[:len(dst)]
	for ; i < len(dst); i++ {
		dst[i] = expf(a*src[i] + b)
	}
}

// expf is expAffine8's algorithm for one value, in Go.
func expf(v float32) float32 {
	switch {
	case v != v:
		return v
	case v > 88.72283935546875:
		return float32(math.Inf(1))
	}
	v = min(max(v, -88.3762626647949), 88.3762626647949)
	n := float32(math.Floor(float64(v*1.44269504088896341 + 0.5)))
	r := v - n*0.693359375
	r -= n * -2.12194440e-4
	p := float32(1.9875691500e-4)
	p = p*r + 1.3981999507e-3
	p = p*r + 8.3334519073e-3
	p = p*r + 4.1665795894e-2
	p = p*r + 1.6666665459e-1
	p = p*r + 5.0000001201e-1
	y := p*r*r + r + 1
	if n <= -127 {
		return 0
	}
	return y * math.Float32frombits(uint32(int32(n)+127)<<23)
}

// Erf sets dst[i] = erf(s·src[i]) within 3e-7 (see erf8): GELU calls it
// with s = 1/√2.
func Erf(dst, src []float32, s float32) {
	if len(src) < len(dst) {
		panic(fmt.Sprintf("kernel: Erf of %d values into %d", len(src), len(dst)))
	}
	i := 0
	if haveAVX2 && len(dst) >= 8 {
		i = len(dst) &^ 7
		erf8(&dst[0], &src[0], s, i/8)
	}
	src = src[:len(dst)]
	for ; i < len(dst); i++ {
		dst[i] = erff(s * src[i])
	}
}

// erff is erf8's algorithm for one value, in Go and float64.
func erff(v float32) float32 {
	x := float64(v)
	ax := math.Abs(x)
	if ax < 0.5 {
		z := x * x
		p := ((((((1.0/9360)*z-1.0/1320)*z+1.0/216)*z-1.0/42)*z+1.0/10)*z-1.0/3)*z + 1
		return float32(1.1283791670955126 * x * p)
	}
	t := 1 / (1 + 0.3275911*ax)
	y := 1 - t*(0.254829592+t*(-0.284496736+t*(1.421413741+t*(-1.453152027+t*1.061405429))))*math.Exp(-x*x)
	if x < 0 {
		y = -y
	}
	return float32(y)
}
