package mst

import (
	"fmt"
	"math"
)

// checkFinite reports the first NaN or ±Inf in x, naming its sample
// (offset by first) and feature.
func checkFinite(x []float32, dim, first int) error {
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("mst: sample %d feature %d is %v", first+i/dim, i%dim, v)
		}
	}
	return nil
}
