package n1_test

import (
	"fmt"

	"cxray/stream/measure"
	"cxray/stream/measure/n1"
	"cxray/stream/measure/project"
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
	v, err := e.Value()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("N1 = %.4f over %d points\n", v, e.N())
	fmt.Println(e.Conventions())
	// Output:
	// N1 = 0.3333 over 6 points
	// measure=N1 distance=euclidean arithmetic=float64-from-float32 counting=vertices zero_distances=kept tie_rule=dcol-prim tie_rtol=1e-05 normalization=none
}

// Running reads N1 after every batch from the tree kept by insertion, and
// each reading carries its conventions, as Estimate's do.
func ExampleExactN1_Running() {
	e := n1.NewExactN1(2, measure.NormNone)
	batches := []measure.Batch{
		{X: []float32{0, 0, 1, 0}, Labels: []int32{0, 0}},
		{X: []float32{5, 0, 6, 0}, Labels: []int32{1, 1}},
		{X: []float32{0.5, 0}, Labels: []int32{1}},
	}
	for _, b := range batches {
		if err := e.Update(b); err != nil {
			fmt.Println(err)
			return
		}
		r, err := e.Running()
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%d points: N1 = %.2f (%s, tie rule %s)\n", r.N, r.Value, r.Method, r.Params["tie_rule"])
	}
	// Output:
	// 2 points: N1 = 0.00 (exact, tie rule dcol-prim)
	// 4 points: N1 = 0.50 (exact, tie rule dcol-prim)
	// 5 points: N1 = 0.80 (exact, tie rule dcol-prim)
}

// ProjectedN1 keeps 8 numbers per point instead of 100: a map fitted to
// the first 16 points holds these points' 3 directions exactly, so N1 is
// the exact value.
func ExampleProjectedN1() {
	const n, d, k = 60, 100, 8
	x := make([]float32, n*d)
	y := make([]int32, n)
	for i := range n {
		y[i] = int32(i % 2)
		a, b := float32(i%7), float32(y[i])*10
		for j := range d {
			x[i*d+j] = a*float32(j%3) + b*float32(j%2) + float32(i%5)
		}
	}
	m, err := project.Fit(x, project.BasisRows(k), d, k, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	// The same points, projected and not: both are measure.Estimators.
	for _, e := range []measure.Estimator{n1.NewProjectedN1(d, m, measure.NormNone), n1.NewExactN1(d, measure.NormNone)} {
		if err := e.Update(measure.Batch{X: x, Labels: y}); err != nil {
			fmt.Println(err)
			return
		}
		r, err := e.Estimate()
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-9s N1 = %.4f over %d points, tie rule %v\n", r.Method, r.Value, r.N, r.Params["tie_rule"])
	}
	// Output:
	// projected N1 = 0.0333 over 60 points, tie rule dcol-prim
	// exact     N1 = 0.0333 over 60 points, tie rule dcol-prim
}
