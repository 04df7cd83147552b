package runtime_test

import (
	"fmt"
	"log"

	"cxray/importer"
	"cxray/runtime"
)

// A two-layer graph, built by hand here; importer.Load builds the same
// structure from an ONNX file.
func Example() {
	g := &importer.Graph{
		Opset: 13,
		Input: importer.ValueInfo{Name: "x", Dims: []importer.Dim{{Value: -1, Param: "batch"}, {Value: 2}}},
		Initializers: map[string]*importer.Tensor{
			"W": {Shape: []int{3, 2}, Float: []float32{1, 0, 0, 1, 1, -1}},
			"b": {Shape: []int{3}, Float: []float32{0, 0, 0.5}},
		},
		Nodes: []importer.Node{
			{Name: "fc", OpType: "Gemm", Inputs: []string{"x", "W", "b"}, Outputs: []string{"h"}, Attrs: importer.Attributes{"transB": int64(1)}},
			{Name: "act", OpType: "Relu", Inputs: []string{"h"}, Outputs: []string{"y"}},
		},
	}
	e, err := runtime.New(g)
	if err != nil {
		log.Fatal(err)
	}
	x := &runtime.Tensor{Shape: []int{2, 2}, Data: []float32{1, 2, -3, 1}}
	err = e.Run(x, func(name string, t *runtime.Tensor) error {
		// t is only valid during the call; copy what must outlive it.
		fmt.Println(name, t.Shape, t.Data)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	shapes, err := e.OutputShapes([]int{2})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("per-sample shape of y:", shapes["y"])
	// Output:
	// h [2 3] [1 2 -0.5 -3 1 -3.5]
	// y [2 3] [1 2 0 0 1 0]
	// per-sample shape of y: [3]
}
