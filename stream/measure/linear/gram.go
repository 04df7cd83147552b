package linear

import (
	"math"

	"cxray/stream/measure/feature"
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
	cols := feature.OfRows(x, dim, idx, feature.Spread)
	mean := cols.Mean
	sd := make([]float64, dim)
	constant := false
	for f := range sd {
		sd[f] = math.Sqrt(cols.M2[f] / float64(n-1))
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
