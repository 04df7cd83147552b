package numeric

import "sync"

// Gram returns the n×n matrix of dot products of the rows of x (dim
// columns), in float64, computed by workers goroutines in 2×2 blocks. Each
// product is taken in float64 (exact for float32 inputs) and each entry is
// summed in index order, so the value does not depend on the blocking or
// the number of workers.
func Gram[T float32 | float64](x []T, n, dim, workers int) []float64 {
	k := make([]float64, n*n)
	row := func(i int) []T { return x[i*dim : (i+1)*dim] }
	// Row blocks of two are dealt round-robin from the bottom, where the
	// blocks are longest, for balance.
	var wg sync.WaitGroup
	workers = max(1, workers)
	nb := (n + 1) / 2
	for w := range workers {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
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

// dot is Σ a_i b_i in float64, in index order; the float64 conversion of
// each product keeps the compiler from fusing the multiply and the add.
func dot[T float32 | float64](a, b []T) float64 {
	b = b[:len(a)]
	var s float64
	for i, v := range a {
		s += float64(float64(v) * float64(b[i]))
	}
	return s
}

// dot2x2 returns the four dot products of a0, a1 with b0, b1, each summed
// in index order exactly as dot does.
func dot2x2[T float32 | float64](a0, a1, b0, b1 []T) (s00, s01, s10, s11 float64) {
	n := len(a0)
	a1, b0, b1 = a1[:n], b0[:n], b1[:n]
	for k := range n {
		x0, x1 := float64(a0[k]), float64(a1[k])
		y0, y1 := float64(b0[k]), float64(b1[k])
		s00 += float64(x0 * y0)
		s01 += float64(x0 * y1)
		s10 += float64(x1 * y0)
		s11 += float64(x1 * y1)
	}
	return
}
