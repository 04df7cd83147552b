package mst

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"cxray/stream/measure/internal/oracle"
)

// kruskalTotal is the definition of the Total rule's tree, independent of
// Prim: every pair's exact squared distance, sorted by (distance, smaller
// end, larger end), then Kruskal. It returns the tree's edges as sorted
// (smaller, larger) pairs.
func kruskalTotal(x []float32, d int, w []float64) [][2]int {
	n := len(x) / d
	type edge struct {
		d    float64
		a, b int
	}
	var es []edge
	for a := range n {
		for b := a + 1; b < n; b++ {
			es = append(es, edge{SqDist(x[a*d:(a+1)*d], x[b*d:(b+1)*d], w), a, b})
		}
	}
	slices.SortFunc(es, func(p, q edge) int {
		return cmp.Or(cmp.Compare(p.d, q.d), cmp.Compare(p.a, q.a), cmp.Compare(p.b, q.b))
	})
	root := make([]int, n)
	for i := range root {
		root[i] = i
	}
	var find func(int) int
	find = func(v int) int {
		if root[v] != v {
			root[v] = find(root[v])
		}
		return root[v]
	}
	var tree [][2]int
	for _, e := range es {
		if ra, rb := find(e.a), find(e.b); ra != rb {
			root[ra] = rb
			tree = append(tree, [2]int{e.a, e.b})
		}
	}
	slices.SortFunc(tree, func(p, q [2]int) int { return cmp.Or(cmp.Compare(p[0], q[0]), cmp.Compare(p[1], q[1])) })
	return tree
}

// edgesOf lists a parent array's edges as sorted (smaller, larger) pairs.
func edgesOf(parent []int) [][2]int {
	var es [][2]int
	for v, p := range parent {
		if p >= 0 {
			es = append(es, [2]int{min(p, v), max(p, v)})
		}
	}
	slices.SortFunc(es, func(p, q [2]int) int { return cmp.Or(cmp.Compare(p[0], q[0]), cmp.Compare(p[1], q[1])) })
	return es
}

// Under the Total rule every method returns the tree Kruskal finds under
// the total order, on data full of exact ties and duplicates and on
// continuous data, with and without weights; and DCoL's rule, on the tie
// data, does not always (so the test can tell the rules apart).
func TestTotalRuleIsKruskalsTree(t *testing.T) {
	withSmallParts(t)
	rng := rand.New(rand.NewPCG(3, 4))
	differ := 0
	for _, ints := range []bool{true, false} {
		for _, n := range []int{1, 2, 3, 17, 130, 301} {
			for _, d := range []int{1, 2, 5, 33} {
				x := oracle.RandomSet(rng, n, d, ints)
				var w []float64
				if rng.IntN(2) == 0 {
					w = make([]float64, d)
					for i := range w {
						w[i] = float64(rng.IntN(3))
					}
				}
				want := kruskalTotal(x, d, w)
				for _, m := range allMethods {
					name := fmt.Sprintf("ints=%v/n=%d/d=%d/w=%v/%v", ints, n, d, w != nil, m)
					tr, err := Build(x, d, &Options{Weights: w, Ties: Total, Method: m, Workers: 3})
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if got := edgesOf(tr.Parent); !slices.Equal(got, want) {
						t.Errorf("%s: the tree differs from Kruskal's under the total order", name)
					}
				}
				if dc, err := Build(x, d, &Options{Weights: w, Method: Dense}); err == nil && !slices.Equal(edgesOf(dc.Parent), want) {
					differ++
				}
			}
		}
	}
	if differ == 0 {
		t.Error("DCoL's rule gave the total order's tree on every set: the sets have no ties that tell the rules apart")
	}
	if _, err := Build([]float32{0, 1}, 1, &Options{Ties: Total, TieRTol: 1e-5}); err == nil {
		t.Error("Total with a tolerance was accepted")
	}
}
