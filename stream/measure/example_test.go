package measure_test

import (
	"fmt"

	"cxray/stream/measure"
)

// The conventions of an N1 value, as every metric row stores them.
func ExampleN1Conventions() {
	norm, err := measure.ParseNormalization("z-score")
	if err != nil {
		fmt.Println(err)
		return
	}
	c := measure.N1Conventions(norm, 1e-5)
	fmt.Println(c)
	fmt.Println(c.Params()["tie_rule"], c.Params()["normalize"])
	// Output:
	// measure=N1 distance=euclidean arithmetic=float64-from-float32 counting=vertices zero_distances=kept tie_rule=dcol-prim tie_rtol=1e-05 normalization=zscore
	// dcol-prim zscore
}
