package feature

import "cxray/stream/measure"

// Weights returns the per-feature factors w of the normalisation norm over
// the n points of x (dim values each), such that the normalised squared
// distance is Σ((a_j−b_j)·w_j)² (see Columns.Weights), or nil for NormNone
// or no point. The statistics are Of's: float64 over the float32 values,
// the mean and variance in two passes.
func Weights(x []float32, n, dim int, norm measure.Normalization) []float64 {
	if norm == measure.NormNone || n == 0 {
		return nil
	}
	return Of(x[:n*dim], dim, ForNorm(norm)).Weights(norm)
}

// Rescaled returns the n points of x with every feature multiplied by its
// normalization factor (1/range or 1/std; 0 for a constant feature), as a
// new float32 slice, or x itself for NormNone. Distances between the
// rescaled points are the normalized distances: the translation part of
// either normalization cancels in a difference, so it is left out. It is
// for measures that take points rather than weights; it costs a copy of x.
func Rescaled(x []float32, n, dim int, norm measure.Normalization) []float32 {
	w := Weights(x, n, dim, norm)
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
