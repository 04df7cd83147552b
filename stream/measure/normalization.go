package measure

import (
	"fmt"
	"math"
	"strings"
)

// Normalization selects the per-feature rescaling applied to the points
// before distances are measured. It is computed over the whole set, so an
// estimator applies it when its result is read, not when points arrive.
type Normalization int

const (
	// NormNone measures distances on the raw features.
	NormNone Normalization = iota
	// NormMinMax maps every feature to (x-min)/(max-min); a feature with a
	// zero range becomes 0.
	NormMinMax
	// NormZScore maps every feature to (x-mean)/std with the population
	// standard deviation; a feature with a zero std becomes 0.
	NormZScore
)

// String returns the name ParseNormalization accepts.
func (n Normalization) String() string {
	switch n {
	case NormNone:
		return "none"
	case NormMinMax:
		return "minmax"
	case NormZScore:
		return "zscore"
	}
	return fmt.Sprintf("Normalization(%d)", int(n))
}

// ParseNormalization parses "none", "minmax" or "zscore" (case-insensitive;
// the empty string means none).
func ParseNormalization(s string) (Normalization, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "none":
		return NormNone, nil
	case "minmax", "min-max":
		return NormMinMax, nil
	case "zscore", "z-score":
		return NormZScore, nil
	}
	return 0, fmt.Errorf("measure: unknown normalization %q (want none, minmax or zscore)", s)
}

// Valid reports whether n is one of the normalisations.
func (n Normalization) Valid() bool { return n >= NormNone && n <= NormZScore }

// FeatureWeights returns the per-feature factors w such that the normalised
// squared distance is sum(((a_i-b_i)*w_i)^2), or nil for NormNone.
//
// Both normalisations are affine per feature, and a translation does not
// change a distance, so only the scale matters: 1/(max-min) or 1/std. The
// statistics are taken in float64 over the float32 values; the mean and
// variance use two passes so that a large common offset costs no accuracy.
func FeatureWeights(x []float32, n, dim int, norm Normalization) []float64 {
	if norm == NormNone || n == 0 {
		return nil
	}
	w := make([]float64, dim)
	switch norm {
	case NormMinMax:
		lo := make([]float64, dim)
		hi := make([]float64, dim)
		for j := range dim {
			lo[j], hi[j] = math.Inf(1), math.Inf(-1)
		}
		for i := range n {
			row := x[i*dim : (i+1)*dim]
			for j, v := range row {
				f := float64(v)
				lo[j] = math.Min(lo[j], f)
				hi[j] = math.Max(hi[j], f)
			}
		}
		for j := range dim {
			if r := hi[j] - lo[j]; r > 0 {
				w[j] = 1 / r
			}
		}
	case NormZScore:
		mean := make([]float64, dim)
		for i := range n {
			for j, v := range x[i*dim : (i+1)*dim] {
				mean[j] += float64(v)
			}
		}
		for j := range mean {
			mean[j] /= float64(n)
		}
		ss := make([]float64, dim)
		for i := range n {
			for j, v := range x[i*dim : (i+1)*dim] {
				d := float64(v) - mean[j]
				ss[j] += d * d
			}
		}
		for j := range dim {
			if sd := math.Sqrt(ss[j] / float64(n)); sd > 0 {
				w[j] = 1 / sd
			}
		}
	}
	return w
}

// Rescaled returns the n points of x with every feature multiplied by its
// normalization factor (1/range or 1/std; 0 for a constant feature), as a
// new float32 slice, or x itself for NormNone. Distances between the
// rescaled points are the normalized distances: the translation part of
// either normalization cancels in a difference, so it is left out. It is
// for measures that take points rather than weights; it costs a copy of x.
func Rescaled(x []float32, n, dim int, norm Normalization) []float32 {
	w := FeatureWeights(x, n, dim, norm)
	if w == nil {
		return x
	}
	out := make([]float32, n*dim)
	for i := range n {
		row, dst := x[i*dim:(i+1)*dim], out[i*dim:(i+1)*dim]
		for j, v := range row {
			dst[j] = float32(float64(v) * w[j])
		}
	}
	return out
}
