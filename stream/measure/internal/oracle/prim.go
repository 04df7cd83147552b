package oracle

import "math"

// RefPrim is the textbook dense Prim: plain sequential float64 sums of
// squared differences (times w_j when w is not nil), the same strict-< /
// lowest-index rule with the relative tolerance rtol as
// fixtures/reference/n1_reference.py. It returns the parent of every point
// (-1 for point 0).
func RefPrim(x []float32, dim int, w []float64, rtol float64) []int {
	n := len(x) / dim
	dist := func(a, b int) float64 {
		s := 0.0
		for j := 0; j < dim; j++ {
			d := float64(x[a*dim+j]) - float64(x[b*dim+j])
			if w != nil {
				d *= w[j]
			}
			s += d * d
		}
		return s
	}
	parent := make([]int, n)
	key := make([]float64, n)
	in := make([]bool, n)
	for i := range key {
		key[i] = math.Inf(1)
		parent[i] = -1
	}
	if n == 0 {
		return parent
	}
	v := 0
	in[0] = true
	for step := 1; step < n; step++ {
		for u := 0; u < n; u++ {
			if !in[u] {
				if d := dist(v, u); d < key[u]*(1-rtol) {
					key[u], parent[u] = d, v
				}
			}
		}
		m := math.Inf(1)
		for u := 0; u < n; u++ {
			if !in[u] && key[u] < m {
				m = key[u]
			}
		}
		lim := 0.0
		if m > 0 {
			lim = m * (1 + rtol)
		}
		for u := 0; u < n; u++ {
			if !in[u] && key[u] <= lim {
				v = u
				break
			}
		}
		in[v] = true
	}
	return parent
}
