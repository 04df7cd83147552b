package mst_test

import (
	"fmt"
	"math"

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

// Prim grows the tree of any distances the caller offers, under the tie
// rule: here |a−b| on a line with points at 0, 2, 1 and 1. From 0, points
// 2 and 3 tie at distance 1 and the lower index joins first; point 3, a
// duplicate of 2, joins at distance 0 (a zero distance is an edge); point
// 1 is then as far from 3 as from 2 and keeps the earlier parent, 2.
func ExamplePrim() {
	pos := []float64{0, 2, 1, 1}
	p := mst.NewPrim(len(pos), mst.DefaultTieRTol)
	for u := 0; len(p.Rest()) > 0; u = p.Next() {
		for _, v := range p.Rest() {
			p.Relax(u, v, math.Abs(pos[u]-pos[v]))
		}
	}
	fmt.Println("parent:", p.Parent())
	fmt.Println("N1 with labels 0 1 0 1:", float64(mst.CrossVertices(p.Parent(), []int32{0, 1, 0, 1}))/4)
	// Output:
	// parent: [-1 2 0 2]
	// N1 with labels 0 1 0 1: 0.75
}
