package feature

import "math"

// F1Features returns, for every feature f, 1/(1+r_f) with Fisher's
// discriminant ratio
//
//	r_f = Σ_c n_c (μ_cf - μ_f)² / Σ_c Σ_{i∈c} (x_if - μ_cf)²
//
// over the classes c with n_c points and feature means μ_cf, μ_f the mean of
// all points (Lorena et al. 2019, eq. 1-2; ECoL's c.F1 before its summary).
// Multiclass: native, every class enters the sums. A constant feature gives
// NaN; one that is constant within every class but
// differs between them has r_f = +Inf and gives 0. It reads m only: O(d)
// beyond m.
func F1Features(m *Moments) []float64 {
	out := make([]float64, m.dim)
	if m.points == 0 {
		for j := range out {
			out[j] = math.NaN()
		}
		return out
	}
	mu := m.grandMean()
	for j := range out {
		var num, den float64
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, c := range m.class {
			dm := c.Mean[j] - mu[j]
			num += float64(c.N) * dm * dm
			den += c.M2[j]
			lo, hi = math.Min(lo, c.Min[j]), math.Max(hi, c.Max[j])
		}
		if lo == hi {
			// A constant feature (a dead unit, an image border) carries no
			// information; its class means can still differ from the grand
			// mean by a rounding error, which over den = 0 would read as a
			// perfectly separating feature.
			out[j] = math.NaN()
			continue
		}
		out[j] = 1 / (1 + num/den)
	}
	return out
}

// F1 returns the maximum Fisher's discriminant ratio in the survey's form,
//
//	F1 = 1 / (1 + max_f r_f) = min_f F1Features(m)_f,
//
// with r_f as in F1Features (Lorena et al. 2019, eq. 2; Ho and Basu 2002
// take max r_f itself). ECoL returns the per-feature values and summarises
// them by their mean by default; its test of the survey form computes
// 1/(1+max r), which F1 is (iris: 0.05862828). Features with NaN are
// skipped; NaN if all are. Values near 0: one feature separates the classes
// well. Multiclass: native. Memory: O(d) beyond m.
func F1(m *Moments) float64 {
	best := math.NaN()
	for _, v := range F1Features(m) {
		if math.IsNaN(v) {
			continue
		}
		if math.IsNaN(best) || v < best {
			best = v
		}
	}
	return best
}
