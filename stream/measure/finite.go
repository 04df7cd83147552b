package measure

import (
	"fmt"
	"math"
)

// CheckFinite reports the first NaN or ±Inf of the points x (dim values
// each), naming its sample, counted from first, and its feature: every
// estimator refuses such a batch whole, with this one line.
func CheckFinite(x []float32, dim, first int) error {
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("measure: sample %d feature %d is %v", first+i/dim, i%dim, v)
		}
	}
	return nil
}
