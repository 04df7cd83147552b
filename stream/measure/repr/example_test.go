package repr_test

import (
	"fmt"

	"cxray/stream/measure"
	"cxray/stream/measure/repr"
)

// Two tight classes far apart: GDV is negative and NC1 small.
func ExampleGDV() {
	x := []float32{0, 0, 0.1, 0, 0, 0.1, 5, 5, 5.1, 5, 5, 5.1}
	y := []int32{0, 0, 0, 1, 1, 1}
	g, _ := repr.GDV(x, 2, y)
	v, _ := repr.NC1(x, 2, y)
	fmt.Printf("GDV %.4f, NC1 %.6f\n", g, v)
	// Output:
	// GDV -0.9838, NC1 0.000044
}

// A representation compared with itself and with a rotated, scaled copy
// of itself, fed in two minibatches.
func ExampleCKA() {
	x := []float32{1, 0, 0, 2, 3, 1, 1, 1, 2, 2, 0, 3, 4, 1, 2, 0}
	// (a, b) → 2·(b, −a): a rotation by 90° and a scale.
	y := make([]float32, len(x))
	for i := 0; i < len(x); i += 2 {
		y[i], y[i+1] = 2*x[i+1], -2*x[i]
	}
	labels := make([]int32, 8) // CKA does not use them
	c := repr.NewCKA(2, 2)
	for _, b := range [][2]int{{0, 4}, {4, 8}} {
		lo, hi := b[0], b[1]
		if err := c.Update(measure.Batch{X: x[2*lo : 2*hi], Y: y[2*lo : 2*hi], Labels: labels[lo:hi]}); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Printf("CKA %.6f over %d batches\n", c.Value(), c.Batches())
	// Output:
	// CKA 1.000000 over 2 batches
}

// NC1 from its streaming state, fed in two parts merged after a trip
// through bytes, reads what NC1 reads from the points.
func ExampleNC1Moments() {
	x := []float32{0, 0, 0.1, 0, 0, 0.1, 5, 5, 5.1, 5, 5, 5.1}
	y := []int32{0, 0, 0, 1, 1, 1}
	a, b := repr.NewNC1Moments(2), repr.NewNC1Moments(2)
	if err := a.Update(measure.Batch{X: x[:8], Labels: y[:4]}); err != nil {
		fmt.Println(err)
		return
	}
	if err := b.Update(measure.Batch{X: x[8:], Labels: y[4:]}); err != nil {
		fmt.Println(err)
		return
	}
	bytes, err := b.MarshalBinary()
	if err != nil {
		fmt.Println(err)
		return
	}
	var shipped repr.NC1Moments
	if err := shipped.UnmarshalBinary(bytes); err != nil {
		fmt.Println(err)
		return
	}
	if err := a.Merge(&shipped); err != nil {
		fmt.Println(err)
		return
	}
	v, _ := a.Value()
	w, _ := repr.NC1(x, 2, y)
	fmt.Printf("NC1 %.6f from %d points, %.6f from the points\n", v, a.N(), w)
	// Output:
	// NC1 0.000044 from 6 points, 0.000044 from the points
}
