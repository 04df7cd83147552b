package mst_test

import (
	"fmt"

	"cxray/stream/measure/mst"
)

// Build returns the tree itself.
func ExampleBuild() {
	x := []float32{0, 0, 3, 3, 10}
	t, err := mst.Build(x, 1, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("parent:", t.Parent)
	fmt.Println("order: ", t.Order)
	fmt.Println("weight:", t.Weight)
	// Output:
	// parent: [-1 0 0 2 2]
	// order:  [0 1 2 3 4]
	// weight: [0 0 9 0 49]
}
