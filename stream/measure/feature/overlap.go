package feature

import (
	"fmt"
	"math"
	"sort"
)

// F3 and F4 count the points that lie in the overlap region of a pair of
// classes, so they take the stored points: x holds len(labels) points of dim
// float32 features row by row (as n1.ExactN1 stores them). The overlap region
// of classes a and b on feature f is [maxmin_f, minmax_f] with
// maxmin_f = max(min_af, min_bf) and minmax_f = min(max_af, max_bf); a point
// of the pair is outside it when x_f < maxmin_f or x_f > minmax_f (strict,
// as ECoL's nonOverlap; an empty region leaves every point outside).

// featClasses validates the points and returns the sorted labels and, per
// label, the rows of its points.
func featClasses(x []float32, labels []int32, dim int) ([]int32, map[int32][]int, error) {
	if dim < 1 || len(x) != len(labels)*dim {
		return nil, nil, fmt.Errorf("feature: %d values for %d points of dimension %d", len(x), len(labels), dim)
	}
	for _, v := range x {
		if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, nil, fmt.Errorf("feature: NaN or infinite coordinate")
		}
	}
	rows := map[int32][]int{}
	for i, l := range labels {
		rows[l] = append(rows[l], i)
	}
	ls := make([]int32, 0, len(rows))
	for l := range rows {
		ls = append(ls, l)
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i] < ls[j] })
	return ls, rows, nil
}

// featOverlap returns, for the given features, the bounds maxmin and minmax
// of the overlap region of the points ra and rb (both non-empty).
func featOverlap(x []float32, dim int, ra, rb []int, feats []int) (maxmin, minmax []float32) {
	maxmin = make([]float32, len(feats))
	minmax = make([]float32, len(feats))
	bounds := func(rows []int, f int) (lo, hi float32) {
		lo, hi = x[rows[0]*dim+f], x[rows[0]*dim+f]
		for _, i := range rows[1:] {
			v := x[i*dim+f]
			lo = min(lo, v)
			hi = max(hi, v)
		}
		return lo, hi
	}
	for k, f := range feats {
		loa, hia := bounds(ra, f)
		lob, hib := bounds(rb, f)
		maxmin[k] = max(loa, lob)
		minmax[k] = min(hia, hib)
	}
	return maxmin, minmax
}

// featMean returns the mean of v, NaN if v is empty.
func featMean(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
