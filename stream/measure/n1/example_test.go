package n1_test

import (
	"fmt"

	"cxray/stream/measure"
	"cxray/stream/measure/n1"
)

// Two classes on a line, streamed in two batches. The tree is
// 0-1-2 | 3-4-5 joined by the edge 2-3, the only one whose ends carry
// different labels: N1 = 2/6.
func ExampleExactN1() {
	e := n1.NewExactN1(1, measure.NormNone)
	if err := e.Update(measure.Batch{X: []float32{0, 1, 2}, Labels: []int32{0, 0, 0}}); err != nil {
		fmt.Println(err)
		return
	}
	if err := e.Update(measure.Batch{X: []float32{10, 11, 12}, Labels: []int32{1, 1, 1}}); err != nil {
		fmt.Println(err)
		return
	}
	n1, err := e.Value()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("N1 = %.4f over %d points\n", n1, e.N())
	fmt.Println(e.Conventions())
	// Output:
	// N1 = 0.3333 over 6 points
	// measure=N1 distance=euclidean arithmetic=float64-from-float32 counting=vertices zero_distances=kept tie_rule=dcol-prim tie_rtol=1e-05 normalization=none
}
