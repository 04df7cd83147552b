package mst

import (
	"math"

	"cxray/stream/measure/internal/kernel"
)

// sqDist64 is the exact squared distance of the package: every coordinate is
// widened to float64, the difference (times the feature weight w_i when the
// points are normalised) is squared, and the squares are summed in four
// interleaved partial sums s_(i mod 4), added as (s0+s1)+(s2+s3) at the end.
//
// The order is fixed so that a distance is the same value on every call and
// every path. The explicit float64 conversions stop the compiler from fusing
// the multiply and the add into an FMA on targets that have one, which would
// round differently.
func sqDist64(a, b []float32, w []float64) float64 {
	if haveKernel && len(a) >= 8 {
		return sqDist64Kernel(a, b, w)
	}
	return sqDist64Go(a, b, w)
}

// sqDist64Kernel is sqDist64 with the four partial sums accumulated by the
// assembly kernel, one float64 lane each: the same operations in the same
// order, so the same bits (TestSqDistKernelBitIdentical).
func sqDist64Kernel(a, b []float32, w []float64) float64 {
	n4 := len(a) / 4
	b = b[:len(a)]
	var s [4]float64
	if w == nil {
		kernel.SqDist4(&a[0], &b[0], n4, &s)
		for i := 4 * n4; i < len(a); i++ {
			d := float64(a[i]) - float64(b[i])
			s[0] += float64(d * d)
		}
	} else {
		w = w[:len(a)]
		kernel.SqDistW4(&a[0], &b[0], &w[0], n4, &s)
		for i := 4 * n4; i < len(a); i++ {
			d := float64(float64(a[i])-float64(b[i])) * w[i]
			s[0] += float64(d * d)
		}
	}
	return (s[0] + s[1]) + (s[2] + s[3])
}

// sqDist64Go is the definition, in Go.
func sqDist64Go(a, b []float32, w []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	i := 0
	if w == nil {
		for ; i+4 <= len(a); i += 4 {
			d0 := float64(a[i]) - float64(b[i])
			d1 := float64(a[i+1]) - float64(b[i+1])
			d2 := float64(a[i+2]) - float64(b[i+2])
			d3 := float64(a[i+3]) - float64(b[i+3])
			s0 += float64(d0 * d0)
			s1 += float64(d1 * d1)
			s2 += float64(d2 * d2)
			s3 += float64(d3 * d3)
		}
		for ; i < len(a); i++ {
			d := float64(a[i]) - float64(b[i])
			s0 += float64(d * d)
		}
		return (s0 + s1) + (s2 + s3)
	}
	w = w[:len(a)]
	for ; i+4 <= len(a); i += 4 {
		d0 := float64(float64(a[i])-float64(b[i])) * w[i]
		d1 := float64(float64(a[i+1])-float64(b[i+1])) * w[i+1]
		d2 := float64(float64(a[i+2])-float64(b[i+2])) * w[i+2]
		d3 := float64(float64(a[i+3])-float64(b[i+3])) * w[i+3]
		s0 += float64(d0 * d0)
		s1 += float64(d1 * d1)
		s2 += float64(d2 * d2)
		s3 += float64(d3 * d3)
	}
	for ; i < len(a); i++ {
		d := float64(float64(a[i])-float64(b[i])) * w[i]
		s0 += float64(d * d)
	}
	return (s0 + s1) + (s2 + s3)
}

// SqDist returns the exact squared distance between two points as the
// package defines it (see the package documentation): float64 arithmetic on
// the float32 coordinates, scaled by w when w is not nil, summed in a fixed
// order. Every comparison that shapes the tree is made on these values.
// It returns NaN when the lengths disagree.
func SqDist(a, b []float32, w []float64) float64 {
	if len(a) != len(b) || (w != nil && len(w) != len(a)) {
		return math.NaN()
	}
	return sqDist64(a, b, w)
}
