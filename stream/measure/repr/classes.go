package repr

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// classes groups the points by label: the labels in increasing order and,
// for every point, the index of its class in that order.
func classes(labels []int32) (labs []int32, of []int, counts []int) {
	seen := map[int32]bool{}
	for _, l := range labels {
		if !seen[l] {
			seen[l] = true
			labs = append(labs, l)
		}
	}
	sort.Slice(labs, func(i, j int) bool { return labs[i] < labs[j] })
	idx := make(map[int32]int, len(labs))
	for i, l := range labs {
		idx[l] = i
	}
	of = make([]int, len(labels))
	counts = make([]int, len(labs))
	for i, l := range labels {
		of[i] = idx[l]
		counts[of[i]]++
	}
	return labs, of, counts
}

// check validates a labelled point set.
func check(x []float32, dim int, labels []int32) error {
	if dim < 1 || len(x) != len(labels)*dim {
		return fmt.Errorf("repr: %d values for %d points of dimension %d", len(x), len(labels), dim)
	}
	for _, v := range x {
		if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
			return errors.New("repr: NaN or infinite coordinate")
		}
	}
	return nil
}
