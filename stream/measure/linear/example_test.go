package linear_test

import (
	"fmt"

	"cxray/stream/measure/linear"
)

// Two classes on a line that overlap: class 0 reaches 1.5 and class 1
// starts at 1, so the SVM misclassifies the two points of the overlap.
// L1 = s/(1+s) with s the sum of their |decision values| over the 6 points.
func ExampleLinearity() {
	x := []float32{0, 0.5, 1.5, 1, 2, 3}
	y := []int32{0, 0, 0, 1, 1, 1}
	r, err := linear.Linearity(x, 1, y, linear.DefaultOptions())
	if err != nil {
		fmt.Println(err)
		return
	}
	p := r.Pairs[0]
	fmt.Printf("L2 = %.4f (%d of %d misclassified)\n", r.L2, p.Errors, p.N)
	fmt.Printf("L1 = %.4f\n", r.L1)
	// Output:
	// L2 = 0.3333 (2 of 6 misclassified)
	// L1 = 0.0667
}

func ExampleLinearProbe() {
	// Two well-separated classes in two dimensions.
	var x []float32
	var y []int32
	for i := range 40 {
		c := int32(i % 2)
		x = append(x, float32(c)*4+float32(i%5)*0.1, float32(i%7)*0.1)
		y = append(y, c)
	}
	r, err := linear.LinearProbe(x, 2, y, linear.ProbeOptions{Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("held-out accuracy %.2f on %d points\n", r.Accuracy, r.NTest)
	// Output:
	// held-out accuracy 1.00 on 10 points
}
