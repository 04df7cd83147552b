package mst

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"cxray/stream/measure/internal/oracle"
)

// Prim driven by a caller's distances is the tree of Build and of the
// textbook Prim, on tied and continuous data, with and without the tie
// tolerance; a reset state reused for another set gives that set's tree.
func TestPrimWithCallerDistances(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 62))
	var p Prim
	for _, ints := range []bool{true, false} {
		for _, n := range []int{1, 2, 5, 90} {
			d := 1 + rng.IntN(5)
			x := oracle.RandomSet(rng, n, d, ints)
			for _, rtol := range []float64{0, DefaultTieRTol} {
				name := fmt.Sprintf("ints=%v/n=%d/d=%d/rtol=%g", ints, n, d, rtol)
				p.Reset(n, rtol)
				for u := 0; len(p.Rest()) > 0; u = p.Next() {
					for _, v := range p.Rest() {
						p.Relax(u, v, SqDist(x[u*d:u*d+d], x[int(v)*d:int(v)*d+d], nil))
					}
				}
				tr, err := Build(x, d, &Options{TieRTol: rtol, Method: Dense})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(p.Parent(), tr.Parent) || !slices.Equal(p.Parent(), oracle.RefPrim(x, d, nil, rtol)) {
					t.Errorf("%s: parent %v, Build %v", name, p.Parent(), tr.Parent)
				}
			}
		}
	}
}

// A caller that offers no edge out of a component (ECoL's zero distances)
// gets a forest: each component grows from its lowest-indexed vertex.
func TestPrimForest(t *testing.T) {
	// Vertices 0, 2 and 1, 3 are joined; nothing joins the two pairs.
	dist := func(u, v int) (float64, bool) {
		if u%2 != v%2 {
			return 0, false
		}
		return float64(u + v), true
	}
	p := NewPrim(4, 0)
	for u := 0; len(p.Rest()) > 0; u = p.Next() {
		for _, v := range p.Rest() {
			if d, ok := dist(u, int(v)); ok {
				p.Relax(u, v, d)
			}
		}
	}
	if want := []int{-1, -1, 0, 1}; !slices.Equal(p.Parent(), want) {
		t.Errorf("parent %v, want %v", p.Parent(), want)
	}
}
