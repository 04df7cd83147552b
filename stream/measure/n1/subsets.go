package n1

import (
	"math"
	"math/rand/v2"
	"slices"
)

// subsetByClass draws, for every class, a uniform random subset of
// round(f·seen[c]) (at most len(from[c])) of from[c], each in increasing
// order.
func subsetByClass(rng *rand.Rand, from [][]int32, seen []int64, f float64) [][]int32 {
	out := make([][]int32, len(from))
	for c, src := range from {
		k := min(int(math.Round(f*float64(seen[c]))), len(src))
		p := slices.Clone(src)
		for i := range k {
			j := i + int(rng.Uint64N(uint64(len(p)-i)))
			p[i], p[j] = p[j], p[i]
		}
		out[c] = p[:k]
		slices.Sort(out[c])
	}
	return out
}

// flatten merges per-class index lists into one increasing list.
func flatten(by [][]int32) []int32 {
	var out []int32
	for _, b := range by {
		out = append(out, b...)
	}
	slices.Sort(out)
	return out
}

func gatherLabels(y []int32, idx []int32) []int32 {
	out := make([]int32, len(idx))
	for i, j := range idx {
		out[i] = y[j]
	}
	return out
}
