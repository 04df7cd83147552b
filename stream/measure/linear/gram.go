package linear

import (
	"math"
	"sync"
)

// scalePair copies the rows idx of x (dim features) into a float64 matrix,
// scaled as sc says, and reports whether scaling was applied.
//
// ScaleZScore and ScaleE1071 both use R's scale(): the mean and the sample
// standard deviation (n−1 denominator) of the pair's own points. A feature
// that is constant on the pair has no standard deviation: ScaleZScore sets
// it to 0 (a constant feature cannot move a linear decision anyway), while
// ScaleE1071 does what e1071::svm does, warn and scale no feature at all.
func scalePair[T float32 | float64](x []T, dim int, idx []int, sc Scaling) ([]float64, bool) {
	n := len(idx)
	z := make([]float64, n*dim)
	for r, i := range idx {
		row := x[i*dim : (i+1)*dim]
		zr := z[r*dim : (r+1)*dim]
		for f, v := range row {
			zr[f] = float64(v)
		}
	}
	if sc == ScaleNone {
		return z, false
	}
	mean := make([]float64, dim)
	for r := range n {
		for f, v := range z[r*dim : (r+1)*dim] {
			mean[f] += v
		}
	}
	for f := range mean {
		mean[f] /= float64(n)
	}
	sd := make([]float64, dim)
	for r := range n {
		for f, v := range z[r*dim : (r+1)*dim] {
			d := v - mean[f]
			sd[f] += d * d
		}
	}
	constant := false
	for f := range sd {
		sd[f] = math.Sqrt(sd[f] / float64(n-1))
		if !(sd[f] > 0) {
			constant = true
		}
	}
	if constant && sc == ScaleE1071 {
		return z, false
	}
	for r := range n {
		zr := z[r*dim : (r+1)*dim]
		for f := range zr {
			if sd[f] > 0 {
				zr[f] = (zr[f] - mean[f]) / sd[f]
			} else {
				zr[f] = 0
			}
		}
	}
	return z, true
}

// gram returns the n×n matrix of dot products of the rows of z (dim
// columns), in float64, computed by workers goroutines in 2×2 blocks (each
// product summed in index order, so the value does not depend on the
// blocking or the number of workers).
func gram(z []float64, n, dim, workers int) []float64 {
	k := make([]float64, n*n)
	row := func(i int) []float64 { return z[i*dim : (i+1)*dim] }
	// Row blocks of two are dealt round-robin from the bottom, where the
	// blocks are longest, for balance.
	var wg sync.WaitGroup
	workers = max(1, workers)
	for w := range workers {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			nb := (n + 1) / 2
			for b := nb - 1 - w; b >= 0; b -= workers {
				i := 2 * b
				if i+1 == n { // last single row
					for j := 0; j <= i; j++ {
						k[i*n+j] = dot(row(i), row(j))
					}
					continue
				}
				for j := 0; j <= i; j += 2 {
					s00, s01, s10, s11 := dot2x2(row(i), row(i+1), row(j), row(j+1))
					k[i*n+j], k[i*n+j+1] = s00, s01
					k[(i+1)*n+j], k[(i+1)*n+j+1] = s10, s11
				}
			}
		}(w)
	}
	wg.Wait()
	for i := range n {
		for j := 0; j < i; j++ {
			k[j*n+i] = k[i*n+j]
		}
	}
	return k
}

// dot is Σ a_i b_i in index order; the float64 conversion keeps the
// compiler from fusing the multiply and the add.
func dot(a, b []float64) float64 {
	b = b[:len(a)]
	var s float64
	for i, v := range a {
		s += float64(v * b[i])
	}
	return s
}

// dot2x2 returns the four dot products of a0, a1 with b0, b1, each summed
// in index order exactly as dot does.
func dot2x2(a0, a1, b0, b1 []float64) (s00, s01, s10, s11 float64) {
	n := len(a0)
	a1, b0, b1 = a1[:n], b0[:n], b1[:n]
	for k := range n {
		x0, x1, y0, y1 := a0[k], a1[k], b0[k], b1[k]
		s00 += float64(x0 * y0)
		s01 += float64(x0 * y1)
		s10 += float64(x1 * y0)
		s11 += float64(x1 * y1)
	}
	return
}
