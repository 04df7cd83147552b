package n1_test

import (
	"fmt"

	"cxray/stream/measure"
	"cxray/stream/measure/mst"
	"cxray/stream/measure/n1"
)

// The contract every estimator follows: two workers measure the two
// halves of a stream under the total tie order, ship their states as
// bytes, and one merges them into the state of the whole stream.
func ExampleExactN1_Merge() {
	worker := func(x []float32, labels []int32) []byte {
		e := n1.NewExactN1(1, measure.NormNone)
		e.Ties, e.TieRTol = mst.Total, 0
		if err := e.Update(measure.Batch{X: x, Labels: labels}); err != nil {
			panic(err)
		}
		b, err := e.MarshalBinary()
		if err != nil {
			panic(err)
		}
		return b
	}
	first := worker([]float32{0, 1, 2}, []int32{0, 0, 0})
	second := worker([]float32{10, 11, 12}, []int32{1, 1, 1})

	// A zero value takes the settings the bytes carry.
	var whole, part n1.ExactN1
	if err := whole.UnmarshalBinary(first); err != nil {
		fmt.Println(err)
		return
	}
	if err := part.UnmarshalBinary(second); err != nil {
		fmt.Println(err)
		return
	}
	if err := whole.Merge(&part); err != nil {
		fmt.Println(err)
		return
	}
	r, err := whole.Estimate()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("N1 = %.4f over %d points, tie rule %s, state %d bytes\n", r.Value, r.N, r.Params["tie_rule"], whole.Bytes())

	// Bytes of other settings are refused.
	other := n1.NewExactN1(2, measure.NormNone)
	fmt.Println(other.UnmarshalBinary(first))
	// Output:
	// N1 = 0.3333 over 6 points, tie rule total, state 48 bytes
	// n1.ExactN1 state: other settings than this ExactN1's: dimension 1 (want 2)
}
