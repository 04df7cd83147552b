package feature

import "math"

// F2Pairs returns the volume of the overlapping region for every pair of
// classes (a, b), in the order of F1vPairs (Ho and Basu 2002; Lorena et al.
// 2019, eq. 5):
//
//	F2 = Π_f max(0, minmax_f - maxmin_f) / (maxmax_f - minmin_f),
//
// minmax_f = min(max_af, max_bf), maxmin_f = max(min_af, min_bf),
// maxmax_f = max(max_af, max_bf), minmin_f = min(min_af, min_bf). A feature
// with zero range in the pair (0/0) is left out of the product, as ECoL's
// prod(na.rm=TRUE). Memory: O(k²) beyond m.
func F2Pairs(m *Moments) []float64 {
	cl := m.sorted()
	var out []float64
	for a := 0; a < len(cl); a++ {
		for b := a + 1; b < len(cl); b++ {
			ca, cb := cl[a], cl[b]
			p := 1.0
			for j := range m.dim {
				minmax := math.Min(ca.Max[j], cb.Max[j])
				maxmin := math.Max(ca.Min[j], cb.Min[j])
				maxmax := math.Max(ca.Max[j], cb.Max[j])
				minmin := math.Min(ca.Min[j], cb.Min[j])
				r := math.Max(0, minmax-maxmin) / (maxmax - minmin)
				if !math.IsNaN(r) {
					p *= r
				}
			}
			out = append(out, p)
		}
	}
	return out
}

// F2 returns the mean of F2Pairs over the one-versus-one pairs of classes,
// ECoL's multiclass form (iris: 0.006381766). NaN with fewer than two
// classes. Values near 0: on some feature the classes do not overlap.
// Memory: O(k²) beyond m.
func F2(m *Moments) float64 {
	return featMean(F2Pairs(m))
}
