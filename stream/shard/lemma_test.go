package shard

import (
	"math/rand/v2"
	"slices"
	"testing"

	"cxray/sql"
)

// treeEdges returns the tree of x as edges in the total order, with ids
// mapped through id.
func treeEdges(t *testing.T, tree TreeFunc, x []float32, dim int, id func(int) int64) []sql.Edge {
	t.Helper()
	parent, weight, err := tree(x, dim)
	if err != nil {
		t.Fatal(err)
	}
	var es []sql.Edge
	for v, p := range parent {
		if p >= 0 {
			es = append(es, sql.Edge{U: id(p), V: id(v), D2: weight[v]})
		}
	}
	return es
}

// canonical orders an edge's ends and sorts the edges.
func canonical(es []sql.Edge) []sql.Edge {
	out := make([]sql.Edge, len(es))
	for i, e := range es {
		out[i] = sql.Edge{U: min(e.U, e.V), V: max(e.U, e.V), D2: e.D2}
	}
	slices.SortFunc(out, compareEdges)
	return out
}

// The lemma: Kruskal over the union of the pair trees is the tree of all
// points, on data full of ties (an integer grid) and without.
func TestShardedTreeIsTheTree(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 60 {
		n, dim, s := 8+rng.IntN(60), 1+rng.IntN(4), 1+rng.IntN(5)
		if s > n/2 {
			s = n / 2
		}
		x := make([]float32, n*dim)
		for i := range x {
			if trial%2 == 0 {
				x[i] = float32(rng.IntN(3)) // many equal distances
			} else {
				x[i] = float32(rng.NormFloat64())
			}
		}
		whole := canonical(treeEdges(t, DenseTree, x, dim, func(v int) int64 { return int64(v) }))
		bounds, pairs, _, err := Split(n, s, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var union []sql.Edge
		for _, p := range pairs {
			i, j := p[0], p[1]
			pts := slices.Clone(x[bounds[i]*dim : bounds[i+1]*dim])
			if j != i {
				pts = append(pts, x[bounds[j]*dim:bounds[j+1]*dim]...)
			}
			ni := bounds[i+1] - bounds[i]
			union = append(union, treeEdges(t, DenseTree, pts, dim, func(v int) int64 {
				if v < ni {
					return int64(bounds[i] + v)
				}
				return int64(bounds[j] + v - ni)
			})...)
		}
		got := canonical(Kruskal(n, union))
		if !slices.Equal(got, whole) {
			t.Fatalf("trial %d (n=%d, d=%d, s=%d): the sharded tree differs from the whole one", trial, n, dim, s)
		}
	}
}

func TestRanges(t *testing.T) {
	for _, c := range []struct {
		ts   []int
		want string
	}{{nil, ""}, {[]int{3}, "3"}, {[]int{0, 1, 2, 3, 7, 9, 10}, "0-3,7,9-10"}} {
		if got := Ranges(c.ts); got != c.want {
			t.Errorf("Ranges(%v) = %q, want %q", c.ts, got, c.want)
		}
	}
}
