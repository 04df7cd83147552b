package project_test

import (
	"fmt"

	"cxray/stream/measure/project"
)

// A plain map from 1000 to 64 dimensions keeps a squared distance up to a
// relative error of about √(2/64) = 18%; here 5%.
func ExampleNew() {
	const d, k = 1000, 64
	x := make([]float32, 2*d) // two points: 0 and (1, …, 1)
	for j := range d {
		x[d+j] = 1
	}
	m := project.New(d, k, 1)
	y := make([]float32, 2*k)
	m.Apply(y, x, 2)
	var s float64
	for j := range k {
		diff := float64(y[k+j] - y[j])
		s += diff * diff
	}
	fmt.Printf("%s map to %d dimensions: ‖f(a)−f(b)‖²/‖a−b‖² = %.3f\n", m.Kind(), m.Out(), s/d)
	// Output:
	// achlioptas-sparse map to 64 dimensions: ‖f(a)−f(b)‖²/‖a−b‖² = 0.949
}

// A map fitted to points on a 3-dimensional subspace of R^20 holds them in
// its principal directions: distances between such points are exact (up
// to float32 rounding), the Johnson–Lindenstrauss part sees nothing.
func ExampleFit() {
	const n, d, k = 40, 20, 8
	x := make([]float32, n*d)
	for i := range n {
		a, b, c := float32(i%5), float32(i%7), float32(i%3)
		for j := range d {
			x[i*d+j] = a*float32(j%2) + b*float32(j%3) + c
		}
	}
	m, err := project.Fit(x, n, d, k, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %d principal directions, share of the variance %.6f\n", m.Kind(), m.Params()["pca_dims"], m.Captured())
	// Output:
	// pca+jl: 3 principal directions, share of the variance 1.000000
}
