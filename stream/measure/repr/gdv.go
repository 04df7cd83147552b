package repr

import (
	"errors"
	"math"
	"runtime"
	"sync"

	"cxray/stream/measure"
	"cxray/stream/measure/feature"
	"cxray/stream/measure/mst"
)

// GDV returns the generalized discrimination value of Schilling et al.
// (2021) of n = len(labels) points of dim features stored row by row in x.
// Every feature is z-scored over all points and halved,
//
//	s_if = ½ (x_if − μ_f) / σ_f   (population σ; a constant feature gives 0),
//
// then, with d̄(C_l) the mean Euclidean distance between the points of
// class l over its N_l(N_l−1)/2 pairs and d̄(C_l, C_m) the mean distance
// between the points of classes l and m over their N_l·N_m pairs, for L
// classes,
//
//	GDV = [ (1/L) Σ_l d̄(C_l) − (2/(L(L−1))) Σ_{l<m} d̄(C_l, C_m) ] / √dim.
//
// More negative is better separated; 0 means the class structure does not
// show in distances. Every class is weighted equally, whatever its size.
// It needs two classes of at least two points each.
//
// The distances are package mst's exact ones (mst.SqDist with
// the weights ½/σ_f: float64 differences of the float32 coordinates), so no
// scaled copy is made. Each point's distances to the points before it are
// summed per class (workers take interleaved rows), and the per-point sums
// are added in point order, so the value does not depend on the number of
// workers. Work: n²·dim/2 distance terms on GOMAXPROCS cores. Memory:
// O(n·L + dim) beyond the points.
func GDV(x []float32, dim int, labels []int32) (float64, error) {
	if err := check(x, dim, labels); err != nil {
		return math.NaN(), err
	}
	n := len(labels)
	_, of, counts := classes(labels)
	L := len(counts)
	if L < 2 {
		return math.NaN(), errors.New("repr: GDV needs at least two classes")
	}
	for _, c := range counts {
		if c < 2 {
			return math.NaN(), errors.New("repr: GDV needs at least two points per class")
		}
	}
	// The weights ½/σ_f of the definition above.
	w := feature.Weights(x, n, dim, measure.NormZScore)
	for f := range w {
		w[f] *= 0.5
	}
	// row[i·L+c] = Σ_{j<i, class(j)=c} d(i, j).
	row := make([]float64, n*L)
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for k := range workers {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			// Rows from the bottom (the longest) dealt round-robin.
			for i := n - 1 - k; i > 0; i -= workers {
				xi := x[i*dim : (i+1)*dim]
				ri := row[i*L : (i+1)*L]
				for j := range i {
					ri[of[j]] += math.Sqrt(mst.SqDist(xi, x[j*dim:(j+1)*dim], w))
				}
			}
		}(k)
	}
	wg.Wait()
	sum := make([]float64, L*L) // sum[a·L+b], a ≥ b
	for i := range n {
		a := of[i]
		for b, v := range row[i*L : (i+1)*L] {
			if a >= b {
				sum[a*L+b] += v
			} else {
				sum[b*L+a] += v
			}
		}
	}
	var intra, inter float64
	for a := range L {
		na := float64(counts[a])
		intra += sum[a*L+a] / (na * (na - 1) / 2)
		for b := range a {
			inter += sum[a*L+b] / (na * float64(counts[b]))
		}
	}
	intra /= float64(L)
	inter /= float64(L*(L-1)) / 2
	return (intra - inter) / math.Sqrt(float64(dim)), nil
}
